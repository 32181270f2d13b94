// What `sigil stats exits` does; commands/stats.ts declares the options; loaded only to run.
import type { Command } from 'commander';
import { appContext, withExistingStore, type GlobalOptions } from '../../app/app-context.ts';
import { exitStats } from '../../risk/exit-stats.ts';
import { renderTable } from '../table.ts';
import type { ExitStatsOptions } from '../commands/stats.ts';
import { variantNames } from '../variants-option.ts';
import { knownVariant } from './configured-variant.ts';

export async function showExitStats(options: ExitStatsOptions, command: Command): Promise<void> {
  const context = appContext(command.optsWithGlobals<GlobalOptions>());
  const names = variantNames(options);
  await withExistingStore(context, async (store) => {
    const picked =
      names && new Set<string>(await Promise.all(names.map((n) => knownVariant(context, store, n))));
    const closed = await store.closedPositions();
    const report = exitStats(picked ? closed.filter((p) => picked.has(p.variantId)) : closed);
    if (options.json) {
      console.log(JSON.stringify(report, null, 2));
      return;
    }
    if (report.length === 0) {
      console.log(
        `No closed positions${picked ? ` for ${[...picked].join(', ')}` : ''} in ${context.storeUrl}.`,
      );
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
}

function money(value: number): string {
  return value.toFixed(2);
}

function pct(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}
