// Guard rule news_blackout: no entries from `beforeMinutes` before to `afterMinutes` after a listed
// high-impact event whose currencies the symbol trades ('*' = every symbol).
import { result, type ComplianceRule } from './compliance-report.ts';
import type { NewsEvent } from './firm-rules.ts';

const MINUTE = 60_000;
const FX_PAIR = /^[A-Z]{6}$/;

/**
 * The currencies a symbol trades: 'EURUSD.' → EUR, USD; 'BTC/USDT' → BTC, USDT; 'XAUUSD' → XAU, USD.
 * Parts are split at any non-alphanumeric character; a 6-letter part is an FX pair without separator.
 * Not a substring test: USD news must not block BTC/USDT just because "USDT" starts with "USD".
 */
export function symbolCurrencies(symbol: string): string[] {
  const parts = symbol
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter(Boolean);
  return parts.flatMap((part) => (FX_PAIR.test(part) ? [part.slice(0, 3), part.slice(3)] : [part]));
}

function affects(event: NewsEvent, currencies: readonly string[]): boolean {
  return event.currencies.some((c) => c === '*' || currencies.includes(c.toUpperCase()));
}

export const newsBlackoutRule: ComplianceRule = {
  name: 'news_blackout',
  check: ({ plan, rules, now }) => {
    const { beforeMinutes, afterMinutes, events } = rules.news;
    if (events.length === 0) return result('news_blackout', 'pass', 'no news events listed');
    const currencies = symbolCurrencies(plan.symbol);
    const hit = events.find(
      (e) =>
        affects(e, currencies) && now >= e.at - beforeMinutes * MINUTE && now <= e.at + afterMinutes * MINUTE,
    );
    if (!hit) return result('news_blackout', 'pass', `no listed event for ${currencies.join(', ')} now`);
    const at = new Date(hit.at).toISOString();
    const reason = `"${hit.title}" (${hit.currencies.join(', ')}) at ${at}: no entries from ${beforeMinutes} min before to ${afterMinutes} min after`;
    return result('news_blackout', 'reject', reason, {
      eventAt: hit.at,
      windowStart: hit.at - beforeMinutes * MINUTE,
      windowEnd: hit.at + afterMinutes * MINUTE,
    });
  },
};
