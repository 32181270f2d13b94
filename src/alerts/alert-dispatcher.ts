// Delivers alerts to their sinks without ever holding up trading: notify() only queues, and one background
// drain per sink sends, retries with backoff and drops. On the way in, alerts are routed by kind and
// severity, deduplicated by key, and rate-limited per sink with one summary standing in for a storm.
import { errorKindOf, FatalError } from '../domain/errors.ts';
import type { EpochMs } from '../domain/ids.ts';
import {
  severityAtLeast,
  type Alert,
  type AlertKind,
  type AlertSeverity,
  type AlertSink,
} from '../domain/ports/alert-sink.ts';
import type { Clock, TimerHandle } from '../domain/ports/clock.ts';
import { backoffMs, type BackoffPolicy } from './backoff.ts';
import { DedupWindow } from './dedup-window.ts';
import { retryAfterMsOf } from './delivery-error.ts';
import { RateWindow } from './rate-window.ts';
import { suppressionSummary } from './suppression-summary.ts';

export interface AlertRoute {
  sink: AlertSink;
  /** Alerts below this severity skip this sink. */
  minSeverity: AlertSeverity;
  /** Only these kinds go to this sink; every kind when absent. Suppression summaries always go. */
  kinds?: readonly AlertKind[];
}

export interface AlertDispatcherConfig {
  sinks: AlertRoute[];
  /** The same key inside this window is sent once. Default 10 minutes. */
  dedupWindowMs?: number;
  /** At most `max` alerts per sink per `windowMs`. Default 20 per minute. */
  rateLimit?: { max: number; windowMs: number };
  /** Retries after the first attempt before an alert is dropped. Default 5. */
  maxRetries?: number;
  /** Default 1 s doubling up to 60 s; a service's Retry-After overrides it. */
  backoff?: BackoffPolicy;
  /** Alerts waiting per sink at most; the oldest is dropped beyond it (a dead sink must not grow memory). */
  maxQueue?: number;
}

export interface AlertDispatcherDeps {
  clock: Clock;
  /** Told of every alert given up on (rejected, retries exhausted, queue full, flush deadline). */
  onDropped?: (sink: string, alert: Alert, error: unknown) => void;
}

/** Counts per sink delivery, except `deduplicated`, which counts notify() calls. */
export interface AlertStats {
  sent: number;
  deduplicated: number;
  suppressed: number;
  failed: number;
}

interface Lane {
  name: string;
  sink: AlertSink;
  minSeverity: AlertSeverity;
  kinds: ReadonlySet<AlertKind> | undefined;
  rate: RateWindow;
  summaryTimer: TimerHandle | undefined;
  queue: Alert[];
  running: Promise<void> | undefined;
}

export class AlertDispatcher {
  private readonly lanes: Lane[];
  private readonly dedup: DedupWindow;
  private readonly maxRetries: number;
  private readonly backoff: BackoffPolicy;
  private readonly maxQueue: number;
  private readonly counts: AlertStats = { sent: 0, deduplicated: 0, suppressed: 0, failed: 0 };
  /** Aborted when flush() gives up, which wakes every retry sleep so the drains end. */
  private abort = new AbortController();

  constructor(
    config: AlertDispatcherConfig,
    private readonly deps: AlertDispatcherDeps,
  ) {
    const rate = config.rateLimit ?? { max: 20, windowMs: 60_000 };
    this.maxRetries = config.maxRetries ?? 5;
    this.backoff = config.backoff ?? { baseDelayMs: 1_000, maxDelayMs: 60_000 };
    this.maxQueue = config.maxQueue ?? 100;
    const dedupWindowMs = config.dedupWindowMs ?? 10 * 60_000;
    for (const [what, value] of [
      ['rateLimit.max', rate.max],
      ['rateLimit.windowMs', rate.windowMs],
      ['maxQueue', this.maxQueue],
    ] as const) {
      if (!(value >= 1))
        throw new FatalError('alert_config', `alerts: ${what} must be at least 1, got ${value}`);
    }
    if (!(this.maxRetries >= 0 && dedupWindowMs >= 0)) {
      throw new FatalError('alert_config', 'alerts: maxRetries and dedupWindowMs must not be negative');
    }
    const names = new Set<string>();
    this.lanes = config.sinks.map((route) => {
      if (names.has(route.sink.name)) {
        throw new FatalError('alert_config', `alerts: two sinks are named "${route.sink.name}"`);
      }
      names.add(route.sink.name);
      return {
        name: route.sink.name,
        sink: route.sink,
        minSeverity: route.minSeverity,
        kinds: route.kinds === undefined ? undefined : new Set(route.kinds),
        rate: new RateWindow(rate.max, rate.windowMs),
        summaryTimer: undefined,
        queue: [],
        running: undefined,
      };
    });
    this.dedup = new DedupWindow(dedupWindowMs);
  }

  /** Queues `alert` for its sinks and returns at once; it never throws, whatever the sinks do. */
  notify(alert: Alert): void {
    try {
      const now = this.deps.clock.now();
      if (!this.dedup.firstSeen(alert.key, now)) {
        this.counts.deduplicated += 1;
        return;
      }
      for (const lane of this.lanes) {
        if (!severityAtLeast(alert.severity, lane.minSeverity)) continue;
        if (lane.kinds !== undefined && !lane.kinds.has(alert.kind)) continue;
        // A window that ended with alerts held back is summarised before the new window's first alert.
        if (lane.rate.endedWithSuppressed(now)) this.summarise(lane, now);
        if (lane.rate.admit(alert, now)) {
          this.enqueue(lane, alert);
        } else {
          this.counts.suppressed += 1;
          lane.summaryTimer ??= this.deps.clock.setTimer(
            `alerts:summary:${lane.name}`,
            lane.rate.endsAt,
            () => this.summarise(lane, this.deps.clock.now()),
          );
        }
      }
    } catch (error) {
      // Only a bug can land here (a clock or config that throws); trading goes on regardless.
      this.dropped('dispatcher', alert, error);
    }
  }

  /**
   * For shutdown: sends the pending suppression summaries now and waits up to `timeoutMs` (wall time) for
   * every queue to drain. True when all was delivered or given up on; false when the deadline passed, in
   * which case waiting alerts are dropped (counted as failed) and retry sleeps are cut short.
   */
  async flush(timeoutMs: number): Promise<boolean> {
    const now = this.deps.clock.now();
    for (const lane of this.lanes) this.summarise(lane, now);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((resolve) => {
      timer = setTimeout(() => resolve('deadline'), Math.max(0, timeoutMs));
    });
    try {
      for (;;) {
        const busy = this.lanes.flatMap((lane) => (lane.running === undefined ? [] : [lane.running]));
        if (busy.length === 0) return true;
        if ((await Promise.race([Promise.all(busy), deadline])) === 'deadline') {
          this.giveUp();
          return false;
        }
      }
    } finally {
      clearTimeout(timer);
    }
  }

  stats(): AlertStats {
    return { ...this.counts };
  }

  private summarise(lane: Lane, now: EpochMs): void {
    lane.summaryTimer?.cancel();
    lane.summaryTimer = undefined;
    const held = lane.rate.take();
    if (held !== undefined) this.enqueue(lane, suppressionSummary(lane.name, held, now));
  }

  private enqueue(lane: Lane, alert: Alert): void {
    if (lane.queue.length >= this.maxQueue) {
      const oldest = lane.queue.shift();
      if (oldest !== undefined) this.dropped(lane.name, oldest, new Error(`${lane.name}: alert queue full`));
    }
    lane.queue.push(alert);
    this.kick(lane);
  }

  private kick(lane: Lane): void {
    if (lane.running !== undefined) return;
    lane.running = this.drain(lane).finally(() => {
      lane.running = undefined;
      // Alerts queued after a flush deadline stopped the previous drain still need one.
      if (lane.queue.length > 0) this.kick(lane);
    });
  }

  private async drain(lane: Lane): Promise<void> {
    const signal = this.abort.signal;
    // Start sending on a later tick: notify() must not even begin a request.
    await Promise.resolve();
    while (!signal.aborted) {
      const alert = lane.queue.shift();
      if (alert === undefined) return;
      await this.deliver(lane, alert, signal);
    }
  }

  private async deliver(lane: Lane, alert: Alert, signal: AbortSignal): Promise<void> {
    for (let retry = 0; ; retry += 1) {
      try {
        await lane.sink.send(alert);
        this.counts.sent += 1;
        return;
      } catch (error) {
        const kind = errorKindOf(error);
        // A timeout is an unknown outcome: an alert sent twice is better than one lost.
        const retryable = kind === 'retryable' || kind === 'unknown_outcome';
        if (!retryable || retry >= this.maxRetries || signal.aborted)
          return this.dropped(lane.name, alert, error);
        try {
          await this.deps.clock.sleep(backoffMs(retry, this.backoff, retryAfterMsOf(error)), signal);
        } catch {
          return this.dropped(lane.name, alert, error);
        }
      }
    }
  }

  private giveUp(): void {
    this.abort.abort();
    this.abort = new AbortController();
    for (const lane of this.lanes) {
      for (const alert of lane.queue.splice(0)) {
        this.dropped(lane.name, alert, new Error(`${lane.name}: not delivered before the flush deadline`));
      }
    }
  }

  private dropped(sink: string, alert: Alert, error: unknown): void {
    this.counts.failed += 1;
    try {
      this.deps.onDropped?.(sink, alert, error);
    } catch {
      // A failing logger must not stop delivery of the next alert.
    }
  }
}
