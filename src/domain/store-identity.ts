// What a store was started for: a replay of one configuration over one span of candles, or a live bot.
// A store holds one of them for its life, so a second configuration cannot resume another's replay in
// the middle, a live bot cannot trade (or apply wall-clock rules) on a replay's simulated days, and every
// command reading the store knows which clock its times are on.
import type { EpochMs } from './ids.ts';

export type StoreKind = 'replay' | 'live';

export interface StoreIdentity {
  kind: StoreKind;
  /** `configVersion` of the configuration that started it (src/app/config-version.ts). */
  configVersion: string;
  /** The configuration file that started it, for the messages; null for the built-in configuration. */
  configFile: string | null;
  /** A replay's candle span: the first bar's open and the last bar's close. Null for a live store. */
  from: EpochMs | null;
  to: EpochMs | null;
  /** Wall-clock time the store was first started. */
  createdAt: EpochMs;
}
