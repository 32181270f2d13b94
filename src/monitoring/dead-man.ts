// The dead-man rule (seed layer I): a scanner that stopped writing heartbeats is the silent failure the
// probe exists for — the process may look alive while nothing trades. Pure: the probe command reads the
// store and the clock, this decides which variants are stale at `now`.
import type { EpochMs, VariantId } from '../domain/ids.ts';
import type { ScannerHeartbeat } from '../domain/heartbeat.ts';

const MINUTE_MS = 60_000;

export interface WatchedVariant {
  variantId: VariantId;
  /** The variant's `pipeline.heartbeat_stale_minutes`. */
  staleAfterMinutes: number;
}

export interface DeadManInput {
  variants: readonly WatchedVariant[];
  heartbeats: readonly ScannerHeartbeat[];
  /** Variants the store holds intents of: they have traded, so a missing heartbeat is a scanner lost. */
  variantsWithIntents: ReadonlySet<VariantId>;
  /** Treat a variant that never scanned as stale even without intents (a probe pointed at the wrong store). */
  requireAll: boolean;
  now: EpochMs;
}

/**
 * `finished`: the last cycle ended (successfully or not) at `since`; `running`: a cycle started at `since`
 * and has not ended; `never`: no heartbeat at all.
 */
export type ScanActivity = 'finished' | 'running' | 'never';

export interface VariantLiveness {
  variantId: VariantId;
  stale: boolean;
  activity: ScanActivity;
  /** When the last cycle ended, or when the running one started; null if it never scanned. */
  since: EpochMs | null;
  /** `now - since`, never negative (a scanner's clock slightly ahead of the probe's is not staleness). */
  ageMs: number | null;
  staleAfterMinutes: number;
  /** The last cycle's error: a scanner that runs and fails is alive, so it is shown, not tripped on. */
  lastError: string | null;
  hasIntents: boolean;
}

export function checkLiveness(input: DeadManInput): VariantLiveness[] {
  const byVariant = new Map(input.heartbeats.map((h) => [h.variantId, h]));
  return input.variants.map(({ variantId, staleAfterMinutes }) => {
    const heartbeat = byVariant.get(variantId);
    const { activity, since } = lastActivity(heartbeat);
    const hasIntents = input.variantsWithIntents.has(variantId);
    const ageMs = since === null ? null : Math.max(0, input.now - since);
    const stale = ageMs === null ? hasIntents || input.requireAll : ageMs > staleAfterMinutes * MINUTE_MS;
    return {
      variantId,
      stale,
      activity,
      since,
      ageMs,
      staleAfterMinutes,
      lastError: heartbeat?.lastError ?? null,
      hasIntents,
    };
  });
}

function lastActivity(heartbeat: ScannerHeartbeat | undefined): {
  activity: ScanActivity;
  since: EpochMs | null;
} {
  const start = heartbeat?.lastScanStart ?? null;
  const end = heartbeat?.lastScanEnd ?? null;
  // A start after the last end is a cycle still running (or one that hung or died mid-way): its age counts
  // from the start, so a scanner stuck inside a cycle goes stale like one that stopped.
  if (start !== null && (end === null || start > end)) return { activity: 'running', since: start };
  if (end !== null) return { activity: 'finished', since: end };
  return { activity: 'never', since: null };
}

/** Whole minutes, rounded down: "no scan for 25 min" must not be printed for 24.6 minutes. */
export function ageMinutes(liveness: VariantLiveness): number | null {
  return liveness.ageMs === null ? null : Math.floor(liveness.ageMs / MINUTE_MS);
}

/** The kill switch's `why` for a stale variant, for the audit trail. */
export function deadManReason(liveness: VariantLiveness): string {
  const minutes = ageMinutes(liveness);
  if (minutes === null) return 'dead-man: no scan recorded';
  return liveness.activity === 'running'
    ? `dead-man: scan running for ${minutes} min`
    : `dead-man: no scan for ${minutes} min`;
}

/** One line's worth of what the probe saw, without the variant name. */
export function describeLiveness(liveness: VariantLiveness): string {
  const minutes = ageMinutes(liveness);
  const threshold = `stale after ${liveness.staleAfterMinutes} min`;
  let seen: string;
  if (minutes === null) {
    seen = liveness.hasIntents ? 'never scanned, but holds intents' : 'never scanned';
  } else if (liveness.activity === 'running') {
    seen = `scan running for ${minutes} min`;
  } else {
    seen = liveness.stale ? `no scan for ${minutes} min` : `last scan ended ${minutes} min ago`;
  }
  const error = liveness.lastError === null ? '' : `; last cycle failed: ${liveness.lastError}`;
  return `${liveness.stale ? 'stale' : 'ok'}, ${seen} (${threshold})${error}`;
}
