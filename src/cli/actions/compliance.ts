// What `sigil compliance` does; commands/compliance.ts declares the options; loaded only to run.
import type { Command } from 'commander';
import { appContext, withExistingStore, type GlobalOptions } from '../../app/app-context.ts';
import { accountKey } from '../../app/broker-for.ts';
import { complianceFor } from '../../app/compliance-for.ts';
import { selectVariants } from '../../app/engine-for.ts';
import { money } from '../../compliance/format.ts';
import { complianceStatus } from '../../app/compliance-status.ts';
import { atOption } from '../at-option.ts';
import { storeTime } from '../../app/store-time.ts';
import type { ComplianceOptions } from '../commands/compliance.ts';

export async function showCompliance(
  names: string[],
  options: ComplianceOptions,
  command: Command,
): Promise<void> {
  const context = appContext(command.optsWithGlobals<GlobalOptions>());
  const variants = selectVariants(context.config, names);
  await withExistingStore(context, async (store) => {
    // Without --at, the store's own now: a replay's firm days are its simulated ones.
    const now =
      options.at === undefined
        ? (await storeTime(store, context.clock.now())).now
        : atOption(options.at, () => context.clock.now());
    const shown = [];
    for (const variant of variants) {
      const rules = complianceFor(variant.settings, context.config.file, variant.id);
      if (!rules) continue;
      shown.push(await complianceStatus(store, variant, rules, accountKey(variant.settings.broker), now));
    }
    if (options.json) {
      console.log(JSON.stringify(shown, null, 2));
      return;
    }
    if (shown.length === 0) console.log('No variant trades under compliance rules (set compliance.preset).');
    for (const v of shown) {
      const level = (fail: number | null, act: number | null) =>
        fail === null ? 'off' : `firm fails at ${money(fail)}, Sigil acts at ${money(act ?? fail)}`;
      const limit = (used: number, max: number) => `${used}/${max > 0 ? max : '∞'}`;
      console.log(
        `${v.variant} (${v.preset}), firm day ${v.day} since ${v.dayStarts} UTC: ${v.state}` +
          (v.pausedUntil ? `, paused until ${v.pausedUntil}` : '') +
          (v.state !== 'active' ? ` (${v.stateReason})` : ''),
      );
      console.log(
        `  balance ${money(v.balance)}, equity ${money(v.equity)}` +
          (v.snapshotAt ? ` (snapshot ${v.snapshotAt})` : ' (no snapshot yet: the starting balance)'),
      );
      console.log(`  daily loss: ${level(v.dailyLossLevel, v.dailyActLevel)}`);
      console.log(`  max loss:   ${level(v.maxLossLevel, v.maxActLevel)}`);
      console.log(
        `  target:     ${v.effectiveTargetBalance === null ? 'none' : `balance ${money(v.effectiveTargetBalance)}${v.targetReached ? ' — reached' : ''}`}` +
          `; best day ${money(v.bestDay)} of ${money(v.totalProfit)} profit${v.bestDayOk ? '' : ' (best-day rule not met)'}` +
          `; trading days ${v.tradingDays}/${v.minTradingDays}`,
      );
      console.log(
        `  requests today: all ${limit(v.requests.all, v.requestLimits.allPerDay)}, modifications ${limit(v.requests.modifications, v.requestLimits.modificationsPerDay)}, positions ${limit(v.requests.positions, v.requestLimits.positionsPerDay)}`,
      );
    }
  });
}
