// `sigil stats exits`: how each variant's positions ended, and what each kind of exit earned — the
// numbers that showed the seed's hard stops erasing 8–30 trailing wins each.
import type { Command } from 'commander';
import { appContext, withStore, type GlobalOptions } from '../../app/app-context.ts';
import { exitStats } from '../../risk/exit-stats.ts';
import { renderTable } from '../table.ts';
import { configuredVariant } from './trading.ts';

export function registerStats(program: Command): void {
  const stats = program.command('stats').description('statistics over closed positions');
  stats
    .command('exits')
    .description(
      'per variant and exit reason: count, share, average and total P&L, win rate; and the hard-stop loss to trail win ratio',
    )
    .option('--variant <name>', 'only this variant')
    .option('--json', 'print JSON instead of tables')
    .action(async (options: { variant?: string; json?: boolean }, command: Command) => {
      const context = appContext(command.optsWithGlobals<GlobalOptions>());
      const variant = options.variant === undefined ? undefined : configuredVariant(context, options.variant);
      await withStore(context, async (store) => {
        const report = exitStats(await store.closedPositions(variant ? { variantId: variant } : {}));
        if (options.json) {
          console.log(JSON.stringify(report, null, 2));
          return;
        }
        if (report.length === 0) {
          console.log(`No closed positions${variant ? ` for ${variant}` : ''} in ${context.storeUrl}.`);
          return;
        }
        for (const v of report) {
          const ratio = v.winLossRatio === null ? 'n/a' : v.winLossRatio.toFixed(2);
          console.log(
            `${v.variantId}: ${v.trades} closed, total P&L ${money(v.totalPnl)}, win rate ${pct(v.winRate)}, ` +
              `hard-stop loss / trail win ${ratio}`,
          );
          console.log(
            renderTable(
              ['exit reason', 'count', 'share', 'avg P&L', 'total P&L', 'win rate'],
              v.byReason.map((r) => [
                r.reason,
                r.count,
                pct(r.share),
                money(r.avgPnl),
                money(r.totalPnl),
                pct(r.winRate),
              ]),
            ),
          );
        }
      });
    });
}

function money(value: number): string {
  return value.toFixed(2);
}

function pct(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}
