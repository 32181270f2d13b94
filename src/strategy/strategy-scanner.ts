// A user's strategy as a scanner: at each closed bar, every symbol's series, indicators and informative
// series take the bar first (all symbols of the bar, so a strategy reading BTC from an altcoin sees BTC's
// bar too), then the strategy is asked about each symbol. Only the newest bar of a symbol may signal
// (older bars of a catch-up warm up), and a symbol the entry guard holds back never does. Sigil adds what
// the risk layer needs: the ATR at the signal, the trade date.
//
// A strategy that throws, or answers something that is not an entry, on a bar: that symbol's bar is
// skipped and the reason kept for the scan's heartbeat (`scanErrors`); the other symbols go on.
import { timeframeMs, type Candle, type Timeframe } from '../domain/candle.ts';
import type { Confidence } from '../domain/intent.ts';
import type { VariantId } from '../domain/ids.ts';
import type { CandleBatch } from '../domain/ports/market-data.ts';
import type { Signal } from '../domain/signal.ts';
import { Atr } from '../indicators/atr.ts';
import type { CycleScanner } from '../scanners/cycle-scanner.ts';
import { ClosedBars } from './bar-series.ts';
import { IndicatorBank } from './indicator-bank.ts';
import { InformativeBars } from './informative-bars.ts';
import type { Position } from '../domain/position.ts';
import type {
  Bar,
  InformativeSeries,
  PositionView,
  Strategy,
  StrategyAction,
  StrategyContext,
} from './strategy-api.ts';

const CONFIDENCES: readonly Confidence[] = ['low', 'medium', 'high'];

export interface StrategyScannerOptions {
  variantId: VariantId;
  strategy: Strategy;
  /** The parameters, already checked against the strategy's schema. */
  params: unknown;
  timeframe: Timeframe;
  /** ATR period carried on signals to the risk layer (scanner.atr_period, default 14). */
  atrPeriod: number;
  /**
   * The whole series of each symbol as the run will replay it (backtests, replays): `prepare` runs once
   * over it. Without it (live), `prepare` runs over the bars seen so far at each bar.
   */
  preload?: ReadonlyMap<string, readonly Bar[]>;
}

interface SymbolRun {
  /** Open time of the last bar taken: a bar is taken once, in the close step or by the scan. */
  taken: number;
  bars: ClosedBars;
  ind: IndicatorBank;
  atr: Atr;
  state: unknown;
  informative: Map<string, InformativeBars>;
  /** Columns of `prepare` and the time → index of the series they were computed over. */
  columns: Record<string, ArrayLike<number>> | null;
  columnIndex: Map<number, number> | null;
}

export class StrategyScanner implements CycleScanner {
  readonly wantsPositions = true;
  private readonly runs = new Map<string, SymbolRun>();
  private readonly barMs: number;
  private errors: string[] = [];

  constructor(private readonly options: StrategyScannerOptions) {
    this.barMs = timeframeMs(options.timeframe);
  }

  /** Why symbols' bars were skipped since the last call (for the scan's heartbeat), then forgotten. */
  scanErrors(): string[] {
    const errors = this.errors;
    this.errors = [];
    return errors;
  }

  scanCycle(
    batches: readonly CandleBatch[],
    blocked: ReadonlyMap<string, string>,
    open?: ReadonlyMap<string, Position>,
  ): Signal[] {
    const newest = new Map<string, number>();
    for (const batch of batches) for (const c of batch.candles) newest.set(c.symbol, c.time);
    const signals: Signal[] = [];
    for (const batch of batches) {
      for (const candle of batch.candles) this.take(candle);
      for (const candle of batch.candles) {
        const emit = newest.get(candle.symbol) === candle.time && !blocked.has(candle.symbol);
        const position = open?.get(candle.symbol);
        const signal = this.ask(candle, emit, position ? viewOf(position) : null);
        if (signal) signals.push(signal);
      }
    }
    return signals;
  }

  /** The bar joins its symbol's series, indicators and informative series — once. */
  take(candle: Candle): void {
    const run = this.runOf(candle.symbol);
    if (candle.time <= run.taken) return;
    run.taken = candle.time;
    const bar: Bar = candle;
    run.bars.push(bar);
    run.ind.onBar(bar);
    run.atr.update(bar.high, bar.low, bar.close);
    for (const informative of run.informative.values()) informative.onBaseBar(bar);
  }

  /**
   * The strategy's exit hook for an open position, at the close of the bar just taken: a valid reason
   * closes it (a signal exit); anything else keeps it, a bad answer or a throw recorded for the heartbeat.
   */
  exitTag(position: Position): string | null {
    const { strategy } = this.options;
    const run = this.runs.get(position.symbol);
    const bar = run?.bars.at(-1);
    if (!strategy.exit || !run || !bar) return null;
    const time = bar.time + this.barMs;
    const view = viewOf(position);
    const where = `${position.symbol} at ${new Date(time).toISOString()}`;
    let tag: unknown;
    try {
      tag = strategy.exit({
        ...this.context({ ...bar, symbol: position.symbol }, run, time, view),
        position: view,
      });
    } catch (error) {
      this.errors.push(`${strategy.name}'s exit threw on ${where}: ${String(error)}`);
      return null;
    }
    if (tag === null || tag === undefined) return null;
    if (typeof tag !== 'string' || !EXIT_TAG.test(tag)) {
      this.errors.push(
        `${strategy.name}'s exit answered ${JSON.stringify(tag)} on ${where}: a reason is 1–40 letters, digits, -, _ or .`,
      );
      return null;
    }
    return tag;
  }

  private ask(candle: Candle, emit: boolean, position: PositionView | null): Signal | null {
    const run = this.runOf(candle.symbol);
    const { strategy } = this.options;
    const time = candle.time + this.barMs;
    let action: StrategyAction;
    try {
      action = strategy.onBar(this.context(candle, run, time, position));
    } catch (error) {
      this.errors.push(
        `${strategy.name} threw on ${candle.symbol} at ${new Date(time).toISOString()}: ${String(error)}`,
      );
      return null;
    }
    if (action === null || action === undefined) return null;
    const refused = refusal(action, strategy.shorts === true, candle.close);
    if (refused) {
      this.errors.push(
        `${strategy.name} answered ${JSON.stringify(action)} on ${candle.symbol} at ${new Date(time).toISOString()}: ${refused}`,
      );
      return null;
    }
    if (!emit) return null;
    const atr = run.atr.value;
    const score = action.score ?? 0;
    return {
      variantId: this.options.variantId,
      symbol: candle.symbol,
      side: action.enter === 'short' ? 'SELL' : 'BUY',
      at: time,
      tradeDate: new Date(time).toISOString(),
      price: candle.close,
      atr: Number.isNaN(atr) ? null : atr,
      scanner: {
        ...(action.stop !== undefined ? { stop: action.stop } : {}),
        ...(action.target !== undefined ? { target: action.target } : {}),
        score,
        confidence: action.confidence ?? 'medium',
        scoreGap: 0,
        dropDistance: 0,
        topkSpread: 0,
      },
      rule: `strategy:${strategy.name}`,
    };
  }

  private context(
    candle: Candle,
    run: SymbolRun,
    time: number,
    position: PositionView | null,
  ): StrategyContext<unknown, unknown> {
    return {
      symbol: candle.symbol,
      time,
      bar: candle,
      bars: run.bars,
      ind: run.ind,
      params: this.options.params,
      state: run.state,
      position,
      column: (name) => this.column(run, candle, name),
      informative: (timeframe, symbol) => this.informative(run, candle.symbol, timeframe, symbol),
    };
  }

  private column(run: SymbolRun, candle: Candle, name: string): number {
    const { prepare } = this.options.strategy;
    if (!prepare) throw new Error(`column("${name}"): the strategy has no prepare()`);
    let index = run.columnIndex?.get(candle.time);
    if (index === undefined) {
      // Live, or a bar the preloaded series lacks: the columns over what has closed so far.
      run.columns = prepare(run.bars, this.options.params);
      run.columnIndex = new Map([[candle.time, run.bars.length - 1]]);
      index = run.bars.length - 1;
    }
    const column = run.columns?.[name];
    if (!column) throw new Error(`column("${name}"): prepare() made no such column`);
    return column[index] ?? Number.NaN;
  }

  private informative(run: SymbolRun, own: string, timeframe: Timeframe, symbol?: string): InformativeSeries {
    const source = symbol === undefined || symbol === own ? run : this.runs.get(symbol);
    if (!source)
      throw new Error(
        `informative("${timeframe}", "${symbol}"): no bars of ${symbol} (is it in market.symbols?)`,
      );
    if (timeframe === this.options.timeframe) return { bars: source.bars, ind: source.ind };
    const series = source.informative.get(timeframe);
    if (!series) {
      throw new Error(
        `informative("${timeframe}"${symbol ? `, "${symbol}"` : ''}): declare it in the strategy's informative list`,
      );
    }
    return series;
  }

  private runOf(symbol: string): SymbolRun {
    let run = this.runs.get(symbol);
    if (!run) {
      const bars = new ClosedBars();
      const informative = new Map<string, InformativeBars>();
      for (const declared of this.options.strategy.informative ?? []) {
        if (declared.timeframe !== this.options.timeframe && !informative.has(declared.timeframe)) {
          informative.set(
            declared.timeframe,
            new InformativeBars(this.barMs, timeframeMs(declared.timeframe)),
          );
        }
      }
      run = {
        taken: Number.NEGATIVE_INFINITY,
        bars,
        ind: new IndicatorBank(bars),
        atr: new Atr(this.options.atrPeriod),
        state: this.options.strategy.state?.() ?? {},
        informative,
        columns: null,
        columnIndex: null,
      };
      this.preloadColumns(symbol, run);
      this.runs.set(symbol, run);
    }
    return run;
  }

  private preloadColumns(symbol: string, run: SymbolRun): void {
    const { prepare } = this.options.strategy;
    const series = this.options.preload?.get(symbol);
    if (!prepare || !series) return;
    const all = new ClosedBars();
    for (const bar of series) all.push(bar);
    run.columns = prepare(all, this.options.params);
    run.columnIndex = new Map(series.map((bar, i) => [bar.time, i]));
  }
}

const EXIT_TAG = /^[\w.-]{1,40}$/;
const ENTRY_FIELDS = ['enter', 'stop', 'target', 'score', 'confidence'];

function viewOf(position: Position): PositionView {
  return {
    side: position.side,
    entryPrice: position.entryPrice,
    qty: position.qty,
    openedAt: position.openedAt,
    currentStop: position.currentStop,
    barsHeld: position.barsHeld,
  };
}

function isPrice(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

/** Why an answer is not an entry Sigil can take; null when it is. */
function refusal(action: object, shorts: boolean, close: number): string | null {
  const { enter, score, confidence, stop, target } = action as {
    enter?: unknown;
    score?: unknown;
    confidence?: unknown;
    stop?: unknown;
    target?: unknown;
  };
  if (enter === 'short' && !shorts)
    return 'a short entry from a strategy that does not declare `shorts: true` (Sigil checks the accounts can short at start)';
  if (enter !== 'long' && enter !== 'short') return 'enter must be "long" or "short"';
  if (score !== undefined && !(typeof score === 'number' && Number.isFinite(score)))
    return 'score must be a finite number';
  if (confidence !== undefined && !CONFIDENCES.includes(confidence as Confidence))
    return 'confidence must be low, medium or high';
  // Below the close is the loss side of a long, above it of a short.
  const below = enter === 'long' ? 1 : -1;
  if (stop !== undefined && !(isPrice(stop) && (close - stop) * below > 0))
    return `stop must be a price ${below > 0 ? 'below' : 'above'} the close ${close}`;
  if (target !== undefined && !(isPrice(target) && (target - close) * below > 0))
    return `target must be a price ${below > 0 ? 'above' : 'below'} the close ${close}`;
  const unknown = Object.keys(action).filter((k) => !ENTRY_FIELDS.includes(k));
  if (unknown.length > 0)
    return `unknown field(s) ${unknown.join(', ')}: an entry has ${ENTRY_FIELDS.join(', ')}`;
  return null;
}
