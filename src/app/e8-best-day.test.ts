// The best-day rule on a scripted equity path, through the whole engine on a real SQLite file: under the
// E8 preset (best day ≤ 40 % of the 8 % target: $1,600 on 50k, acted on at 85 %: $1,360) a take-profit
// of $1,980 early in the firm's day stops that variant's entries for the rest of the day; the same
// account with `best_day_action: inform` keeps trading; the next firm day (22:00 UTC) trades again.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { variantId, type IntentId, type VariantId } from '../domain/ids.ts';
import type { Store } from '../domain/ports/store.ts';
import { scriptedReplay, type ScriptedReplay } from '../../test/support/scripted-replay.ts';

const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const STOPS = variantId('stops');
const INFORMS = variantId('informs');

/** EURUSD flat at 1.1; the 04:00 bar runs to 1.125 (through the 2 % target, 1.122) and it stays at 1.12. */
function bars(): string {
  const rows = ['timestamp,open,high,low,close,volume'];
  const start = at('2026-01-05T00:00:00Z');
  for (let i = 0; i < 30; i++) {
    const time = start + i * HOUR;
    const [open, high, low, close] =
      i < 4 ? [1.1, 1.1, 1.1, 1.1] : i === 4 ? [1.1, 1.125, 1.1, 1.12] : [1.12, 1.12, 1.12, 1.12];
    rows.push(`${new Date(time).toISOString()},${open},${high},${low},${close},1000`);
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
  take_profit_pct: 2
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
  max_size_offset_pct: 0   # the path is scripted to exact sizes
variants:
  stops: {}
  informs:
    compliance:
      best_day_action: inform
`;

describe('the best-day rule on a scripted E8 day', () => {
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

  /** A BUY signal on EURUSD for both variants at `now`. */
  const signals = async (now: string) => {
    const ids = new Map<VariantId, IntentId>();
    for (const variant of [STOPS, INFORMS]) ids.set(variant, (await run.signal(variant, 'EURUSD', now)).id);
    return ids;
  };

  const statusOf = async (id: IntentId | undefined) => {
    const intent = id === undefined ? null : await store.getIntent(id);
    return `${intent?.status}${intent?.executionError ? `: ${intent.executionError}` : ''}`;
  };

  it("books the morning's take-profit: $1,980, over the $1,360 act level", async () => {
    await replayUntil('2026-01-05T02:00:00Z');
    await signals('2026-01-05T02:00:00Z');
    // Filled at 03:00's open (1.1), stop 1.089 (1 %): 0.90 lots; the 04:00 bar reaches the 1.122 target.
    await replayUntil('2026-01-05T06:00:00Z');
    for (const variant of [STOPS, INFORMS]) {
      const [trade] = await store.closedPositions({ variantId: variant });
      assert.equal(trade?.exitReason, 'take_profit');
      assert.equal(trade?.qty, 0.9);
      assert.ok(Math.abs((trade?.pnl ?? 0) - 1_980) < 1e-6, `pnl ${trade?.pnl}`);
    }
  });

  it("stops the day's entries with stop_entries, and only informs with inform", async () => {
    const ids = await signals('2026-01-05T06:00:00Z');
    await replayUntil('2026-01-05T09:00:00Z');
    assert.match(
      await statusOf(ids.get(STOPS)),
      /^rejected: .*best_day: today's profit 1 980\.00 reached 1 360\.00 \(85 % of the best-day cap 1 600\.00/,
    );
    assert.equal(await statusOf(ids.get(INFORMS)), 'opened');
  });

  it("trades again on the firm's next day (00:00 UTC+2 = 22:00 UTC)", async () => {
    await replayUntil('2026-01-05T22:00:00Z');
    const ids = await signals('2026-01-05T22:00:00Z');
    await replayUntil('2026-01-06T00:00:00Z');
    assert.equal(await statusOf(ids.get(STOPS)), 'opened');
  });
});
