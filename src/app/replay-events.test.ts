// The trading events a replay's bars carry, against what the store says happened: every intent created,
// every fill with its price, quantity and stop, every close with its P&L, and the kill switch a drawdown
// tripped — each told once, in the summary of the bar that committed it.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../config/load-config.ts';
import { variantId } from '../domain/ids.ts';
import type { TradingEvent } from '../domain/trading-event.ts';
import { equityEvents, type EquityReport } from '../engine/equity-monitor.ts';
import { openStore } from '../store/open-store.ts';
import { tempDir } from '../../test/support/temp-dir.ts';
import { runReplay } from './replay-bot.ts';

const DATA = fileURLToPath(new URL('../../data/crypto/1h', import.meta.url));
const CONFIG = `
market:
  data: ${DATA}
  symbols: [BTCUSDT, DOGEUSDT, SOLUSDT]
scanner:
  breakout_lookback: 20
  min_volume_ratio: 0
risk:
  time_stop_hours: 24
variants:
  plain:
  fragile:
    protections:
      kill_switch_drawdown_pct: 0.3
`;

describe('trading events of a replay', () => {
  const dir = tempDir('sigil-replay-events-');
  after(() => dir.remove());

  it('tells each intent, fill, close and kill switch once, in the bar that committed it', async () => {
    const config = parseConfig(CONFIG, join(dir.path, 'sigil.yaml'));
    const { store } = await openStore(`sqlite:${join(dir.path, 'events.db')}`, {
      now: '2021-04-01T00:00:00Z',
    });
    try {
      const events: TradingEvent[] = [];
      await runReplay({
        store,
        config,
        variants: config.variants,
        speed: 0,
        until: Date.parse('2021-04-10T00:00:00Z'),
        signal: new AbortController().signal,
        sleep: async () => undefined,
        onBar: (summary) => {
          for (const event of summary.events)
            assert.ok(event.at <= summary.at, `${event.type} after its bar`);
          events.push(...summary.events);
        },
      });
      const of = <T extends TradingEvent['type']>(type: T) =>
        events.filter((e): e is Extract<TradingEvent, { type: T }> => e.type === type);

      const intents = await store.listIntents({ limit: 1_000 });
      assert.deepEqual(
        of('intent_created')
          .map((e) => e.intentId)
          .sort(),
        intents.map((i) => i.id).sort(),
      );
      const positions = [...(await store.closedPositions()), ...(await store.openPositions())];
      assert.ok(positions.length >= 10, `the replay trades (${positions.length})`);
      assert.deepEqual(
        of('intent_executed')
          .map((e) => [e.positionId, e.side, e.price, e.qty, e.stop])
          .sort(),
        positions.map((p) => [p.id, p.side, p.entryPrice, p.qty, p.initialStop]).sort(),
      );
      const closed = await store.closedPositions();
      assert.deepEqual(
        of('position_closed')
          .map((e) => [e.positionId, e.exitReason, e.exitPrice, e.pnl, e.at])
          .sort(),
        closed.map((p) => [p.id, p.exitReason, p.exitPrice, p.pnl, p.closedAt]).sort(),
      );

      const halted = await store.tradingState(variantId('fragile'));
      assert.equal(halted.state, 'halted');
      assert.deepEqual(of('kill_switch_tripped'), [
        {
          type: 'kill_switch_tripped',
          at: halted.changedAt,
          variantId: 'fragile',
          actor: 'replay:positions',
          why: halted.reason.replace('kill switch: ', ''),
        },
      ]);
      assert.match(of('kill_switch_tripped')[0]?.why ?? '', /^realised drawdown [\d.]+ % ≥ 0.3 %/);
      assert.deepEqual(
        [...new Set(events.map((e) => e.type))].sort(),
        ['intent_created', 'intent_executed', 'kill_switch_tripped', 'position_closed'],
        'nothing failed, refused or breached',
      );
    } finally {
      await store.close();
    }
  });

  it('tells a pause or a halt of the equity monitor once: when it is put in force', () => {
    const report = (overrides: Partial<EquityReport>): EquityReport => ({
      variantId: variantId('firm'),
      balance: 995,
      equity: 995,
      brokerCloses: 0,
      breach: { kind: 'soft', rule: 'daily_loss', reason: 'equity 995.00 ≤ 995.70', numbers: {} },
      action: 'paused',
      closedForCompliance: 2,
      closeFailures: ['p1: refused'],
      error: null,
      killSwitch: null,
      ...overrides,
    });
    const at = Date.UTC(2024, 4, 1, 12);
    assert.deepEqual(equityEvents([report({}), report({ action: 'none' })], at), [
      {
        type: 'compliance_breach',
        at,
        variantId: 'firm',
        level: 'soft',
        rule: 'daily_loss',
        reason: 'equity 995.00 ≤ 995.70',
        closedPositions: 2,
        closeFailures: 1,
      },
    ]);
    const hard = report({
      action: 'halted',
      breach: { kind: 'hard', rule: 'max_loss', reason: 'equity ≤ max', numbers: {} },
    });
    const [halted] = equityEvents([hard], at);
    assert.ok(halted?.type === 'compliance_breach' && halted.level === 'hard');
    assert.deepEqual(equityEvents([report({ breach: null, action: 'none' })], at), []);
    // A kill switch the look tripped on equity is told with the worker that tripped it.
    const tripped = report({
      breach: null,
      action: 'none',
      killSwitch: { why: 'equity fell', actor: 'bot:equity' },
    });
    assert.deepEqual(equityEvents([tripped], at), [
      { type: 'kill_switch_tripped', at, variantId: 'firm', why: 'equity fell', actor: 'bot:equity' },
    ]);
    // An account the look could not read is told too (the alert is deduplicated per variant).
    const unread = report({ breach: null, action: 'none', error: 'match-trader: HTTP 502' });
    assert.deepEqual(equityEvents([unread], at), [
      { type: 'broker_unreachable', at, variantId: 'firm', error: 'match-trader: HTTP 502' },
    ]);
  });
});
