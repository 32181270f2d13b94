// A variant's micro-scanner parameters: its posture, with the keys its config overrides.
import type { Variant } from '../config/load-config.ts';
import { POSTURES, type MicroScannerParams } from '../scanners/micro/postures.ts';

export function microScannerParams(variant: Variant): MicroScannerParams {
  const { scanner } = variant.settings;
  const posture = POSTURES[scanner.posture];
  return {
    breakoutLookback: scanner.breakout_lookback ?? posture.breakoutLookback,
    minVolumeRatio: scanner.min_volume_ratio ?? posture.minVolumeRatio,
    atrPeriod: scanner.atr_period ?? posture.atrPeriod,
  };
}
