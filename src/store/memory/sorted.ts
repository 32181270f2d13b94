// Sorted arrays: the memory store's B-trees. Rows mostly arrive in key order (time moves forward in a
// replay), so an insert is usually a push and a read by range is a binary search and a slice.

/**
 * SQLite's BINARY collation (memcmp of UTF-8) for the ids, symbols and names Sigil stores: for text
 * without characters beyond U+FFFF, code-unit order is the same order. Never `localeCompare`, except
 * where the SQL store itself sorts with it.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The first index whose item is not before `key` (items sorted by `compare`). */
export function lowerBound<T, K>(items: readonly T[], key: K, compare: (item: T, key: K) => number): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compare(items[mid] as T, key) < 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The first index whose item is after `key`. */
export function upperBound<T, K>(items: readonly T[], key: K, compare: (item: T, key: K) => number): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compare(items[mid] as T, key) <= 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Inserts after the items not after it; returns where. Appending (the common case) is checked first. */
export function insertSorted<T>(items: T[], item: T, compare: (a: T, b: T) => number): number {
  const last = items[items.length - 1];
  if (last === undefined || compare(last, item) <= 0) {
    items.push(item);
    return items.length - 1;
  }
  const index = upperBound(items, item, compare);
  items.splice(index, 0, item);
  return index;
}

/** Removes the item the order holds equal to `item` (keys are unique); returns where it was, or -1. */
export function removeSorted<T>(items: T[], item: T, compare: (a: T, b: T) => number): number {
  const last = items[items.length - 1];
  const index =
    last !== undefined && compare(last, item) === 0 ? items.length - 1 : lowerBound(items, item, compare);
  const found = items[index];
  if (found === undefined || compare(found, item) !== 0) return -1;
  if (index === items.length - 1) items.pop();
  else items.splice(index, 1);
  return index;
}

/** Replaces the item the order holds equal to `next` (same key, new record) where it stands. */
export function replaceSorted<T>(items: T[], next: T, compare: (a: T, b: T) => number): void {
  const index = lowerBound(items, next, compare);
  if (index < items.length && compare(items[index] as T, next) === 0) items[index] = next;
}

/**
 * Sorts in place. The lists a bar sorts hold a handful of items, where an insertion sort beats
 * `Array.prototype.sort`'s set-up (measured: 2 to 4 items, 15–50 ns against 110–160 ns).
 */
export function sortSmall<T>(items: T[], compare: (a: T, b: T) => number): T[] {
  if (items.length > 16) return items.sort(compare);
  for (let i = 1; i < items.length; i++) {
    const item = items[i] as T;
    let j = i - 1;
    while (j >= 0 && compare(items[j] as T, item) > 0) {
      items[j + 1] = items[j] as T;
      j--;
    }
    items[j + 1] = item;
  }
  return items;
}
