// True range: max(H − L, |C_prev − H|, |C_prev − L|), compared in TA-Lib's order. The first bar has no
// previous close and so no true range (NaN), as in TA-Lib.

export class TrueRange {
  private previousClose = Number.NaN;
  value = Number.NaN;

  update(high: number, low: number, close: number): number {
    const previous = this.previousClose;
    this.previousClose = close;
    if (Number.isNaN(previous)) return (this.value = Number.NaN);
    let range = high - low;
    const up = Math.abs(previous - high);
    if (up > range) range = up;
    const down = Math.abs(previous - low);
    if (down > range) range = down;
    return (this.value = range);
  }
}
