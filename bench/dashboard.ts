// What one dashboard refresh costs on a busy store: 4 variants × 2 500 closed trades (a year of a busy
// micro-scanner), an hourly equity snapshot per variant for a year, and a year of hourly candles for
// the chart. The page reads report, variants, heartbeats, compliance, intents and candles every 2 s, and
// Prometheus scrapes /metrics: each is timed on its own, as the median of repeated requests.
import { startApiServer } from '../src/api/server.ts';
import type { ApiVariant } from '../src/api/api-variant.ts';
import { SimClock } from '../src/clock/sim-clock.ts';
import type { Candle } from '../src/domain/candle.ts';
import { positionId, variantId } from '../src/domain/ids.ts';
import { openStore } from '../src/store/open-store.ts';
import { tempDir } from '../test/support/temp-dir.ts';
import type { BenchFigure } from './indicators.ts';

const HOUR = 3_600_000;
const START = Date.UTC(2025, 0, 1);
const VARIANTS = ['baseline', 'moderate', 'aggressive', 'unhinged'];
const TRADES_PER_VARIANT = 2_500;
const BARS = 8_760;

async function median(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? 0;
}

export async function dashboardBench(): Promise<BenchFigure[]> {
  const dir = tempDir('sigil-bench-dashboard-');
  const { store } = await openStore(`sqlite:${dir.path}/bench.db`, { now: new Date(START).toISOString() });
  try {
    await store.transaction(async (tx) => {
      for (const name of VARIANTS) {
        const variant = variantId(name);
        for (let i = 0; i < TRADES_PER_VARIANT; i++) {
          const openedAt = START + Math.floor((i * BARS) / TRADES_PER_VARIANT) * HOUR;
          const symbol = i % 2 === 0 ? 'BTCUSDT' : 'ETHUSDT';
          const p = await tx.openPosition({
            id: positionId(`${name}-${i}`),
            intentId: null,
            variantId: variant,
            symbol,
            side: 'long',
            qty: 1,
            entryPrice: 100,
            atrAtEntry: 2,
            initialStop: 97,
            currentStop: 97,
            peakPrice: 100,
            takeProfit: null,
            openedAt,
            fees: 0,
          });
          const pnl = ((i * 7919) % 13) - 6;
          await tx.closePosition(p.id, {
            exitPrice: 100 + pnl,
            exitReason: pnl > 0 ? 'atr_trail' : 'hard_stop',
            closedAt: openedAt + 2 * HOUR,
            fees: 0.1,
            pnl,
          });
        }
        for (let bar = 0; bar < BARS; bar++) {
          const equity = 1000 + Math.sin(bar / 200) * 50;
          await tx.recordEquity({
            variantId: variant,
            at: START + bar * HOUR,
            balance: equity,
            equity,
            openPositions: 0,
          });
        }
        await tx.recordScanStart(variant, START + BARS * HOUR);
        await tx.recordScanEnd(variant, START + BARS * HOUR + 1000, null);
      }
    });
    const candles: Candle[] = Array.from({ length: BARS }, (_, i) => ({
      symbol: 'BTCUSDT',
      time: START + i * HOUR,
      open: 100,
      high: 101,
      low: 99,
      close: 100.5,
      volume: 1,
    }));
    const variants: ApiVariant[] = VARIANTS.map((id) => ({
      id,
      startingBalance: 1000,
      staleAfterMinutes: 85,
      compliance: null,
      accountKey: null,
    }));
    const api = await startApiServer({
      store,
      variants,
      clock: new SimClock(START + BARS * HOUR + 2000),
      token: null,
      candles: { symbols: ['BTCUSDT'], candles: async () => candles },
    });
    try {
      const get = async (path: string) => (await fetch(`${api.url}${path}`)).text();
      const figures: BenchFigure[] = [];
      for (const [path, label] of [
        ['/api/report', 'report + chart data (10 000 trades)'],
        ['/api/variants', 'variants'],
        ['/api/candles/BTCUSDT', 'candles (300 of 8 760 bars, 5 000 trades to mark)'],
        ['/metrics', 'metrics (35 040 equity snapshots)'],
        ['/api/intents?order=newest&limit=15', 'recent intents'],
      ] as const) {
        await get(path);
        figures.push({
          bench: `dashboard ${label}`,
          value: Math.round((await median(15, () => get(path))) * 10) / 10,
          unit: 'ms',
          target: '—',
        });
      }
      return figures;
    } finally {
      await api.close();
    }
  } finally {
    await store.close();
    dir.remove();
  }
}
