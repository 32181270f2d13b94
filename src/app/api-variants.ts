// The configured variants as the API and the dashboard see them: starting balance, the probe's stale
// threshold, prop-firm rules and the broker account the firm counts requests of.
import type { SigilConfig, Variant } from '../config/load-config.ts';
import type { ApiVariant } from '../api/api-variant.ts';
import { timeframeMs } from '../domain/candle.ts';
import { accountKey } from './broker-for.ts';
import { complianceFor } from './compliance-for.ts';

/** One bar plus the variant's threshold: a healthy scanner finishes a cycle every bar (docs/monitoring.md). */
export function staleAfterMinutes(config: SigilConfig, variant: Variant): number {
  return timeframeMs(config.market.timeframe) / 60_000 + variant.settings.pipeline.heartbeat_stale_minutes;
}

export function apiVariantsFor(config: SigilConfig, variants: readonly Variant[]): ApiVariant[] {
  const barMs = timeframeMs(config.market.timeframe);
  return variants.map((v) => ({
    id: v.id,
    startingBalance: v.settings.account.starting_balance_usd,
    staleAfterMinutes: staleAfterMinutes(config, v),
    compliance: complianceFor(v.settings, config.file, v.id, barMs),
    accountKey: accountKey(v.settings.broker),
  }));
}
