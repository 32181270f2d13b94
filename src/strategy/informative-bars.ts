// A coarser timeframe built from the base bars as they close, with the closed-bar rule: a 4h bar joins
// the series only once its last base bar has closed — never the bar still forming. A bucket whose last
// base bar is missing (a gap) closes when the first bar of a later bucket arrives.
import type { Bar } from './strategy-api.ts';
import { ClosedBars } from './bar-series.ts';
import { IndicatorBank } from './indicator-bank.ts';

export class InformativeBars {
  readonly bars = new ClosedBars();
  readonly ind = new IndicatorBank(this.bars);
  private forming: {
    time: number;
    open: number;
    high: number;
    low: number;
    close: number;
    volume: number;
  } | null = null;

  constructor(
    private readonly baseMs: number,
    private readonly ms: number,
  ) {}

  /** A base bar closed. */
  onBaseBar(bar: Bar): void {
    const bucket = Math.floor(bar.time / this.ms) * this.ms;
    if (this.forming && this.forming.time !== bucket) this.close();
    if (!this.forming) this.forming = { ...bar, time: bucket };
    else {
      this.forming.high = Math.max(this.forming.high, bar.high);
      this.forming.low = Math.min(this.forming.low, bar.low);
      this.forming.close = bar.close;
      this.forming.volume += bar.volume;
    }
    if (bar.time + this.baseMs >= bucket + this.ms) this.close();
  }

  private close(): void {
    const bar = this.forming;
    if (!bar) return;
    this.forming = null;
    this.bars.push(bar);
    this.ind.onBar(bar);
  }
}
