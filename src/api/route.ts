// What every API route is made of: the context it reads (the store, the variants, the clock, the candle
// files), the request it gets and the response it gives, and the error that carries an HTTP status.
import type { Clock } from '../domain/ports/clock.ts';
import type { Store } from '../domain/ports/store.ts';
import type { VariantId } from '../domain/ids.ts';
import type { ReportEvent } from '../domain/trading-event.ts';
import type { MoneyTerms } from '../domain/instrument.ts';
import type { ForceExitPort } from '../domain/manual-exit.ts';
import type { AbVerdictCache } from './ab-cache.ts';
import type { ProcessMetrics } from './process-metrics.ts';
import type { ApiVariant } from './api-variant.ts';
import type { CandleSource } from './candle-source.ts';
import { BadRequestError } from './validation.ts';

/** Who changed what, in the trading-state audit trail and the intents' decision records. */
export const API_ACTOR = 'api';
/** Who closed a position by hand through the API (the dashboard's Exit button). */
export const API_EXIT_ACTOR = 'operator:api';

export interface ApiContext {
  store: Store;
  variants: readonly VariantId[];
  profile(variant: string): ApiVariant;
  clock: Pick<Clock, 'now'>;
  candles: CandleSource | null;
  /** The bot process's counters and health; null when the server runs beside no bot (`sigil dashboard`). */
  processMetrics: ProcessMetrics | null;
  /** The last A/B verdict, kept until a trade closes. */
  abVerdicts: AbVerdictCache;
  /** False when no token is configured: the dashboard hides halt and reset. */
  mutationsEnabled: boolean;
  /** Told of each halt and reset made through the API (for alerts); absent = nobody listens. */
  onEvent?: ReportEvent;
  /** Units per quantity and quote terms of a symbol, to mark open positions in dollars. */
  terms(symbol: string): MoneyTerms;
  /** Closes positions by hand; absent where this process may not (the exit route answers 409). */
  forceExit?: ForceExitPort;
}

export interface ApiRequest {
  params: readonly string[];
  query: URLSearchParams;
  body(): Promise<string>;
}

export type ApiResponse =
  | { status: number; json: unknown }
  | { status: number; text: string; contentType: string; headers?: Record<string, string> };

export interface Route {
  method: 'GET' | 'POST';
  pattern: RegExp;
  /** Mutating routes need the bearer token; the server checks it before the handler runs. */
  mutating: boolean;
  handle(ctx: ApiContext, req: ApiRequest): Promise<ApiResponse>;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const ok = (json: unknown): ApiResponse => ({ status: 200, json });

export function param(req: ApiRequest, index: number): string {
  const raw = req.params[index];
  if (raw === undefined) throw new HttpError(404, 'not found');
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new BadRequestError('path: malformed percent-encoding');
  }
}

/** A variant named in the path is a resource (404 when unknown); in the query it is a filter (400). */
export function knownVariant(ctx: ApiContext, name: string, where: 'path' | 'query'): VariantId {
  const found = ctx.variants.find((variant) => variant === name);
  if (found) return found;
  if (where === 'path') throw new HttpError(404, `unknown variant "${name}"`);
  throw new BadRequestError(`variant: unknown variant "${name}"`);
}
