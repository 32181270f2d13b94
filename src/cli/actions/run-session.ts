// What the parts of `sigil run` share: the session (config, flags, log, alerts, leases, how it is
// stopped), the dashboard of the process that scans, and the per-variant summary printed at the end.
import type { AppContext } from '../../app/app-context.ts';
import type { ProcessLeases } from '../../app/process-leases.ts';
import type { AlertDispatcher } from '../../alerts/alert-dispatcher.ts';
import { alertEvents } from '../../app/alerts-for.ts';
import type { Variant } from '../../config/load-config.ts';
import type { EngineRole } from '../../domain/engine-role.ts';
import { variantId } from '../../domain/ids.ts';
import type { Store } from '../../domain/ports/store.ts';
import type { Logger } from '../../logging/logger.ts';
import { logTradingEvents } from '../../logging/trading-event-log.ts';
import type { RunFlags } from '../commands/run.ts';
import type { ProgressBar } from '../progress-bar.ts';
import { startRunDashboard, type RunDashboard } from '../run-dashboard.ts';

/** What a run's parts share: where it logs, alerts and shows progress, and how it is stopped. */
export interface RunSession {
  context: AppContext;
  flags: RunFlags;
  variants: readonly Variant[];
  roles: ReadonlySet<EngineRole>;
  workers: number;
  log: Logger;
  bar: ProgressBar;
  alerts: AlertDispatcher | null;
  stop: AbortController;
  leases: ProcessLeases;
  jobScope: string;
  /** A replay's current bar (its log records carry it); null before the first and in live runs. */
  replayTime: { at: number | null };
}

/** The dashboard of the process that scans (analyst-only processes have nothing to show). */
export async function startDashboard(session: RunSession): Promise<RunDashboard | null> {
  const { context, variants, flags, log, alerts } = session;
  const dashboard = await startRunDashboard({
    context,
    variants,
    flags,
    log,
    onEvent: (event) => {
      alertEvents(alerts, [event]);
      logTradingEvents(log, [event]);
    },
  });
  if (dashboard) {
    console.log(
      `Dashboard: ${dashboard.url}/  (API under ${dashboard.url}/api, metrics at ${dashboard.url}/metrics)`,
    );
  }
  return dashboard;
}

/** One line per variant: trades, P&L, open positions, trading state. */
export async function variantSummary(store: Store, variants: readonly Variant[]): Promise<string> {
  const open = await store.openPositions();
  const lines: string[] = [];
  for (const v of variants) {
    const start = v.settings.account.starting_balance_usd;
    const closed = await store.closedPositions({ variantId: variantId(v.id) });
    const pnl = closed.reduce((sum, p) => sum + (p.pnl ?? 0), 0);
    const state = await store.tradingState(variantId(v.id));
    lines.push(
      `${v.id}: ${closed.length} closed, P&L ${pnl.toFixed(2)} (balance ${(start + pnl).toFixed(2)}), ` +
        `${open.filter((p) => p.variantId === v.id).length} open, ${state.state}`,
    );
  }
  return lines.join('\n');
}
