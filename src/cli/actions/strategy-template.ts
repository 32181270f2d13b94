// What `sigil strategy new NAME` writes: a commented strategy, a config that runs it on the bundled
// candles, and a test of it with node:test.

export function strategyFiles(name: string): Record<string, string> {
  return {
    [`${name}.ts`]: strategyText(name),
    [`${name}.yaml`]: configText(name),
    [`${name}.test.ts`]: testText(name),
  };
}

function strategyText(name: string): string {
  return `// ${name}: a strategy of your own (docs/strategies.md). Sigil calls onBar at the close of every bar of
// every symbol; it sees only closed bars. Return { enter: 'long' } to propose an entry — Sigil's risk
// layer places the stop, sizes the position and applies every guard — or null to do nothing.
import { defineStrategy, z } from 'sigil';

export default defineStrategy({
  name: '${name}',
  description: 'Buy a close above the highest high of the last \`lookback\` bars, in an uptrend.',
  // The parameters the config may set under scanner.params; checked before anything runs.
  params: z.object({
    lookback: z.number().int().min(2).default(20),
    trend: z.number().int().min(2).default(100),
  }),
  onBar({ bar, ind, params }) {
    // Indicators are TA-Lib's, over the closed bars: NaN while there are too few.
    const level = ind.highest(params.lookback, { before: true });
    const trend = ind.ema(params.trend);
    if (Number.isNaN(level) || Number.isNaN(trend)) return null;
    if (bar.close > level && bar.close > trend) {
      const atr = ind.atr(14);
      // score: how strong (recorded on the intent); confidence: the rules analyst trades at or above
      // analyst.min_confidence.
      return { enter: 'long', score: atr > 0 ? (bar.close - level) / atr : 0, confidence: 'medium' };
    }
    return null;
  },
});
`;
}

function configText(name: string): string {
  return `# Runs the strategy in ${name}.ts on the bundled hourly candles:
#   sigil --config ${name}.yaml backtest
#   sigil --config ${name}.yaml strategy check ${name}
market:
  symbols: [BTCUSDT, ETHUSDT, SOLUSDT]
scanner:
  module: ./${name}.ts
  params:
    lookback: 20
variants:
  ${name}:
`;
}

function testText(name: string): string {
  return `// A test of ${name} on bars made up for it: node --import tsx --test ${name}.test.ts
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { replayStrategy } from 'sigil';
import strategy from './${name}.ts';

const HOUR = 3_600_000;
/** 150 rising hours, then a bar that jumps above them all. */
const bars = Array.from({ length: 151 }, (_, i) => {
  const close = i === 150 ? 200 : 100 + i * 0.1;
  return { time: i * HOUR, open: close, high: close + 0.5, low: close - 0.5, close, volume: 1 };
});

it('enters the breakout of an uptrend, and only that', () => {
  const { signals, errors } = replayStrategy(strategy, { bars: { TEST: bars }, timeframe: '1h' });
  assert.deepEqual(errors, []);
  assert.equal(signals.at(-1)?.at, 151 * HOUR, 'the jump signals at its close');
});
`;
}
