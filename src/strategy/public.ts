// What `import … from 'sigil'` gives a strategy file: the API and zod, for its parameters' schema.
export { defineStrategy } from './strategy-api.ts';
export { replayStrategy } from './strategy-replay.ts';
export type { ReplayStrategyOptions, ReplayStrategyResult, StrategySignalRow } from './strategy-replay.ts';
export type {
  Bar,
  BarSeries,
  EnterSignal,
  Indicators,
  InformativeSeries,
  PositionView,
  Side,
  Strategy,
  StrategyAction,
  StrategyContext,
  StrategyDefinition,
} from './strategy-api.ts';
export type { BollingerValue } from '../indicators/bollinger.ts';
export type { MacdValue } from '../indicators/macd.ts';
export { z } from 'zod';
