// Terminal intents by the time they were last touched, oldest first: retention deletes from the front
// and stops at the first one young enough, so a sweep with nothing to delete costs one comparison
// however many terminal intents there are. A binary min-heap in two parallel arrays (no entry objects);
// in a replay intents turn terminal in time order, so a push is a push and sifts no further.
//
// Entries are never removed from the middle: one whose intent has since changed (a transaction rolled
// back its terminal move) or is gone is skipped when it reaches the front — lazy deletion, checked by
// the caller against the table.
import type { EpochMs } from '../../domain/ids.ts';

export class AgingQueue<T> {
  private readonly times: EpochMs[] = [];
  private readonly items: T[] = [];

  /** The oldest time queued; Infinity when empty. */
  oldest(): EpochMs {
    return this.times[0] ?? Infinity;
  }

  push(at: EpochMs, item: T): void {
    let child = this.items.length;
    this.times.push(at);
    this.items.push(item);
    while (child > 0) {
      const parent = (child - 1) >> 1;
      const parentAt = this.times[parent] as EpochMs;
      if (parentAt <= at) break;
      this.times[child] = parentAt;
      this.items[child] = this.items[parent] as T;
      child = parent;
    }
    this.times[child] = at;
    this.items[child] = item;
  }

  /** Removes the oldest entry and returns its item; call only when `oldest()` is finite. */
  pop(): T {
    const top = this.items[0] as T;
    const lastAt = this.times.pop() as EpochMs;
    const last = this.items.pop() as T;
    const size = this.items.length;
    if (size === 0) return top;
    let parent = 0;
    for (;;) {
      let child = 2 * parent + 1;
      if (child >= size) break;
      const right = child + 1;
      if (right < size && (this.times[right] as EpochMs) < (this.times[child] as EpochMs)) child = right;
      if ((this.times[child] as EpochMs) >= lastAt) break;
      this.times[parent] = this.times[child] as EpochMs;
      this.items[parent] = this.items[child] as T;
      parent = child;
    }
    this.times[parent] = lastAt;
    this.items[parent] = last;
    return top;
  }
}
