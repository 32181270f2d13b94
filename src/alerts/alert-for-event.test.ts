// Every trading event as the alert a person reads: its kind and severity, a title and text carrying the
// numbers and reasons, and dedup keys that tell two events apart but a repeat of one event not.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { intentId, positionId, variantId } from '../domain/ids.ts';
import { ALERT_KINDS, type Alert } from '../domain/ports/alert-sink.ts';
import type { TradingEvent } from '../domain/trading-event.ts';
import { alertForEvent } from './alert-for-event.ts';
import { alertText } from './alert-text.ts';

const AT = Date.UTC(2024, 4, 1, 12);
const V = variantId('baseline');
const INTENT = intentId('it_0001');
const base = { at: AT, variantId: V };
const aboutIntent = { ...base, intentId: INTENT, symbol: 'BTCUSDT' };

const EVENTS: TradingEvent[] = [
  { type: 'intent_created', ...aboutIntent, side: 'BUY' },
  {
    type: 'intent_executed',
    ...aboutIntent,
    positionId: positionId('it_0001:position'),
    side: 'long',
    price: 57_890.12,
    qty: 0.00086372,
    stop: 56_153.4164,
  },
  {
    type: 'intent_rejected',
    ...aboutIntent,
    reason: 'compliance: max_open_positions: open positions with this entry 2 would exceed the limit 1',
  },
  { type: 'intent_failed', ...aboutIntent, reason: 'analyst: provider answered 500 three times' },
  {
    type: 'position_closed',
    ...base,
    positionId: positionId('it_0001:position'),
    intentId: INTENT,
    symbol: 'DOGEUSDT',
    side: 'long',
    exitReason: 'take_profit',
    pnl: 1234.5,
    entryPrice: 0.061234,
    exitPrice: 0.0712,
    qty: 800,
  },
  {
    type: 'compliance_breach',
    ...base,
    level: 'soft',
    rule: 'daily_loss',
    reason: 'equity 95 100.00 ≤ 95 750.00: 85 % of the daily loss limit used; paused until 2024-05-02 00:00',
    closedPositions: 2,
    closeFailures: 0,
  },
  {
    type: 'compliance_breach',
    ...base,
    level: 'hard',
    rule: 'max_loss',
    reason: 'equity 91 000.00 ≤ 91 500.00: 85 % of the max loss limit used; trading halted',
    closedPositions: 1,
    closeFailures: 1,
  },
  { type: 'kill_switch_tripped', ...base, actor: 'operator:cli', why: 'news in an hour' },
  { type: 'kill_switch_reset', ...base, actor: 'api', why: 'news passed', from: 'halted' },
  {
    type: 'heartbeat_stale',
    ...base,
    ageMs: 100 * 60_000,
    staleAfterMinutes: 85,
    detail: 'stale, no scan for 100 min (stale after 85 min)',
  },
  {
    type: 'intents_waiting',
    ...base,
    pending: 3,
    oldestWaitMinutes: 21.6,
    alertAfterMinutes: 15,
  },
  { type: 'broker_unreachable', ...base, error: 'match-trader: no answer within 10000 ms' },
  { type: 'worker_crashed', at: AT, variantId: null, worker: 'market', error: 'database is locked' },
];

function alertOf(type: TradingEvent['type'], level?: 'soft' | 'hard'): Alert {
  const event = EVENTS.find(
    (e) => e.type === type && (level === undefined || ('level' in e && e.level === level)),
  );
  assert.ok(event, type);
  return alertForEvent(event);
}

describe('alert for a trading event', () => {
  it('gives each event its kind and the severity an operator should feel', () => {
    assert.deepEqual(
      EVENTS.map((event) => {
        const alert = alertForEvent(event);
        return [alert.kind, alert.severity];
      }),
      [
        ['intent_created', 'info'],
        ['intent_executed', 'info'],
        ['intent_rejected', 'warning'],
        ['intent_failed', 'critical'],
        ['position_closed', 'info'],
        ['compliance_soft_breach', 'warning'],
        ['compliance_hard_breach', 'critical'],
        ['kill_switch_tripped', 'critical'],
        ['kill_switch_reset', 'warning'],
        ['heartbeat_stale', 'critical'],
        ['intents_waiting', 'critical'],
        ['broker_unreachable', 'critical'],
        ['worker_crashed', 'critical'],
      ],
    );
    const kinds = new Set(EVENTS.map((event) => alertForEvent(event).kind));
    assert.deepEqual(
      ALERT_KINDS.filter((kind) => !kinds.has(kind)),
      ['alerts_suppressed'],
      'every kind but the dispatcher’s own summary has an event',
    );
  });

  it('keeps the variant and the time of the event', () => {
    for (const event of EVENTS) {
      const alert = alertForEvent(event);
      assert.equal(alert.at, AT);
      assert.equal(alert.variantId, event.type === 'worker_crashed' ? null : 'baseline');
    }
  });

  it('puts the fill, the stop and the P&L where a person reads them', () => {
    const executed = alertOf('intent_executed');
    assert.equal(executed.title, 'Opened BTCUSDT long');
    assert.equal(executed.text, 'filled 0.00086372 at 57890.12, stop 56153.416\nintent it_0001');

    const closed = alertOf('position_closed');
    assert.equal(closed.title, 'Closed DOGEUSDT long: P&L +1 234.50 (take_profit)');
    assert.match(closed.text, /^entry 0\.061234 → exit 0\.0712, qty 800, P&L \+1 234\.50\n/);

    const loss = alertForEvent({ ...(EVENTS[4] as TradingEvent & { type: 'position_closed' }), pnl: -3.2 });
    assert.match(loss.title, /P&L -3\.20 \(take_profit\)$/);
  });

  it("carries the guard's reason, the breach's numbers and who flipped the switch", () => {
    const rejected = alertOf('intent_rejected');
    assert.equal(rejected.title, 'Entry refused: BTCUSDT');
    assert.match(rejected.text, /^compliance: max_open_positions: .* exceed the limit 1\nintent it_0001$/);

    assert.equal(
      alertOf('compliance_breach', 'soft').title,
      'Compliance: daily_loss limit near, entries paused',
    );
    assert.match(alertOf('compliance_breach', 'soft').text, /paused until .*\n2 position\(s\) closed$/);
    const hard = alertOf('compliance_breach', 'hard');
    assert.equal(hard.title, 'Compliance: max_loss limit near, trading halted');
    assert.match(hard.text, /1 position\(s\) closed, 1 close\(s\) failed and will be retried; sigil reset/);

    assert.equal(
      alertOf('kill_switch_tripped').text,
      'news in an hour (by operator:cli); no new entries until sigil reset',
    );
    assert.equal(alertOf('kill_switch_reset').text, 'halted → active: news passed (by api)');
    assert.equal(alertOf('heartbeat_stale').text, 'stale, no scan for 100 min (stale after 85 min)');
    assert.equal(alertOf('worker_crashed').title, 'Job market failed');
    const waiting = alertOf('intents_waiting');
    assert.equal(waiting.title, 'Intents waiting for an analyst');
    assert.match(
      waiting.text,
      /^3 pending, the oldest for 22 min \(alert after 15\): are the analyst workers stuck, or too few/,
    );
    assert.equal(waiting.key, 'intents_waiting:baseline');
    const unreachable = alertOf('broker_unreachable');
    assert.equal(unreachable.title, 'Broker account unreachable');
    assert.match(unreachable.text, /^match-trader: no answer within 10000 ms\nstops at the broker/);
    assert.equal(unreachable.key, 'broker_unreachable:baseline', 'one alert per variant and dedup window');
  });

  it('keys an event so that only its repeat is deduplicated', () => {
    const keys = EVENTS.map((event) => alertForEvent(event).key);
    assert.equal(new Set(keys).size, keys.length, 'different events, different keys');
    assert.equal(alertOf('intent_rejected').key, 'intent_rejected:baseline:it_0001');
    assert.equal(alertOf('position_closed').key, 'position_closed:baseline:it_0001:position');
    for (const event of EVENTS) assert.equal(alertForEvent(event).key, alertForEvent({ ...event }).key);
    // Two pauses of the same rule on different days are two alerts.
    const soft = EVENTS[5] as TradingEvent;
    assert.notEqual(alertForEvent(soft).key, alertForEvent({ ...soft, at: AT + 86_400_000 }).key);
  });

  it('renders as plain text a chat sink can send', () => {
    assert.equal(
      alertText(alertOf('intent_rejected')),
      '⚠️ WARNING · Entry refused: BTCUSDT\n' +
        'compliance: max_open_positions: open positions with this entry 2 would exceed the limit 1\n' +
        'intent it_0001\n' +
        'variant baseline · intent_rejected · 2024-05-01T12:00:00.000Z',
    );
  });
});
