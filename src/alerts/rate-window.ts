// A fixed-window rate limit for one sink: the first `max` alerts of a window pass, the rest are counted by
// kind so that one summary can replace them when the window ends.
import type { EpochMs } from '../domain/ids.ts';
import {
  severityAtLeast,
  type Alert,
  type AlertKind,
  type AlertSeverity,
} from '../domain/ports/alert-sink.ts';

export interface Suppressed {
  /** When the window the alerts were held back in started. */
  windowStart: EpochMs;
  total: number;
  byKind: Map<AlertKind, number>;
  /** The most severe of them, which the summary carries so that a min-severity route still passes it. */
  worst: AlertSeverity;
}

export class RateWindow {
  private start: EpochMs = Number.NEGATIVE_INFINITY;
  private admitted = 0;
  private suppressed: Suppressed | undefined;

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  /** When the current window ends. */
  get endsAt(): EpochMs {
    return this.start + this.windowMs;
  }

  /** True when the window has ended with alerts held back: call take() for the summary first. */
  endedWithSuppressed(now: EpochMs): boolean {
    return this.suppressed !== undefined && now >= this.endsAt;
  }

  /** True if `alert` may be sent now; otherwise it is counted into the window's suppressed alerts. */
  admit(alert: Alert, now: EpochMs): boolean {
    if (now >= this.endsAt) {
      this.start = now;
      this.admitted = 0;
    }
    if (this.admitted < this.max) {
      this.admitted += 1;
      return true;
    }
    const held = (this.suppressed ??= {
      windowStart: this.start,
      total: 0,
      byKind: new Map(),
      worst: 'info',
    });
    held.total += 1;
    held.byKind.set(alert.kind, (held.byKind.get(alert.kind) ?? 0) + 1);
    if (severityAtLeast(alert.severity, held.worst)) held.worst = alert.severity;
    return false;
  }

  /** The suppressed alerts so far (cleared), or undefined when there are none. */
  take(): Suppressed | undefined {
    const held = this.suppressed;
    this.suppressed = undefined;
    return held;
  }
}
