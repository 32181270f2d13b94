// `sigil compliance`: where each variant stands against its prop-firm rules — the firm's day, balance
// and equity (from the last snapshot: no broker request is spent), the levels at which the firm fails
// the account and at which Sigil acts, the target with the best-day rule, trading days, today's
// requests, and whether the variant is paused or halted.
import type { Command } from 'commander';
import { appContext, withStore, type GlobalOptions } from '../../app/app-context.ts';
import { accountKey } from '../../app/broker-for.ts';
import { complianceFor } from '../../app/compliance-for.ts';
import { selectVariants } from '../../app/engine-for.ts';
import { firmDay, zonedDateTime } from '../../compliance/firm-day.ts';
import { money } from '../../compliance/format.ts';
import { limitsOf } from '../../compliance/limits.ts';
import { complianceState } from '../../engine/account-view.ts';
import { ALL_SYMBOLS } from '../../domain/protection.ts';
import { UsageError } from '../cli-error.ts';

export function registerCompliance(program: Command): void {
  program
    .command('compliance')
    .argument('[variants...]', 'variants to show (default: every variant with compliance rules)')
    .description("show each variant's prop-firm limits, how close it is to them, and today's broker requests")
    .option('--json', 'print JSON instead of text')
    .option('--at <time>', 'as of this ISO-8601 time (a replay is in the past), default now')
    .action(async (names: string[], options: { json?: boolean; at?: string }, command: Command) => {
      const context = appContext(command.optsWithGlobals<GlobalOptions>());
      const now = options.at === undefined ? context.clock.now() : parseTime(options.at);
      const variants = selectVariants(context.config, names);
      await withStore(context, async (store) => {
        const shown = [];
        for (const variant of variants) {
          const rules = complianceFor(variant.settings, context.config.file, variant.id);
          if (!rules) continue;
          const day = firmDay(now, rules.dayZone);
          const [last] = (await store.equitySnapshots(variant.id, now - 7 * 86_400_000))
            .filter((snapshot) => snapshot.at <= now)
            .slice(-1);
          const open = (await store.openPositions(variant.id)).filter((p) => p.openedAt <= now);
          const balance = last?.balance ?? rules.initialBalance;
          const key = accountKey(variant.settings.broker);
          // The last snapshot, not the broker: looking costs no request of the firm's budget.
          const state = await complianceState(
            {
              store,
              ...(key
                ? { requestsToday: (_, at) => store.apiCalls(key, firmDay(at, rules.dayZone).day) }
                : {}),
            },
            variant.id,
            rules,
            { balance, equity: last?.equity ?? balance, open },
            now,
          );
          const limits = limitsOf(state, rules);
          const trading = await store.tradingState(variant.id);
          const pause = (await store.activeProtections(variant.id, ALL_SYMBOLS, now)).find(
            (l) => l.kind === 'compliance',
          );
          shown.push({
            variant: variant.id,
            preset: rules.name,
            day: day.day,
            dayStarts: zonedDateTime(day.start, 'UTC'),
            snapshotAt: last ? new Date(last.at).toISOString() : null,
            balance: state.balance,
            equity: state.equity,
            ...limits,
            tradingDays: state.tradingDays,
            minTradingDays: rules.minTradingDays,
            requests: state.requests,
            requestLimits: rules.requests,
            state: trading.state,
            stateReason: trading.reason,
            pausedUntil: pause ? new Date(pause.until).toISOString() : null,
          });
        }
        if (options.json) {
          console.log(JSON.stringify(shown, null, 2));
          return;
        }
        if (shown.length === 0)
          console.log('No variant trades under compliance rules (set compliance.preset).');
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
    });
}

function parseTime(text: string): number {
  const time = Date.parse(text);
  if (Number.isNaN(time))
    throw new UsageError(`--at: "${text}" is not an ISO-8601 time, e.g. 2026-01-05T13:00:00Z`);
  return time;
}
