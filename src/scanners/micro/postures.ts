// The micro-scanner's postures: named parameter sets a variant picks, each key overridable in config.
// Sigil's own choice of numbers (the seed names the postures, not their parameters): shorter breakout
// windows fire more often on smaller moves; a volume filter asks the breakout bar to trade above its
// 20-bar average volume.

export const POSTURE_NAMES = ['baseline', 'moderate', 'aggressive', 'unhinged'] as const;
export type PostureName = (typeof POSTURE_NAMES)[number];

export interface MicroScannerParams {
  /** Close above the highest high of this many previous bars is a breakout. */
  breakoutLookback: number;
  /** Breakout bar volume ÷ its 20-bar average volume must reach this; 0 turns the filter off. */
  minVolumeRatio: number;
  atrPeriod: number;
}

export const POSTURES: Readonly<Record<PostureName, MicroScannerParams>> = {
  baseline: { breakoutLookback: 20, minVolumeRatio: 0, atrPeriod: 14 },
  moderate: { breakoutLookback: 20, minVolumeRatio: 1.2, atrPeriod: 14 },
  aggressive: { breakoutLookback: 10, minVolumeRatio: 0, atrPeriod: 14 },
  unhinged: { breakoutLookback: 5, minVolumeRatio: 0, atrPeriod: 14 },
};
