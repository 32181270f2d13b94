// The memory store's rollback: every mutation of a table records its inverse here, and a failure replays
// the inverses backwards to the point where the failed unit of work began. That unit is a transaction
// (everything `fn` did) or one store method (a batch refused half-way leaves nothing applied, as SQL's
// statement-level atomicity would). Inverses are closures over the values they restore.
//
// The array is reused: a commit only resets the count instead of giving the backing store back for the
// next bar's first write to allocate again. Past RETAINED entries it is cut, so the inverses of one big
// transaction (a retention sweep) do not keep what it deleted alive.
const RETAINED = 256;

export class UndoLog {
  private readonly steps: (() => void)[] = [];
  private size = 0;
  private open = false;

  get inTransaction(): boolean {
    return this.open;
  }

  /** Called by a table after it mutated itself; `undo` must not throw and must not record. */
  record(undo: () => void): void {
    this.steps[this.size++] = undo;
  }

  /** Runs one store method all or nothing; inside a transaction its inverses stay for the transaction. */
  atomically<T>(op: () => T): T {
    const mark = this.size;
    try {
      const result = op();
      if (!this.open) this.forget();
      return result;
    } catch (error) {
      this.rollbackTo(mark);
      throw error;
    }
  }

  begin(): void {
    if (this.open) throw new Error('a memory store transaction is already open');
    this.open = true;
  }

  commit(): void {
    this.open = false;
    this.forget();
  }

  rollback(): void {
    this.open = false;
    this.rollbackTo(0);
  }

  private forget(): void {
    this.size = 0;
    if (this.steps.length > RETAINED) this.steps.length = RETAINED;
  }

  private rollbackTo(mark: number): void {
    while (this.size > mark) (this.steps[--this.size] as () => void)();
    if (this.size === 0 && this.steps.length > RETAINED) this.steps.length = RETAINED;
  }
}
