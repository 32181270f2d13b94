// Per-symbol features for the ranking scanner, computed bar by bar from closed candles only: the row of
// bar t reads bars ≤ t and nothing after, so a feature can never see the return it is asked to predict.
// Every ratio is guarded — a flat bar (open = high = low = close), a zero volatility or a zero ATR gives 0,
// never NaN or Infinity — and a row with any non-finite value is not emitted at all.
import type { Candle } from '../../domain/candle.ts';
import type { EpochMs } from '../../domain/ids.ts';
import { Atr } from '../../indicators/atr.ts';
import { highest } from '../../indicators/rolling-extreme.ts';
import { Rsi } from '../../indicators/rsi.ts';
import { RollingVolatility } from '../../indicators/volatility.ts';

/** The feature vector's columns, in order. A LightGBM model trained elsewhere must use this order. */
export const FEATURE_NAMES = [
  'ret_1',
  'ret_5',
  'ret_20',
  'vol_20',
  'rsi_14',
  'atr_pct_14',
  'dist_high_20',
  'mom_z_20',
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];

const LONG_LOOKBACK = 20;
const MEDIUM_LOOKBACK = 5;
const VOLATILITY_WINDOW = 20;
const HIGH_WINDOW = 20;
export const ATR_PERIOD = 14;
const RSI_PERIOD = 14;

/** The first bar index with every feature defined: ret_20 and vol_20 both need 21 closes. */
export const WARM_UP_BARS = LONG_LOOKBACK;

export interface SymbolFeatureRow {
  /** Open time of the bar the row was computed at (its close is the last price the row has seen). */
  time: EpochMs;
  /** The bar's trading date, YYYY-MM-DD (UTC). */
  date: string;
  close: number;
  /** ATR(14) at this bar, in price units: carried to the signal for the stop. */
  atr: number;
  /** Values in FEATURE_NAMES order, all finite. */
  features: number[];
}

/** YYYY-MM-DD of an epoch-ms time, in UTC. Daily FX bars are stamped 00:00Z of their trading date. */
export function tradingDateOf(time: EpochMs): string {
  return new Date(time).toISOString().slice(0, 10);
}

/** ln(a / b), or NaN unless both prices are positive (a row with NaN is dropped, not zeroed). */
function logRatio(a: number, b: number): number {
  return a > 0 && b > 0 ? Math.log(a / b) : Number.NaN;
}

/** n / d, with 0 for a zero denominator: a flat market has no momentum z-score and no ATR share. */
function ratioOrZero(n: number, d: number): number {
  if (d === 0) return 0;
  const value = n / d;
  return Number.isFinite(value) ? value : 0;
}

/**
 * The feature rows of one symbol's candles (sorted ascending by time), one per bar from the first bar where
 * every feature is defined. Bars whose features are not finite (a non-positive price) are skipped.
 */
export function symbolFeatures(candles: readonly Candle[]): SymbolFeatureRow[] {
  const atr = new Atr(ATR_PERIOD);
  const rsi = new Rsi(RSI_PERIOD);
  const volatility = new RollingVolatility(VOLATILITY_WINDOW);
  const high = highest(HIGH_WINDOW);
  const closes: number[] = [];
  const rows: SymbolFeatureRow[] = [];

  candles.forEach((candle, i) => {
    const previous = candles[i - 1];
    if (previous && candle.time <= previous.time) {
      throw new RangeError(
        `${candle.symbol}: candles must be sorted by time without duplicates (bar ${i} at ${tradingDateOf(candle.time)})`,
      );
    }
    const atrValue = atr.update(candle.high, candle.low, candle.close);
    const rsiValue = rsi.update(candle.close);
    const vol = volatility.update(candle.close);
    const high20 = high.update(candle.high);
    closes.push(candle.close);
    if (i < WARM_UP_BARS) return;

    const close = candle.close;
    const closeAt = (barsAgo: number) => closes[i - barsAgo] as number;
    const ret20 = logRatio(close, closeAt(LONG_LOOKBACK));
    const features = [
      logRatio(close, closeAt(1)),
      logRatio(close, closeAt(MEDIUM_LOOKBACK)),
      ret20,
      vol,
      rsiValue,
      ratioOrZero(atrValue, close),
      logRatio(close, high20),
      // Momentum in units of its own noise: comparable across a quiet pair and gold.
      ratioOrZero(ret20, vol * Math.sqrt(LONG_LOOKBACK)),
    ];
    if (!Number.isFinite(atrValue) || !features.every(Number.isFinite)) return;
    rows.push({ time: candle.time, date: tradingDateOf(candle.time), close, atr: atrValue, features });
  });
  return rows;
}
