// A short-capable FX strategy for a prop-firm account: in a downtrend (close below its long EMA), sell a
// rally that has pushed RSI into overbought — fade it back into the trend. Longs mirror it in an uptrend.
// `shorts: true` declares it sells short: Sigil refuses to start it on an account that cannot.
import { defineStrategy, z } from 'sigil';

export default defineStrategy({
  name: 'fx-fade',
  description: 'Sell overbought rallies in a downtrend, buy oversold dips in an uptrend.',
  shorts: true,
  params: z.object({
    trend: z.number().int().min(2).default(200),
    rsiPeriod: z.number().int().min(2).default(14),
    extreme: z.number().min(50).max(95).default(70),
  }),
  onBar({ bar, ind, params }) {
    const trend = ind.ema(params.trend);
    const rsi = ind.rsi(params.rsiPeriod);
    if (Number.isNaN(trend) || Number.isNaN(rsi)) return null;
    if (bar.close < trend && rsi > params.extreme)
      return { enter: 'short', score: rsi - params.extreme, confidence: 'medium' };
    if (bar.close > trend && rsi < 100 - params.extreme)
      return { enter: 'long', score: 100 - params.extreme - rsi, confidence: 'medium' };
    return null;
  },
});
