// An operator's exit by hand, as every door to it speaks it: the CLI's `sigil exit`, the API's POST
// …/positions/:symbol/exit (the dashboard's Exit button), the Telegram bot's /exit. The close itself is
// app/force-exit.ts; a process that runs a bot exposes it as a ForceExitPort that takes its turn in the
// bot's lane.
import type { VariantId } from './ids.ts';
import type { Position } from './position.ts';
import type { ReportEvent } from './trading-event.ts';

export const FORCE_EXIT_SYMBOL_ALL = 'all';

export interface ForceExitRequest {
  variantId: VariantId;
  /** A symbol the variant holds, or 'all' for every open position of the variant. */
  symbol: string;
  /** The operator's words, for the audit trail and the alert. */
  reason: string;
  /** Who asked: `operator:cli`, `operator:api`, `telegram:<chat>`. */
  actor: string;
}

/**
 * `no_position`: nothing to close (the variant holds no such position) — a usage problem, exit 2 / 404.
 * `broker`: the broker refused or could not be reached; those positions stay open — exit 1 / 502.
 * `unavailable`: this process may not close the variant's positions (another process owns it) — 409.
 */
export type ForceExitRefusal = 'no_position' | 'broker' | 'unavailable';

export interface ForceExitResult {
  /** Closed by this request, at the broker's fill. */
  closed: Position[];
  /** Why nothing, or not everything, was closed: for the operator, word for word. */
  refused?: string;
  refusal?: ForceExitRefusal;
  /** Positions the bot itself closed meanwhile (a stop on the same bar): closed once, by it. */
  closedMeanwhile: Position[];
  /** Positions still open because the broker refused their close or failed, with why. */
  failed: { position: Position; error: string }[];
}

/** A process's way to close positions by hand; `onEvent` hears of each close (alerts, logs). */
export type ForceExitPort = (request: ForceExitRequest, onEvent?: ReportEvent) => Promise<ForceExitResult>;
