// Wakes sleepers early: a live bot rings it when a bar created intents, so analyst workers idle on their
// poll look at once — a decision starts seconds after the bar, not at the next poll.
export class Doorbell {
  private waiting = new Set<() => void>();

  ring(): void {
    const wake = [...this.waiting];
    this.waiting.clear();
    for (const fn of wake) fn();
  }

  /** Sleeps `ms` (through `sleep`), or less if rung meanwhile or the signal aborts. */
  async wait(
    ms: number,
    signal: AbortSignal,
    sleep: (ms: number, signal: AbortSignal) => Promise<void>,
  ): Promise<void> {
    const early = new AbortController();
    const wake = () => early.abort();
    this.waiting.add(wake);
    try {
      await sleep(ms, AbortSignal.any([signal, early.signal]));
    } finally {
      this.waiting.delete(wake);
    }
  }
}
