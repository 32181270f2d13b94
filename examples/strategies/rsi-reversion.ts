// Mean reversion with a trend filter: in an uptrend (close above its long EMA), buy when RSI has fallen
// below an oversold level — a dip to buy, not a falling knife.
import { defineStrategy, z } from 'sigil';

export default defineStrategy({
  name: 'rsi-reversion',
  description: 'RSI below `oversold` while the close is above its `trend`-bar EMA.',
  params: z.object({
    rsiPeriod: z.number().int().min(2).default(14),
    oversold: z.number().min(1).max(50).default(30),
    trend: z.number().int().min(2).default(200),
  }),
  onBar({ bar, ind, params }) {
    const rsi = ind.rsi(params.rsiPeriod);
    const trend = ind.ema(params.trend);
    if (Number.isNaN(rsi) || Number.isNaN(trend)) return null; // still warming up
    if (!(bar.close > trend && rsi < params.oversold)) return null;
    const depth = params.oversold - rsi;
    return { enter: 'long', score: depth, confidence: depth >= 10 ? 'high' : 'medium' };
  },
});
