// The memory store's isolation, what SQLite's one connection gives the SQL store: one transaction at a
// time, and a call made outside it while it is open waits for it to end (else it would read the
// transaction's uncommitted writes, or be rolled back with them).
//
// Unlike `AsyncLock`, the gate is not a promise chain every call joins: while no transaction is open a
// call runs at once, synchronously, queued behind nothing. That is the backtest's hot path; the queue
// only forms behind an open transaction. Waiters are served in arrival order, and the gate passes
// from one to the next without ever being free in between, so no newcomer overtakes the queue.
export class TxGate {
  private held = false;
  private readonly waiting: (() => void)[] = [];

  /** A transaction is open, or the gate is being handed to the next waiter. */
  get busy(): boolean {
    return this.held;
  }

  /** Takes the gate if it is free right now (the common case, without a promise). */
  tryEnter(): boolean {
    if (this.held) return false;
    this.held = true;
    return true;
  }

  enter(): Promise<void> {
    if (this.tryEnter()) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  leave(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.held = false;
  }

  /** Runs a synchronous step of a caller outside any transaction, once the open one has ended. */
  async run<T>(step: () => T): Promise<T> {
    await this.enter();
    try {
      return step();
    } finally {
      this.leave();
    }
  }
}
