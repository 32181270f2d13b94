// What `sigil scan` does; commands/scan.ts declares the options; loaded only to run.
import type { Command } from 'commander';
import { appContext, withStore, type GlobalOptions } from '../../app/app-context.ts';
import { scannerFor } from '../../app/scanner-for.ts';
import { loadStrategies } from '../../app/strategy-for.ts';
import { runScanCycle } from '../../engine/scan-cycle.ts';
import { loadCandles } from '../../marketdata/candle-directory.ts';
import { ReplayFeed } from '../../marketdata/replay-feed.ts';
import { atOption } from '../at-option.ts';
import { UsageError } from '../cli-error.ts';
import { isoTime, renderTable } from '../table.ts';
import { priceText, scoreText } from '../../domain/number-text.ts';
import type { ScanOptions } from '../commands/scan.ts';

export async function scan(options: ScanOptions, command: Command): Promise<void> {
  const context = appContext(command.optsWithGlobals<GlobalOptions>());
  const { market, variants } = context.config;
  await loadStrategies(context.config);
  const series = loadCandles(market.data, market.symbols, market.timeframe);
  const feed = new ReplayFeed(series, market.timeframe, market.calendar);
  const at = atOption(options.at, () => feed.end);
  if (at <= feed.start)
    throw new UsageError(`--at ${isoTime(at)} is before the data, which starts at ${isoTime(feed.start)}`);
  const batches = feed.takeUntil(at);
  const symbols = feed.symbols;

  await withStore(context, async (store) => {
    const results = [];
    for (const variant of variants) {
      const scanner = scannerFor(variant, context.config);
      const result = await runScanCycle({
        store,
        scanner,
        variantId: variant.id,
        symbols,
        candles: async () => batches,
        now: at,
        intentExpiryHours: variant.settings.pipeline.intent_expiry_hours,
        claimTtlMinutes: variant.settings.pipeline.claim_ttl_minutes,
      });
      results.push({ variant: variant.id, ...result });
    }
    const rows = results.flatMap((r) =>
      r.signals.map((signal, i) => ({
        signal,
        intent: r.intents[i]?.intent,
        inserted: r.intents[i]?.inserted ?? false,
      })),
    );
    if (options.json) {
      return console.log(
        JSON.stringify(
          {
            at: isoTime(at),
            gaps: feed.gaps().length,
            variants: results.map((r) => ({
              variant: r.variant,
              blocked: Object.fromEntries(r.blocked),
            })),
            signals: rows,
          },
          null,
          2,
        ),
      );
    }
    console.log(
      `Scan at ${isoTime(at)}: ${symbols.length} symbols from ${market.data}, ${variants.length} variant(s), ${feed.gaps().length} gap(s) in the data (sigil data info shows them).`,
    );
    if (rows.length === 0) return console.log('No signals at this bar.');
    console.log(
      renderTable(
        ['variant', 'symbol', 'rule', 'close', 'ATR', 'score', 'confidence', 'intent', 'written'],
        rows.map(({ signal, intent, inserted }) => [
          signal.variantId,
          signal.symbol,
          signal.rule,
          priceText(signal.price),
          signal.atr === null ? null : priceText(signal.atr),
          scoreText(signal.scanner.score),
          signal.scanner.confidence,
          intent?.id ?? null,
          inserted ? 'new' : 'already there',
        ]),
      ),
    );
  });
}
