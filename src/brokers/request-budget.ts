// Counts every broker request against the account's daily budget before it is sent, in the store, so
// the count is exact across restarts and processes. Opening positions and modifying orders stop where
// the compliance guard's entry budget ends (the safety margin, or where only the reserve is left); the
// reads and logins that watch and reconcile the account may use half of the reserve; closing a position
// may use all of it, up to the firm's full limit — so polling can never take the last requests a close
// needs. A call that does not fit is refused here and never sent.
import { RejectedError } from '../domain/errors.ts';
import type { EpochMs } from '../domain/ids.ts';
import type { ApiCallCounts, ApiCallLimits, Store } from '../domain/ports/store.ts';
import { firmDay } from '../compliance/firm-day.ts';
import type { FirmRules } from '../compliance/firm-rules.ts';
import { entryBudget } from '../compliance/request-budget.ts';

/** What one request is, for the counters. */
export type RequestKind = 'auth' | 'read' | 'open' | 'modify' | 'close';

export class RequestBudget {
  constructor(
    private readonly store: Pick<Store, 'spendApiCalls' | 'apiCalls'>,
    /** The account the counters belong to, e.g. `match_trader:123456`. */
    readonly account: string,
    /** The firm's rules; null counts without limits, on UTC days. */
    private readonly rules: FirmRules | null,
  ) {}

  /** Counts one request at `now`, or throws RejectedError('request_budget') without counting it. */
  async spend(kind: RequestKind, now: EpochMs): Promise<void> {
    const calls: ApiCallCounts = {
      all: 1,
      modifications: kind === 'modify' ? 1 : 0,
      positions: kind === 'open' ? 1 : 0,
    };
    const day = this.day(now);
    const limits = this.limits(kind);
    if (!(await this.store.spendApiCalls(this.account, day, calls, limits))) {
      const used = await this.store.apiCalls(this.account, day);
      throw new RejectedError(
        'request_budget',
        `${this.account}: the ${kind} request would pass today's request budget (${day}: ${used.all} calls, ` +
          `${used.modifications} modifications, ${used.positions} positions; limits ${describe(limits)})`,
      );
    }
  }

  /** Today's counts, in the firm's day. */
  today(now: EpochMs): Promise<ApiCallCounts> {
    return this.store.apiCalls(this.account, this.day(now));
  }

  private day(now: EpochMs): string {
    return firmDay(now, this.rules?.dayZone ?? 'UTC').day;
  }

  private limits(kind: RequestKind): ApiCallLimits {
    const r = this.rules;
    const limit = (value: number | undefined): number | null => {
      if (!r || !value || value <= 0) return null;
      if (kind === 'close') return value;
      if (kind === 'open' || kind === 'modify') return entryBudget(value, r);
      return Math.max(0, value - Math.ceil(r.requests.reserve / 2));
    };
    return {
      all: limit(r?.requests.allPerDay),
      modifications: limit(r?.requests.modificationsPerDay),
      positions: limit(r?.requests.positionsPerDay),
    };
  }
}

function describe(limits: ApiCallLimits): string {
  return Object.entries(limits)
    .map(([kind, limit]) => `${kind} ${limit ?? 'unlimited'}`)
    .join(', ');
}
