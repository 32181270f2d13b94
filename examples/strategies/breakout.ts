// The micro-scanner's breakout rule written as a user strategy: enter long when a bar closes above the
// highest high of the `lookback` bars before it. On the bundled data it makes exactly the trades of the
// built-in `scanner.rule: breakout` (src/app/strategy-examples.test.ts checks the fingerprint).
import { defineStrategy, z } from 'sigil';

export default defineStrategy({
  name: 'breakout',
  description: 'Close above the highest high of the previous `lookback` bars; optional volume filter.',
  params: z.object({
    lookback: z.number().int().min(2).default(20),
    /** The breakout bar's volume over the average of the 20 bars before it; 0 = off. */
    minVolumeRatio: z.number().min(0).default(0),
  }),
  onBar({ bar, bars, ind, params }) {
    const level = ind.highest(params.lookback, { before: true });
    if (!(bar.close > level)) return null;
    if (params.minVolumeRatio > 0) {
      const before = bars.last(21, 'volume').slice(0, -1);
      const average = before.length === 20 ? before.reduce((a, b) => a + b, 0) / 20 : 0;
      if (!(average > 0) || bar.volume / average < params.minVolumeRatio) return null;
    }
    // Breakout strength in ATRs: one ATR or more above the level is a strong signal.
    const atr = ind.atr(14);
    const strength = atr > 0 ? (bar.close - level) / atr : 0;
    return {
      enter: 'long',
      score: strength,
      confidence: strength >= 1 ? 'high' : strength >= 0.5 ? 'medium' : 'low',
    };
  },
});
