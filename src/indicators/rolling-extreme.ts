// Highest (or lowest) of the last `period` values in O(1) amortised time: a monotonic deque of indexes
// kept in a preallocated ring, so an update allocates nothing.

export class RollingExtreme {
  private readonly values: Float64Array;
  private readonly indexes: Float64Array;
  private head = 0;
  private size = 0;
  private seen = 0;
  /** NaN until `period` values have been seen. */
  value = Number.NaN;

  constructor(
    readonly period: number,
    private readonly kind: 'max' | 'min',
  ) {
    if (!Number.isInteger(period) || period < 1)
      throw new RangeError(`window must be a whole number ≥ 1, got ${period}`);
    this.values = new Float64Array(period);
    this.indexes = new Float64Array(period);
  }

  update(x: number): number {
    const n = this.period;
    const index = this.seen++;
    // Drop the front if it has left the window.
    if (this.size > 0 && (this.indexes[this.head] as number) <= index - n) {
      this.head = (this.head + 1) % n;
      this.size--;
    }
    // Drop from the back every value the new one dominates.
    while (this.size > 0) {
      const back = (this.head + this.size - 1) % n;
      const v = this.values[back] as number;
      if (this.kind === 'max' ? v > x : v < x) break;
      this.size--;
    }
    const slot = (this.head + this.size) % n;
    this.values[slot] = x;
    this.indexes[slot] = index;
    this.size++;
    this.value = this.seen >= n ? (this.values[this.head] as number) : Number.NaN;
    return this.value;
  }

  get ready(): boolean {
    return this.seen >= this.period;
  }
}

export const highest = (period: number) => new RollingExtreme(period, 'max');
export const lowest = (period: number) => new RollingExtreme(period, 'min');
