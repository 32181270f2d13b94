// The Match-Trader adapter: a prop-firm account (E8, FundingPips…) through the Platform API. Stops rest
// at the broker with the position. The Platform API keeps no client order id, so every entry is written
// down as an attempt before it is sent and matched on read-back — by symbol, side, volume and open time,
// among positions no order of Sigil's claims yet — when its answer is lost (a timeout, a 5xx, a crash).
// Nothing is sent again before that read-back says the first one did not arrive.
import { RejectedError, UnknownOutcomeError } from '../../domain/errors.ts';
import type { EpochMs } from '../../domain/ids.ts';
import { rejectedOrder, settlesOrder, type OrderRequest, type OrderResult } from '../../domain/order.ts';
import type {
  Broker,
  BrokerAccount,
  BrokerCloseReason,
  BrokerClosedPosition,
  BrokerPosition,
  InstrumentSpec,
  StopLevels,
} from '../../domain/ports/broker.ts';
import type { OrderAttempt, Store } from '../../domain/ports/store.ts';
import type { MatchTraderClient, MtClosedPosition, MtInstrument, MtPosition } from './match-trader-client.ts';

export interface MatchTraderBrokerOptions {
  client: Pick<
    MatchTraderClient,
    | 'balance'
    | 'instruments'
    | 'openPositions'
    | 'openPosition'
    | 'editPosition'
    | 'closePosition'
    | 'closedPositions'
  >;
  store: Pick<
    Store,
    'recordOrder' | 'findOrder' | 'findOrderByBrokerRef' | 'recordOrderAttempt' | 'orderAttempt'
  >;
  /** Names the account in order attempts, e.g. `match_trader:123456`. */
  account: string;
  /** Sigil's contract size for a symbol (market.instruments): quantities are converted to the broker's lots. */
  contractSizeOf: (symbol: string) => number;
  /** How far the broker's clock may be from ours when a read-back matches a position to an attempt. */
  clockSkewMs?: number;
  /**
   * The longest a request may take (the client's timeout): a position opened later than that after
   * the send is not this send's, so the read-back never takes another order's position for it.
   */
  answerWithinMs?: number;
}

/** How far back a read-back looks for the close of a position Sigil asked to close. */
const CLOSE_LOOKBACK_MS = 7 * 24 * 3_600_000;

export class MatchTraderBroker implements Broker {
  readonly name = 'match_trader';
  readonly capabilities = { nativeStops: true, clientOrderIds: false, shorts: true };
  private readonly skew: number;
  private readonly answerWithin: number;

  constructor(private readonly options: MatchTraderBrokerOptions) {
    this.skew = options.clockSkewMs ?? 60_000;
    this.answerWithin = options.answerWithinMs ?? 60_000;
  }

  async submitMarketOrder(order: OrderRequest, now: EpochMs): Promise<OrderResult> {
    const known = await this.findOrder(order.clientOrderId, now);
    // A refused exit is sent again (the position is still open); anything else recorded is the answer.
    if (known && settlesOrder(known, order.purpose)) return known;
    return order.purpose === 'entry' ? this.enter(order, now) : this.exit(order, now);
  }

  findOrder(clientOrderId: string, now?: EpochMs): Promise<OrderResult | null> {
    return this.known(clientOrderId, now);
  }

  async modifyStops(position: BrokerPosition, stops: StopLevels): Promise<void> {
    const instrument = await this.instrument(position.symbol);
    const answer = await this.options.client.editPosition({
      id: position.brokerRef,
      instrument: instrument.symbol,
      orderSide: position.side === 'long' ? 'BUY' : 'SELL',
      volume: this.lots(position.symbol, position.qty, instrument),
      slPrice: roundPrice(stops.stopLoss, instrument),
      tpPrice: roundPrice(stops.takeProfit, instrument),
    });
    if (answer.status === 'REJECTED') {
      throw new RejectedError(
        'stops_rejected',
        `Match-Trader refused the stops of ${position.brokerRef}: ${answer.errorMessage ?? answer.nativeCode ?? 'no reason given'}`,
      );
    }
  }

  /** The symbol specification: lots in Sigil's quantity, the price to its digits; no minimum value. */
  async instrumentSpec(symbol: string): Promise<InstrumentSpec> {
    const instrument = await this.instrument(symbol);
    return {
      priceTick: Number((10 ** -instrument.pricePrecision).toFixed(instrument.pricePrecision)),
      qtyStep: this.qty(instrument.symbol, instrument.volumeStep, instrument),
      minQty: this.qty(instrument.symbol, instrument.volumeMin, instrument),
      minNotional: 0,
    };
  }

  async account(): Promise<BrokerAccount> {
    const balance = await this.options.client.balance();
    return { balance: balance.balance, equity: balance.equity, currency: balance.currency };
  }

  async openPositions(): Promise<BrokerPosition[]> {
    const instruments = await this.options.client.instruments();
    return (await this.options.client.openPositions()).map((p) => this.position(p, instruments));
  }

  async closedPositionsSince(since: EpochMs, now: EpochMs): Promise<BrokerClosedPosition[]> {
    const instruments = await this.options.client.instruments();
    return (await this.options.client.closedPositions(since, now))
      .filter((c) => c.closeTime >= since)
      .sort((a, b) => a.closeTime - b.closeTime)
      .map((c) => this.closed(c, instruments));
  }

  // ── Entries ────────────────────────────────────────────────────────────────────────────────────

  private async enter(order: OrderRequest, now: EpochMs): Promise<OrderResult> {
    const instrument = await this.instrument(order.symbol);
    const volume = this.lots(order.symbol, order.qty, instrument);
    if (volume < instrument.volumeMin || volume > instrument.volumeMax) {
      return this.record(order, rejectedOrder(order, now, volumeRefusal(order, volume, instrument)));
    }
    // Written before the request: if the answer is lost, this is what the read-back matches.
    const attempt = await this.options.store.recordOrderAttempt({
      clientOrderId: order.clientOrderId,
      account: this.options.account,
      variantId: order.variantId,
      symbol: instrument.symbol,
      side: order.side,
      qty: volume,
      sentAt: now,
    });
    let answer;
    try {
      answer = await this.options.client.openPosition({
        instrument: instrument.symbol,
        orderSide: order.side === 'buy' ? 'BUY' : 'SELL',
        volume,
        slPrice: roundPrice(order.stopLoss ?? null, instrument),
        tpPrice: roundPrice(order.takeProfit ?? null, instrument),
      });
    } catch (error) {
      // Refused before it was sent (the request budget): the intent is rejected, not failed.
      if (error instanceof RejectedError) return this.record(order, rejectedOrder(order, now, error.message));
      if (!(error instanceof UnknownOutcomeError)) throw error;
      const found = await this.readBackAfterLoss(order, attempt, now, error);
      if (found) return found;
      throw new UnknownOutcomeError(
        'not_found_on_read_back',
        `${error.message}; the read-back found no position for ${order.clientOrderId}, so it was not placed`,
        { cause: error },
      );
    }
    if (answer.status === 'REJECTED') {
      const why = answer.errorMessage ?? answer.nativeCode ?? 'no reason given';
      return this.record(order, rejectedOrder(order, now, `Match-Trader rejected the order: ${why}`));
    }
    const found = await this.readBackAfterLoss(order, attempt, now);
    if (found) return found;
    throw new UnknownOutcomeError(
      'accepted_not_found',
      `Match-Trader accepted ${order.clientOrderId} (order ${answer.orderId ?? '?'}) but lists no matching position`,
    );
  }

  /** The order Sigil has on record, or one an earlier attempt placed that the broker now lists. */
  private async known(clientOrderId: string, now?: EpochMs): Promise<OrderResult | null> {
    const recorded = await this.options.store.findOrder(clientOrderId);
    if (recorded) return recorded;
    const attempt = await this.options.store.orderAttempt(clientOrderId);
    if (!attempt) return null;
    const match = await this.match(attempt, now ?? attempt.sentAt + CLOSE_LOOKBACK_MS);
    if (!match) return null;
    const instrument = await this.instrument(attempt.symbol);
    const qty = this.qty(attempt.symbol, attempt.qty, instrument);
    return this.options.store.recordOrder(requestOf(attempt, qty, this.options.contractSizeOf), {
      clientOrderId,
      status: 'filled',
      price: match.openPrice,
      qty,
      fee: 0,
      reason: 'found on the broker after the answer was lost',
      at: match.openTime,
      brokerRef: match.id,
    });
  }

  /** A read-back that fails is itself an unknown outcome: the order may be open at the broker. */
  private async readBackAfterLoss(
    order: OrderRequest,
    attempt: OrderAttempt,
    now: EpochMs,
    lost?: Error,
  ): Promise<OrderResult | null> {
    try {
      return await this.readBack(order, attempt, now);
    } catch (error) {
      throw new UnknownOutcomeError(
        'read_back_failed',
        `${lost ? `${lost.message}; ` : ''}reading the positions back failed too (${error instanceof Error ? error.message : String(error)}): ${order.clientOrderId} may be open at the broker`,
        { cause: error },
      );
    }
  }

  private async readBack(
    order: OrderRequest,
    attempt: OrderAttempt,
    now: EpochMs,
  ): Promise<OrderResult | null> {
    const match = await this.match(attempt, now);
    if (!match) return null;
    const instrument = await this.instrument(order.symbol);
    return this.record(order, {
      clientOrderId: order.clientOrderId,
      status: 'filled',
      price: match.openPrice,
      qty: this.qty(attempt.symbol, attempt.qty, instrument),
      fee: 0,
      reason: '',
      at: now,
      brokerRef: match.id,
    });
  }

  /**
   * The position an attempt opened: same symbol, side and volume, opened no earlier than the attempt
   * was sent, and not claimed by another order — open or, if a stop already closed it, closed.
   */
  private async match(
    attempt: OrderAttempt,
    now: EpochMs,
  ): Promise<{ id: string; openPrice: number; openTime: number } | null> {
    const side = attempt.side === 'buy' ? 'BUY' : 'SELL';
    const from = attempt.sentAt - this.skew;
    const to = attempt.sentAt + this.answerWithin + this.skew;
    const fits = (p: { symbol: string; side: string; volume: number; openTime: number }) =>
      p.symbol === attempt.symbol &&
      p.side === side &&
      Math.abs(p.volume - attempt.qty) < 1e-9 &&
      p.openTime >= from &&
      p.openTime <= to;
    const unclaimed = async (candidates: { id: string; openPrice: number; openTime: number }[]) => {
      for (const candidate of [...candidates].sort((a, b) => a.openTime - b.openTime)) {
        if (!(await this.options.store.findOrderByBrokerRef(candidate.id))) return candidate;
      }
      return null;
    };
    const open = await unclaimed((await this.options.client.openPositions()).filter(fits));
    if (open) return { id: open.id, openPrice: open.openPrice, openTime: open.openTime };
    // Only when it is not open: its stop may have closed it already. Every request counts against the
    // firm's daily budget, so the closed list is not read on the usual path.
    const closed = (await this.options.client.closedPositions(from, now + this.skew))
      .filter(fits)
      .map((c) => ({ id: c.positionId, openPrice: c.openPrice, openTime: c.openTime }));
    return unclaimed(closed);
  }

  // ── Exits ──────────────────────────────────────────────────────────────────────────────────────

  private async exit(order: OrderRequest, now: EpochMs): Promise<OrderResult> {
    const ref = order.brokerRef;
    if (!ref) {
      return this.record(
        order,
        rejectedOrder(order, now, 'an exit on Match-Trader must name the broker position'),
      );
    }
    const instrument = await this.instrument(order.symbol);
    let answer;
    try {
      answer = await this.options.client.closePosition({
        positionId: ref,
        instrument: instrument.symbol,
        // The position's own side, not the closing order's.
        orderSide: order.side === 'sell' ? 'BUY' : 'SELL',
        volume: this.lots(order.symbol, order.qty, instrument),
      });
    } catch (error) {
      if (!(error instanceof UnknownOutcomeError)) throw error;
      const closed = await this.closeOf(ref, now);
      if (closed) return this.record(order, closedResult(order, closed, now));
      throw error;
    }
    // Refused or accepted, the broker's closed list says whether and at what price the position ended
    // (a stop may have closed it just before).
    const closed = await this.closeOf(ref, now);
    if (closed) return this.record(order, closedResult(order, closed, now));
    const why = answer.errorMessage ?? answer.nativeCode ?? 'no close listed';
    if (answer.status === 'REJECTED') {
      return this.record(order, rejectedOrder(order, now, `Match-Trader refused to close ${ref}: ${why}`));
    }
    throw new UnknownOutcomeError(
      'close_not_listed',
      `Match-Trader accepted the close of ${ref} but lists no close`,
    );
  }

  private async closeOf(ref: string, now: EpochMs): Promise<MtClosedPosition | null> {
    const closed = await this.options.client.closedPositions(now - CLOSE_LOOKBACK_MS, now + this.skew);
    return closed.find((c) => c.positionId === ref) ?? null;
  }

  // ── Mapping ────────────────────────────────────────────────────────────────────────────────────

  private record(order: OrderRequest, result: OrderResult): Promise<OrderResult> {
    return this.options.store.recordOrder(order, result);
  }

  /** Sigil's symbol on the broker: as is, with E8's trailing dot, or by alias. */
  private async instrument(symbol: string): Promise<MtInstrument> {
    const instruments = await this.options.client.instruments();
    const plain = symbol.replace(/[/.]/g, '').toUpperCase();
    const found =
      instruments.find((i) => i.symbol === symbol) ??
      instruments.find((i) => i.symbol.replace(/[/.]/g, '').toUpperCase() === plain);
    if (!found) {
      throw new RejectedError(
        'unknown_symbol',
        `Match-Trader lists no instrument for ${symbol} (effective-instruments: ${instruments
          .slice(0, 12)
          .map((i) => i.symbol)
          .join(', ')}${instruments.length > 12 ? ', …' : ''})`,
      );
    }
    return found;
  }

  /** Sigil's quantity in the broker's lots, rounded down to the volume step (never more risk than sized). */
  private lots(symbol: string, qty: number, instrument: MtInstrument): number {
    const units = qty * this.options.contractSizeOf(symbol);
    const steps = Math.floor(units / instrument.contractSize / instrument.volumeStep + 1e-9);
    return Number((steps * instrument.volumeStep).toFixed(8));
  }

  private qty(symbol: string, lots: number, instrument: MtInstrument): number {
    return Number(
      ((lots * instrument.contractSize) / this.options.contractSizeOf(sigilSymbol(symbol))).toFixed(8),
    );
  }

  /** What a broker record holds, in Sigil's terms: its symbol, side and quantity. */
  private held(
    p: { symbol: string; side: 'BUY' | 'SELL'; volume: number },
    instruments: readonly MtInstrument[],
  ): Pick<BrokerPosition, 'symbol' | 'side' | 'qty'> {
    const instrument = instruments.find((i) => i.symbol === p.symbol);
    return {
      symbol: sigilSymbol(p.symbol),
      side: p.side === 'BUY' ? 'long' : 'short',
      qty: instrument ? this.qty(p.symbol, p.volume, instrument) : p.volume,
    };
  }

  private position(p: MtPosition, instruments: readonly MtInstrument[]): BrokerPosition {
    return {
      brokerRef: p.id,
      ...this.held(p, instruments),
      entryPrice: p.openPrice,
      stopLoss: p.stopLoss,
      takeProfit: p.takeProfit,
      openedAt: p.openTime,
    };
  }

  private closed(c: MtClosedPosition, instruments: readonly MtInstrument[]): BrokerClosedPosition {
    return {
      brokerRef: c.positionId,
      ...this.held(c, instruments),
      entryPrice: c.openPrice,
      openedAt: c.openTime,
      exitPrice: c.closePrice,
      closedAt: c.closeTime,
      pnl: c.netProfit,
      reason: closeReason(c.closeReason),
    };
  }
}

/** E8 lists `EURUSD.`; Sigil's data and config call it `EURUSD`. */
function sigilSymbol(brokerSymbol: string): string {
  return brokerSymbol.replace(/\.$/, '');
}

function roundPrice(price: number | null, instrument: MtInstrument): number {
  // 0 is the Platform API's "no stop".
  if (price === null || !(price > 0)) return 0;
  return Number(price.toFixed(instrument.pricePrecision));
}

function closeReason(reason: string): BrokerCloseReason {
  const r = reason.toUpperCase();
  if (r === 'SL' || r.includes('STOP_LOSS')) return 'stop_loss';
  if (r === 'TP' || r.includes('TAKE_PROFIT')) return 'take_profit';
  if (r.includes('STOP_OUT') || r.includes('LIQUIDATION') || r.includes('MARGIN')) return 'liquidation';
  if (r.includes('MANUAL') || r.includes('CLIENT')) return 'manual';
  return 'closed';
}

function closedResult(order: OrderRequest, closed: MtClosedPosition, now: EpochMs): OrderResult {
  return {
    clientOrderId: order.clientOrderId,
    status: 'filled',
    price: closed.closePrice,
    qty: order.qty,
    // The broker's commission and swap, so the position's P&L is what the balance moved by.
    fee: Math.max(0, closed.profit - closed.netProfit),
    reason: closed.closeReason === 'CLOSE' ? '' : `closed on the broker (${closed.closeReason})`,
    at: Math.min(now, closed.closeTime),
    brokerRef: closed.positionId,
  };
}

function volumeRefusal(order: OrderRequest, volume: number, instrument: MtInstrument): string {
  return (
    `${order.qty} of ${order.symbol} is ${volume} lots on ${instrument.symbol}, outside ` +
    `${instrument.volumeMin}–${instrument.volumeMax} (step ${instrument.volumeStep})`
  );
}

function requestOf(attempt: OrderAttempt, qty: number, contractSizeOf: (symbol: string) => number) {
  return {
    clientOrderId: attempt.clientOrderId,
    variantId: attempt.variantId,
    symbol: sigilSymbol(attempt.symbol),
    side: attempt.side,
    purpose: 'entry' as const,
    qty,
    contractSize: contractSizeOf(sigilSymbol(attempt.symbol)),
    intentId: null,
    positionId: null,
  };
}
