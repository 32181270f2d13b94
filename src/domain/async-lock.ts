// Callers that must not overlap queue here, in order. One SQLite connection serves every async caller of
// a process: while a transaction awaits, another caller's statement would silently run inside it (and
// roll back with it). The bot's position work — a bar's exits, an entry just decided — takes turns too.
export class AsyncLock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T> | T): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
