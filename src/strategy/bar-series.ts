// A symbol's closed bars as a strategy reads them: appended as bars close, read from the end. `view(n)`
// shows only the first n bars — the series as it was — for the lookahead check.
import type { Bar, BarSeries } from './strategy-api.ts';

export class ClosedBars implements BarSeries {
  private readonly bars: Bar[] = [];

  get length(): number {
    return this.bars.length;
  }

  push(bar: Bar): void {
    this.bars.push(bar);
  }

  at(index: number): Bar | undefined {
    return this.bars.at(index);
  }

  last(count: number, field: keyof Bar = 'close'): number[] {
    const from = Math.max(0, this.bars.length - count);
    const values: number[] = [];
    for (let i = from; i < this.bars.length; i++) values.push((this.bars[i] as Bar)[field]);
    return values;
  }

  /** The series as it stood after its first `length` bars. */
  view(length: number): BarSeries {
    const bars = this.bars.slice(0, length);
    const series = new ClosedBars();
    for (const bar of bars) series.push(bar);
    return series;
  }
}
