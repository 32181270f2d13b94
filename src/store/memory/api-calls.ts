// The broker request budget: counters per (account, day), as api-call-rows.ts keeps them. A call is
// counted only if every counter it adds to stays within its limit; one that does not fit adds nothing.
import type { ApiCallCounts, ApiCallLimits } from '../../domain/ports/store.ts';
import type { UndoLog } from './undo-log.ts';

const KINDS = ['all', 'modifications', 'positions'] as const satisfies readonly (keyof ApiCallCounts)[];
const NONE: ApiCallCounts = Object.freeze({ all: 0, modifications: 0, positions: 0 });

export class ApiCallTable {
  private readonly counts = new Map<string, ApiCallCounts>();

  constructor(private readonly undo: UndoLog) {}

  spend(account: string, day: string, calls: ApiCallCounts, limits: ApiCallLimits): boolean {
    const key = `${account}\u0000${day}`;
    const prev = this.counts.get(key);
    const current = prev ?? NONE;
    for (const kind of KINDS) {
      const limit = limits[kind];
      if (calls[kind] !== 0 && limit !== null && !(current[kind] + calls[kind] <= limit)) return false;
    }
    this.counts.set(
      key,
      Object.freeze({
        all: current.all + calls.all,
        modifications: current.modifications + calls.modifications,
        positions: current.positions + calls.positions,
      }),
    );
    this.undo.record(() => (prev ? this.counts.set(key, prev) : this.counts.delete(key)));
    return true;
  }

  get(account: string, day: string): ApiCallCounts {
    return this.counts.get(`${account}\u0000${day}`) ?? NONE;
  }
}
