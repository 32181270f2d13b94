// One SQLite connection serves every async caller of a process. While a transaction awaits, another
// caller's statement would silently run inside it (and roll back with it), so callers queue here.
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
