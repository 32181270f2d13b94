// Two timeframes: the 4-hour trend decides the direction, the 1-hour bar the moment. Enter long on a
// 1h breakout of the last `lookback` bars while the last closed 4h bar is above its EMA and ADX says the
// 4h trend is strong. The 4h series is built from the 1h bars and shows a 4h bar only once it closed.
import { defineStrategy, z } from 'sigil';

export default defineStrategy({
  name: 'trend-mtf',
  description: '1h breakout in the direction of a strong 4h trend (close above its EMA, ADX above a floor).',
  params: z.object({
    lookback: z.number().int().min(2).default(10),
    trendEma: z.number().int().min(2).default(20),
    minAdx: z.number().min(0).max(100).default(20),
  }),
  informative: [{ timeframe: '4h' }],
  onBar({ bar, ind, params, informative }) {
    const h4 = informative('4h');
    const last4h = h4.bars.at(-1);
    const ema4h = h4.ind.ema(params.trendEma);
    const adx4h = h4.ind.adx(14);
    if (!last4h || Number.isNaN(ema4h) || Number.isNaN(adx4h)) return null;
    if (!(last4h.close > ema4h && adx4h >= params.minAdx)) return null;
    const level = ind.highest(params.lookback, { before: true });
    if (!(bar.close > level)) return null;
    return { enter: 'long', score: adx4h, confidence: adx4h >= 30 ? 'high' : 'medium' };
  },
});
