// The alert that stands in for the ones a rate limit held back: "N more alerts suppressed: 7
// intent_rejected, 3 heartbeat_stale", so the operator knows a storm happened and of what.
import type { EpochMs } from '../domain/ids.ts';
import type { Alert } from '../domain/ports/alert-sink.ts';
import type { Suppressed } from './rate-window.ts';

export function suppressionSummary(sink: string, held: Suppressed, now: EpochMs): Alert {
  const kinds = [...held.byKind.entries()]
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
    .map(([kind, count]) => `${count} ${kind}`)
    .join(', ');
  const title = `${held.total} more alert${held.total === 1 ? '' : 's'} suppressed`;
  return {
    kind: 'alerts_suppressed',
    severity: held.worst,
    variantId: null,
    title,
    text: `${title}: ${kinds}`,
    at: now,
    key: `alerts_suppressed:${sink}:${held.windowStart}`,
  };
}
