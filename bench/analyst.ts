// Analyst throughput: decisions per second with 1, 4 and 16 workers against a provider answering in
// 500 ms (the work is waiting, so it should scale with the workers), and the analyst pipeline's own
// cost per decision against a provider that answers at once (claim, brief, prompt, SDK round trip,
// verdict, ledger and transition commits).
import { join } from 'node:path';
import { parseConfig } from '../src/config/load-config.ts';
import { workerId, type EpochMs } from '../src/domain/ids.ts';
import { variantRuntimes } from '../src/app/engine-for.ts';
import { decidePending } from '../src/engine/analyst-pool.ts';
import { MarketState } from '../src/engine/market-state.ts';
import { openStore } from '../src/store/open-store.ts';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { firstLine } from '../test/support/child.ts';
import { closeHourlyBars } from '../test/support/market-fixture.ts';
import { tempDir } from '../test/support/temp-dir.ts';
import type { BenchFigure } from './indicators.ts';

const HOUR = 3_600_000;
const T0: EpochMs = Date.UTC(2026, 0, 5, 12);
const PROVIDER = fileURLToPath(new URL('./fake-llm-process.ts', import.meta.url));

/** A fake provider answering after `delayMs`, in its own process; returns its URL and a stop. */
async function provider(delayMs: number): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', PROVIDER, String(delayMs)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = (await firstLine(child)).trim();
  return { url, stop: () => child.kill() };
}

async function decisionsPerSecond(
  url: string,
  workers: number,
  decisions: number,
  cache: boolean,
): Promise<{ rate: number; providerMs: number }> {
  const dir = tempDir('sigil-bench-analyst-');
  const { store } = await openStore(`sqlite:${join(dir.path, 'bench.db')}`, { now: '2026-01-05T00:00:00Z' });
  try {
    const config = parseConfig(
      `analyst:\n  kind: llm\n  base_url: ${url}\n  roles: []\n  debate_rounds: 0\n  cache: ${cache}\n`,
      'bench.yaml',
    );
    const market = new MarketState(HOUR);
    const closes = Array.from({ length: 60 }, (_, i) => 1.1 + Math.sin(60 - i) * 0.001);
    closeHourlyBars(market, 'EURUSD', T0, closes);
    const runtimes = variantRuntimes(config, config.variants, { store, market, env: {} });
    const variants = new Map(runtimes.map((r) => [r.id as string, r]));
    const variant = config.variants[0];
    if (!variant) throw new Error('no variant');
    for (let i = 0; i < decisions; i++) {
      await store.insertIntent(
        {
          variantId: variant.id,
          symbol: 'EURUSD',
          tradeDate: `d${i}`,
          scanner: { confidence: 'high' },
          atrAtSignal: 0.002,
        },
        'bench',
        T0,
      );
    }
    const started = performance.now();
    // Each worker takes one intent at a time, as `sigil run --roles analyst --workers N` does.
    const counts = await Promise.all(
      Array.from({ length: workers }, (_, i) =>
        decidePending({ store, variants, worker: workerId(`bench-${i}`) }, T0, { claimLimit: 1 }),
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    const decided = counts.reduce((n, c) => n + c.traded + c.held, 0);
    if (decided !== decisions) throw new Error(`${decided} of ${decisions} decided`);
    // The provider round trip as the SDK saw it (HTTP through Node's fetch included), per decision.
    const latencies = (await store.listIntents()).map(
      (i) => (i.agentState as { totals: { latencyMs: number } }).totals.latencyMs,
    );
    const providerMs = latencies.reduce((a, b) => a + b, 0) / latencies.length;
    return { rate: decisions / seconds, providerMs };
  } finally {
    await store.close();
    dir.remove();
  }
}

export async function analystBench(): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  const slow = await provider(500);
  try {
    for (const workers of [1, 4, 16]) {
      const { rate } = await decisionsPerSecond(slow.url, workers, workers * 4, false);
      figures.push({
        bench: `LLM decisions/s, ${workers} worker(s), provider 500 ms`,
        value: Math.round(rate * 100) / 100,
        unit: 'decisions/s',
        target: `≥ ${(0.9 * workers) / 0.5}`,
      });
    }
  } finally {
    slow.stop();
  }
  const instant = await provider(0);
  try {
    await decisionsPerSecond(instant.url, 1, 50, true); // warm-up: SDK, zod, SQLite statements
    const { rate, providerMs } = await decisionsPerSecond(instant.url, 1, 400, true);
    const perDecision = 1000 / rate;
    figures.push(
      {
        bench: 'analyst decision end to end, instant provider (claim → verdict → ready_for_exec)',
        value: round3(perDecision),
        unit: 'ms',
        target: '—',
      },
      {
        bench: 'of which the provider round trip through the SDK (Node fetch on 127.0.0.1)',
        value: round3(providerMs),
        unit: 'ms',
        target: '—',
      },
      {
        bench: 'analyst pipeline own overhead per decision (3 fsync-ed commits + brief, prompt, verdict)',
        value: round3(perDecision - providerMs),
        unit: 'ms',
        target: '< 2',
      },
    );
  } finally {
    instant.stop();
  }
  return figures;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
