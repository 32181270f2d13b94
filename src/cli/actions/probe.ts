// What `sigil probe` does; commands/probe.ts declares the options; loaded only to run.
import type { Command } from 'commander';
import { alertEvents } from '../../app/alerts-for.ts';
import { commandAlerts } from '../command-alerts.ts';
import { appContext, withExistingStore, type GlobalOptions } from '../../app/app-context.ts';
import { staleAfterMinutes } from '../../app/api-variants.ts';
import type { EpochMs, VariantId } from '../../domain/ids.ts';
import type { Store } from '../../domain/ports/store.ts';
import type { TradingEvent } from '../../domain/trading-event.ts';
import {
  checkLiveness,
  deadManReason,
  describeLiveness,
  type VariantLiveness,
  type WatchedVariant,
} from '../../monitoring/dead-man.ts';
import { tripKillSwitch } from '../../risk/kill-switch.ts';
import { describeStoreTime, storeTime } from '../../app/store-time.ts';
import { atOption } from '../at-option.ts';
import { EXIT_FAILURE, EXIT_USAGE, exitCodeFor } from '../cli-error.ts';
import { commandLogger } from '../command-logger.ts';
import type { ProbeOptions } from '../commands/probe.ts';

const ACTOR = 'probe';
/** How long the probe waits for its alerts before it exits; cron runs it again soon anyway. */
const ALERT_FLUSH_MS = 5_000;

/** What the probe did about a stale variant; null for a fresh one. */
type ProbeAction = 'halted' | 'already_halted' | null;

interface StoreReport {
  store: string;
  variants: (VariantLiveness & { action: ProbeAction })[];
  /** Set when the store could not be read: the probe goes on with the others and fails at the end. */
  error?: string;
  /** Set for a replay's store, which the probe does not judge: what its clock says. */
  replay?: string;
}

/** `dbs`: every global --db given, in order (the probe checks each store). */
export async function probe(options: ProbeOptions, command: Command, dbs: readonly string[]): Promise<void> {
  const context = appContext(command.optsWithGlobals<GlobalOptions>());
  const now = atOption(options.at, () => context.clock.now());
  const urls = dbs.length > 0 ? [...new Set(dbs)] : [context.storeUrl];
  // Scanners run once per bar close: a scan is late when it has not come a bar after the last one.
  const watched: WatchedVariant[] = context.config.variants.map((v) => ({
    variantId: v.id,
    staleAfterMinutes: staleAfterMinutes(context.config, v),
  }));

  const log = commandLogger(command);
  // Built first: a sink whose secret is missing is a configuration error (exit 2) like any other.
  const alerts = commandAlerts(context, log);
  const events: TradingEvent[] = [];

  const reports: StoreReport[] = [];
  for (const url of urls) {
    try {
      reports.push(
        await withExistingStore({ ...context, storeUrl: url }, async (store, opened) => {
          // A replay's heartbeats are on its simulated clock: judged by today's they all look years
          // late. Without --at the probe leaves a replay's store alone and says so.
          const time = await storeTime(store, now);
          if (time.replay && options.at === undefined)
            return { store: opened.driver.target, variants: [], replay: describeStoreTime(time) };
          const variantsWithIntents = new Set<VariantId>(
            (await store.countByStatus()).filter((c) => c.count > 0).map((c) => c.variantId),
          );
          const checked = checkLiveness({
            variants: watched,
            heartbeats: await store.heartbeats(),
            variantsWithIntents,
            requireAll: options.requireAll === true,
            now,
          });
          const variants = [];
          for (const liveness of checked) {
            const action = await act(store, liveness, now);
            if (action === 'halted') events.push(...haltEvents(liveness, now));
            variants.push({ ...liveness, action });
          }
          return { store: opened.driver.target, variants };
        }),
      );
    } catch (error) {
      // A bad URL is the operator's mistake and stops the run; an unreachable store must not hide the
      // verdict on the others.
      if (exitCodeFor(error) === EXIT_USAGE) throw error;
      reports.push({
        store: url,
        variants: [],
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  const stale = reports.flatMap((r) => r.variants).filter((v) => v.stale).length;
  const failed = reports.some((r) => r.error !== undefined);
  if (options.json) {
    console.log(JSON.stringify({ at: new Date(now).toISOString(), stale, stores: reports }, null, 2));
  } else {
    for (const report of reports) print(report);
  }
  if (stale > 0 || failed) process.exitCode = EXIT_FAILURE;
  alertEvents(alerts, events);
  if (alerts && !(await alerts.flush(ALERT_FLUSH_MS))) {
    log.warn(`alerts still undelivered after ${ALERT_FLUSH_MS / 1000} s were dropped`);
  }
}

async function act(store: Store, liveness: VariantLiveness, now: EpochMs): Promise<ProbeAction> {
  if (!liveness.stale) return null;
  // A halt already in place (by hand, by drawdown, by an earlier probe run) keeps its own reason.
  if ((await store.tradingState(liveness.variantId)).state === 'halted') return 'already_halted';
  await tripKillSwitch(
    store,
    { variantId: liveness.variantId, why: deadManReason(liveness), actor: ACTOR },
    now,
  );
  return 'halted';
}

/**
 * Told once per halt the probe makes: a later run finds the variant already halted and stays quiet, so a
 * cron job every few minutes does not repeat the page.
 */
function haltEvents(liveness: VariantLiveness, now: EpochMs): TradingEvent[] {
  const variant = { at: now, variantId: liveness.variantId };
  return [
    {
      type: 'heartbeat_stale',
      ...variant,
      ageMs: liveness.ageMs,
      staleAfterMinutes: liveness.staleAfterMinutes,
      detail: describeLiveness(liveness),
    },
    { type: 'kill_switch_tripped', ...variant, actor: ACTOR, why: deadManReason(liveness) },
  ];
}

function print(report: StoreReport): void {
  console.log(`store ${report.store}`);
  if (report.error !== undefined) {
    console.log(`  cannot check: ${report.error}`);
    return;
  }
  if (report.replay !== undefined) {
    console.log(
      `  holds ${report.replay}: the dead-man probe watches live stores, so nothing is checked or halted (--at TIME checks it as of that moment)`,
    );
    return;
  }
  for (const v of report.variants) {
    const action =
      v.action === 'halted'
        ? ' → kill switch tripped'
        : v.action === 'already_halted'
          ? ' (already halted)'
          : '';
    console.log(`  ${v.variantId}: ${describeLiveness(v)}${action}`);
  }
}
