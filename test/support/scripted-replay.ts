// A paper replay of scripted candles through the whole engine, on a real SQLite file in a temp folder:
// the config and the candle files are written there, the replay is run up to a time and resumed, and
// signals are written as a scanner would write them (manual intents, so a scenario does not depend on
// the scanner).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runReplay } from '../../src/app/replay-bot.ts';
import { loadConfigFile, type SigilConfig } from '../../src/config/load-config.ts';
import type { VariantId } from '../../src/domain/ids.ts';
import type { TradeIntent } from '../../src/domain/intent.ts';
import type { Store } from '../../src/domain/ports/store.ts';
import { openStore } from '../../src/store/open-store.ts';
import { tempDir } from './temp-dir.ts';

const HOUR = 3_600_000;

export interface ScriptedReplay {
  /** The temp folder: sigil.yaml, candles/, sigil.db. */
  path: string;
  url: string;
  config: SigilConfig;
  store: Store;
  /** Runs the replay up to `until` (exclusive); a later call resumes where this one stopped. */
  replayUntil(until: string): Promise<unknown>;
  /** A high-confidence BUY of `symbol` written at `now` (ISO), expiring 4 hours later. */
  signal(variant: VariantId, symbol: string, now: string): Promise<TradeIntent>;
  close(): Promise<void>;
}

/** `candles`: symbol → CSV text, written to candles/ (the config's `market.data: candles`). */
export async function scriptedReplay(options: {
  config: string;
  candles: Record<string, string>;
  start: string;
}): Promise<ScriptedReplay> {
  const dir = tempDir();
  mkdirSync(join(dir.path, 'candles'));
  for (const [symbol, csv] of Object.entries(options.candles)) {
    writeFileSync(join(dir.path, 'candles', `${symbol}.csv`), csv);
  }
  writeFileSync(join(dir.path, 'sigil.yaml'), options.config);
  const config = loadConfigFile(join(dir.path, 'sigil.yaml'));
  const url = `sqlite:${join(dir.path, 'sigil.db')}`;
  const { store } = await openStore(url, { now: options.start });
  return {
    path: dir.path,
    url,
    config,
    store,
    replayUntil: (until) =>
      runReplay({
        store,
        config,
        variants: config.variants,
        speed: 0,
        until: Date.parse(until),
        signal: new AbortController().signal,
        sleep: async () => undefined,
      }),
    signal: async (variant, symbol, now) => {
      const at = Date.parse(now);
      const { intent } = await store.insertIntent(
        {
          variantId: variant,
          symbol,
          tradeDate: now.slice(0, 13),
          source: 'manual',
          scanner: { confidence: 'high', score: 1, scoreGap: 1 },
          atrAtSignal: 0.001,
          claimTtlMinutes: 30,
          expiresAt: at + 4 * HOUR,
        },
        'test:signal',
        at,
      );
      return intent;
    },
    close: async () => {
      await store.close();
      dir.remove();
    },
  };
}
