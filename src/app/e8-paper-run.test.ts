// A paper run of the whole engine under the E8 preset, on scripted EURUSD bars: a gapped stop takes the
// 50k account past 85 % of the 5 % daily loss, and the variant pauses at that bar's close until the
// firm's next midnight (UTC+2 = 22:00 UTC); the next day a second gap takes it past 85 % of the 8 %
// maximum loss, and it halts. Signals are entered as manual intents so the scenario does not depend on
// the scanner; from the intent on, everything is the real pipeline on a real SQLite file.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { variantId } from '../domain/ids.ts';
import type { Store } from '../domain/ports/store.ts';
import { scriptedReplay, type ScriptedReplay } from '../../test/support/scripted-replay.ts';
import { sigil } from '../../test/support/sigil-cli.ts';

const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const E8 = variantId('e8');

/** Flat 1.1 bars from Monday 00:00 UTC, with two gaps down through the stops. */
function bars(): string {
  const rows = ['timestamp,open,high,low,close,volume'];
  const start = at('2026-01-05T00:00:00Z');
  for (let i = 0; i < 36; i++) {
    const time = start + i * HOUR;
    let price = i < 12 ? 1.1 : 1.075;
    if (time >= at('2026-01-06T03:00:00Z')) price = 1.055;
    rows.push(`${new Date(time).toISOString()},${price},${price},${price},${price},1000`);
  }
  return rows.join('\n') + '\n';
}

const CONFIG = `
market:
  data: candles
  timeframe: 1h
  calendar: fx
  instruments:
    EURUSD: { price_tick: 0.00001, qty_step: 0.01, min_qty: 0.01, min_notional: 0, contract_size: 100000, pip_size: 0.0001 }
risk:
  hard_stop_floor_pct: 1
  hard_stop_cap_pct: 1
  risk_per_trade_usd: 1000
  max_position_usd: 100000000
  trail_activation_pct: 100
protections:
  cooldown_hours: 0
account:
  starting_balance_usd: 50000
paper:
  fee_pct: 0
  slippage_pct: 0
compliance:
  preset: e8
  max_size_offset_pct: 0   # the scenario's losses are scripted to exact sizes
variants:
  e8: {}
`;

describe('a paper run under the E8 preset', () => {
  let run: ScriptedReplay;
  let store: Store;
  before(async () => {
    run = await scriptedReplay({
      config: CONFIG,
      candles: { EURUSD: bars() },
      start: '2026-01-05T00:00:00Z',
    });
    ({ store } = run);
  });
  after(() => run.close());

  const replayUntil = (until: string) => run.replayUntil(until);
  const signal = (now: string) => run.signal(E8, 'EURUSD', now);

  it('pauses at the close of the bar whose loss passes 85 % of the daily limit, until 22:00 UTC', async () => {
    await replayUntil('2026-01-05T10:00:00Z');
    await signal('2026-01-05T10:00:00Z');
    // Decided at the close of the 10:00 bar, filled at 11:00's open (1.1); 12:00 opens at 1.075, through
    // the 1 % stop: 0.90 lots lose 2 250 and the balance, 47 750, is under the act level 47 875.
    await replayUntil('2026-01-05T14:00:00Z');
    const [trade] = await store.closedPositions({ variantId: E8 });
    assert.equal(trade?.qty, 0.9);
    assert.equal(trade?.exitReason, 'hard_stop');
    assert.ok(Math.abs((trade?.pnl ?? 0) + 2250) < 1e-6, `pnl ${trade?.pnl}`);
    const [lock] = await store.protectionsInForce(at('2026-01-05T13:00:00Z'), E8);
    assert.equal(lock?.kind, 'compliance');
    assert.equal(lock?.symbol, '*');
    assert.equal(lock?.until, at('2026-01-05T22:00:00Z'));
    assert.equal(lock?.createdAt, at('2026-01-05T13:00:00Z'), 'paused at the close of the losing bar');
    assert.match(lock?.reason ?? '', /daily_loss/);
    assert.equal((await store.tradingState(E8)).state, 'active', 'a soft breach is not a halt');
  });

  it('refuses entries while paused, with the lock as the reason', async () => {
    const intent = await signal('2026-01-05T14:00:00Z');
    await replayUntil('2026-01-05T17:00:00Z');
    const refused = await store.getIntent(intent.id);
    assert.equal(refused?.status, 'rejected');
    assert.match(refused?.executionError ?? '', /compliance/);
  });

  it('trades again after the firm day boundary, the guard passing it with every rule on the record', async () => {
    await replayUntil('2026-01-06T01:00:00Z');
    const intent = await signal('2026-01-06T01:00:00Z');
    await replayUntil('2026-01-06T03:00:00Z');
    const opened = await store.getIntent(intent.id);
    assert.equal(opened?.status, 'opened', opened?.executionError ?? '');
    const snapshot = opened?.complianceSnapshot as {
      compliance: { passed: boolean; results: { rule: string }[] };
    };
    assert.equal(snapshot.compliance.passed, true);
    assert.ok(snapshot.compliance.results.some((r) => r.rule === 'daily_loss'));
    assert.ok(snapshot.compliance.results.some((r) => r.rule === 'max_loss'));
  });

  it('halts at the close of the bar whose loss passes 85 % of the maximum loss', async () => {
    // 0.93 lots from 1.075; 03:00 opens at 1.055, through the stop: −1 860, balance 45 890 ≤ 46 600.
    await replayUntil('2026-01-06T06:00:00Z');
    const state = await store.tradingState(E8);
    assert.equal(state.state, 'halted');
    assert.equal(state.changedAt, at('2026-01-06T04:00:00Z'));
    assert.match(state.reason, /compliance max_loss/);
    const trades = await store.closedPositions({ variantId: E8 });
    assert.equal(trades.length, 2);
    const balance = 50_000 + trades.reduce((sum, t) => sum + (t.pnl ?? 0), 0);
    assert.ok(Math.abs(balance - 45_890) < 1e-6, `balance ${balance}`);
  });

  it('sigil compliance shows the levels and the halt, as of a time in the replay', () => {
    const cli = sigil(
      ['--config', 'sigil.yaml', '--db', run.url, 'compliance', '--json', '--at', '2026-01-06T05:00:00Z'],
      run.path,
    );
    assert.equal(cli.code, 0, cli.err);
    const [e8] = JSON.parse(cli.out) as {
      variant: string;
      state: string;
      maxLossLevel: number;
      maxActLevel: number;
      dailyActLevel: number;
      balance: number;
    }[];
    assert.equal(e8?.variant, 'e8');
    assert.equal(e8?.state, 'halted');
    assert.equal(e8?.maxLossLevel, 46_000);
    assert.equal(e8?.maxActLevel, 46_600);
    assert.ok(Math.abs((e8?.balance ?? 0) - 45_890) < 1e-6);
    // Day 2 started (22:00 UTC) at 47 750: 5 % = 2 387.50, acted on at 85 % of it.
    assert.ok(Math.abs((e8?.dailyActLevel ?? 0) - (47_750 - 0.85 * 2_387.5)) < 1e-6);
  });
});
