// Where a prop-firm variant stands against its rules, as `sigil compliance` prints it and the API and the
// dashboard show it: the firm's day, balance and equity from the last snapshot (looking costs no
// broker request of the firm's budget), the loss levels at which the firm fails the account and at
// which Sigil acts, the target with the best-day rule, trading days, today's requests and the pause.
import type { Variant } from '../config/load-config.ts';
import type { FirmRules } from '../compliance/firm-rules.ts';
import { firmDay, zonedDateTime } from '../compliance/firm-day.ts';
import { limitsOf, type Limits } from '../compliance/limits.ts';
import type { RequestCounts } from '../compliance/account-state.ts';
import type { EpochMs } from '../domain/ids.ts';
import type { Store } from '../domain/ports/store.ts';
import { ALL_SYMBOLS } from '../domain/protection.ts';
import type { TradingState } from '../domain/trading-state.ts';
import { complianceState } from '../engine/account-view.ts';

/** How far back a snapshot still stands for the account; older ones mean the bot has not looked lately. */
const SNAPSHOT_LOOKBACK_MS = 7 * 86_400_000;

export interface ComplianceStatus extends Limits {
  variant: string;
  preset: string;
  day: string;
  dayStarts: string;
  snapshotAt: string | null;
  balance: number;
  equity: number;
  tradingDays: number;
  minTradingDays: number;
  requests: RequestCounts;
  requestLimits: FirmRules['requests'];
  state: TradingState;
  stateReason: string;
  pausedUntil: string | null;
}

export async function complianceStatus(
  store: Store,
  variant: Pick<Variant, 'id'>,
  rules: FirmRules,
  /** The broker account whose requests the firm counts (null for paper). */
  accountKey: string | null,
  now: EpochMs,
): Promise<ComplianceStatus> {
  const day = firmDay(now, rules.dayZone);
  const [last] = (await store.equitySnapshots(variant.id, now - SNAPSHOT_LOOKBACK_MS))
    .filter((snapshot) => snapshot.at <= now)
    .slice(-1);
  const open = (await store.openPositions(variant.id)).filter((p) => p.openedAt <= now);
  const balance = last?.balance ?? rules.initialBalance;
  const state = await complianceState(
    {
      store,
      ...(accountKey
        ? { requestsToday: (_, at) => store.apiCalls(accountKey, firmDay(at, rules.dayZone).day) }
        : {}),
    },
    variant.id,
    rules,
    { balance, equity: last?.equity ?? balance, open },
    now,
  );
  const trading = await store.tradingState(variant.id);
  const pause = (await store.activeProtections(variant.id, ALL_SYMBOLS, now)).find(
    (l) => l.kind === 'compliance',
  );
  return {
    variant: variant.id,
    preset: rules.name,
    day: day.day,
    dayStarts: zonedDateTime(day.start, 'UTC'),
    snapshotAt: last ? new Date(last.at).toISOString() : null,
    balance: state.balance,
    equity: state.equity,
    ...limitsOf(state, rules),
    tradingDays: state.tradingDays,
    minTradingDays: rules.minTradingDays,
    requests: state.requests,
    requestLimits: rules.requests,
    state: trading.state,
    stateReason: trading.reason,
    pausedUntil: pause ? new Date(pause.until).toISOString() : null,
  };
}
