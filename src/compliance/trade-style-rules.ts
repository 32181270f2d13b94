// Guard rules about how trades are held: short_trades (E8's anti-HFT rule: at most maxShare of the trades
// may be held under `seconds`) and min_hold (informs: the position manager holds each position this long).
import { result, type ComplianceRule } from './compliance-report.ts';
import { percent } from './format.ts';

/** A share over so few trades says nothing about a trading style; the first trades would block at once. */
const MIN_TRADES_FOR_SHARE = 4;

export const shortTradesRule: ComplianceRule = {
  name: 'short_trades',
  check: ({ state, rules }) => {
    const { seconds, maxShare } = rules.shortTrade;
    if (maxShare <= 0) return result('short_trades', 'pass', 'off');
    const { shortTrades, closedTrades } = state;
    const share = closedTrades > 0 ? shortTrades / closedTrades : 0;
    const stopShare = (maxShare * rules.safetyMarginPct) / 100;
    const numbers = { shortTrades, closedTrades, share, maxShare, stopShare };
    const facts = `${shortTrades} of ${closedTrades} closed trades (${percent(share * 100)} %) were held < ${seconds} s; the firm allows ${percent(maxShare * 100)} %, Sigil stops at ${percent(stopShare * 100)} %`;
    if (closedTrades >= MIN_TRADES_FOR_SHARE && share >= stopShare) {
      return result('short_trades', 'reject', facts, numbers);
    }
    return result('short_trades', 'info', facts, numbers);
  },
};

export const minHoldRule: ComplianceRule = {
  name: 'min_hold',
  check: ({ rules }) => {
    const seconds = rules.minHoldSeconds;
    if (seconds <= 0) return result('min_hold', 'pass', 'off');
    // Sigil decides exits at bar closes, and a start is refused when a bar is shorter than this hold.
    const reason = `Sigil's own exits come at a bar close, at least ${seconds} s after the entry; a stop resting at the broker may close sooner (see short_trades)`;
    return result('min_hold', 'info', reason, { minHoldSeconds: seconds });
  },
};
