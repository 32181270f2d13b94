// Everything one variant runs with, built once from its settings: its risk rules, its scanner, its
// analyst, and its signal-exit detectors (one per symbol, fed every candle so they are warm when a
// position opens).
import type { Candle } from '../domain/candle.ts';
import type { VariantId } from '../domain/ids.ts';
import type { Analyst } from '../domain/ports/analyst.ts';
import type { PositionSide } from '../domain/position.ts';
import type { VariantSettings } from '../config/schema.ts';
import type { RiskRules } from '../app/risk-rules.ts';
import type { CycleScanner } from '../scanners/cycle-scanner.ts';
import { signalExitDetector, type ExitSignalDetector } from '../risk/exit-signals.ts';

export class VariantRuntime {
  private readonly exitDetectors = new Map<string, ExitSignalDetector | null>();

  constructor(
    readonly id: VariantId,
    readonly settings: VariantSettings,
    readonly rules: RiskRules,
    readonly scanner: CycleScanner,
    readonly analyst: Analyst,
  ) {}

  onCandle(candle: Candle): void {
    let detector = this.exitDetectors.get(candle.symbol);
    if (detector === undefined) {
      detector = signalExitDetector(this.rules.signalExit);
      this.exitDetectors.set(candle.symbol, detector);
    }
    detector?.update(candle);
  }

  exitSignal(symbol: string, side: PositionSide): boolean {
    return this.exitDetectors.get(symbol)?.fires(side) ?? false;
  }
}
