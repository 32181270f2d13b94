// Everything one variant runs with, built once from its settings: its risk rules, its scanner, its
// analyst, its prop-firm rules, and its signal-exit detectors (one per symbol, fed every candle so they
// are warm when a position opens).
import type { Candle } from '../domain/candle.ts';
import type { VariantId } from '../domain/ids.ts';
import type { Analyst } from '../domain/ports/analyst.ts';
import type { Position, PositionSide } from '../domain/position.ts';
import type { VariantSettings } from '../config/schema.ts';
import { exitRulesFor, type RiskRules } from '../risk/risk-rules.ts';
import type { ExitRules } from '../risk/exit-precedence.ts';
import type { Instrument } from '../domain/instrument.ts';
import type { CycleScanner } from '../scanners/cycle-scanner.ts';
import type { Signal } from '../domain/signal.ts';
import type { FirmRules } from '../compliance/firm-rules.ts';
import { signalExitDetector, type ExitSignalDetector } from '../risk/exit-signals.ts';

export class VariantRuntime {
  private readonly exitDetectors = new Map<string, ExitSignalDetector | null>();
  private readonly exitRulesBySymbol = new Map<string, ExitRules>();
  private readonly lastCandleAt = new Map<string, number>();
  private lastScan: { time: number; signals: Signal[] } | null = null;
  /** Scans in a row on which the variant's strategy failed on some symbol's bar. */
  failedScans = 0;
  /** The scanner as the bar step uses it: a bar retried after a failed step is not scanned twice. */
  readonly scanner: CycleScanner;

  private readonly raw: CycleScanner;

  constructor(
    readonly id: VariantId,
    readonly settings: VariantSettings,
    readonly rules: RiskRules,
    scanner: CycleScanner,
    readonly analyst: Analyst,
    /** The prop-firm rules the variant's account trades under; null = no compliance guard. */
    readonly compliance: FirmRules | null = null,
  ) {
    this.raw = scanner;
    // Scanners keep streaming state; feeding one bar twice would corrupt it. The retry gets the first
    // pass's signals again, minus the symbols blocked now.
    this.scanner = {
      ...(scanner.wantsPositions ? { wantsPositions: true } : {}),
      scanCycle: (batches, blocked, open) => {
        const newest = batches.at(-1)?.time;
        if (newest === undefined) return [];
        if (this.lastScan === null || newest > this.lastScan.time) {
          this.lastScan = { time: newest, signals: scanner.scanCycle(batches, blocked, open) };
          return this.lastScan.signals;
        }
        return newest === this.lastScan.time
          ? this.lastScan.signals.filter((s) => !blocked.has(s.symbol))
          : [];
      },
      ...(scanner.scanErrors ? { scanErrors: () => scanner.scanErrors?.() ?? [] } : {}),
    };
  }

  /** Idempotent per bar, like the scanner. */
  onCandle(candle: Candle): void {
    const last = this.lastCandleAt.get(candle.symbol);
    if (last !== undefined && candle.time <= last) return;
    this.lastCandleAt.set(candle.symbol, candle.time);
    this.raw.take?.(candle);
    let detector = this.exitDetectors.get(candle.symbol);
    if (detector === undefined) {
      detector = signalExitDetector(this.rules.signalExit);
      this.exitDetectors.set(candle.symbol, detector);
    }
    detector?.update(candle);
  }

  /** A user strategy's reason to close the position at this close; null when none (or no strategy). */
  exitTag(position: Position): string | null {
    return this.raw.exitTag?.(position) ?? null;
  }

  exitSignal(symbol: string, side: PositionSide): boolean {
    return this.exitDetectors.get(symbol)?.fires(side) ?? false;
  }

  /** The exit rules on an instrument's price grid, built once per symbol (asked per position per bar). */
  exitRules(instrument: Instrument): ExitRules {
    let rules = this.exitRulesBySymbol.get(instrument.symbol);
    if (!rules) {
      rules = exitRulesFor(this.rules, instrument);
      this.exitRulesBySymbol.set(instrument.symbol, rules);
    }
    return rules;
  }
}
