// The HTTP analyst end to end: a real decision service on 127.0.0.1 scripted answer by answer, the config
// through the real parser, a real SQLite store and the real analyst pool. Each case checks where the
// intent ends up and the reason and agent state it carries — a verdict, a retry, a timeout, an unreadable
// answer and each fallback policy (rules, hold, retry later), and the deterministic sample.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { variantRuntimes } from '../app/engine-for.ts';
import { parseConfig } from '../config/load-config.ts';
import type { Candle } from '../domain/candle.ts';
import { workerId, type EpochMs, type IntentId } from '../domain/ids.ts';
import type { TradeIntent } from '../domain/intent.ts';
import type { Store } from '../domain/ports/store.ts';
import { decidePending, type DecideCounts } from '../engine/analyst-pool.ts';
import { MarketState } from '../engine/market-state.ts';
import { openStore } from '../store/open-store.ts';
import { closeHourlyBars } from '../../test/support/market-fixture.ts';
import { tempDir } from '../../test/support/temp-dir.ts';
import type { AgentState } from './transcript.ts';

// A garbage collection during a call must not lose its timeout (nodejs/node#57736): one case collects
// every 50 ms while a call hangs.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const HOUR = 3_600_000;
const MINUTE = 60_000;
const T0: EpochMs = Date.UTC(2026, 0, 5, 12);
const SYMBOL = 'EURUSD';
const WORKER = workerId('w1');

// ---- the decision service ----

/** An answer; an object body is sent as JSON, a string as plain text. */
interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
}
type Behaviour =
  | Answer
  /** Destroy the socket once the request is read: a network error at the client. */
  | 'reset'
  /** Never answer: only the client's timeout ends the request. */
  | 'hang';

interface SeenRequest {
  method: string;
  path: string;
  contentType: string | undefined;
  body: { intent: Record<string, unknown>; market: Record<string, unknown>; now: string };
  /** performance.now() on arrival, to measure the pause between a request and its retry. */
  at: number;
}

const BUY_VERDICT = {
  side: 'BUY',
  confidence: 0.8,
  stop_loss: 1.095,
  take_profit: 1.11,
  rationale: 'Higher lows above the 20-bar average; the risk is a failed breakout.',
};
const VALID: Answer = { status: 200, body: BUY_VERDICT };
/** Retry-After: 1 s, twice the first backoff of 500 ms, so a pause that long shows the header was honoured. */
const BUSY: Answer = { status: 429, body: 'slow down', headers: { 'retry-after': '1' } };
const DOWN: Answer = { status: 500, body: 'boom', headers: { 'retry-after': '0' } };

class DecisionService {
  readonly requests: SeenRequest[] = [];
  url = '';
  private queue: Behaviour[] = [];
  private otherwise: Behaviour = { status: 503, body: 'no answer scripted', headers: { 'retry-after': '0' } };
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      this.requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        contentType: req.headers['content-type'],
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as SeenRequest['body'],
        at: performance.now(),
      });
      const behaviour = this.queue.shift() ?? this.otherwise;
      if (behaviour === 'reset') {
        req.socket.destroy();
        return;
      }
      if (behaviour === 'hang') return;
      const json = typeof behaviour.body !== 'string';
      const answer = () => {
        // The client may have given up on a slow answer already.
        if (res.socket === null || res.socket.destroyed) return;
        // A fresh connection per request: no test inherits a keep-alive socket the previous one left.
        res.writeHead(behaviour.status, {
          'content-type': json ? 'application/json' : 'text/plain',
          connection: 'close',
          ...behaviour.headers,
        });
        res.end(json ? JSON.stringify(behaviour.body) : (behaviour.body as string));
      };
      if (behaviour.delayMs === undefined) return answer();
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        answer();
      }, behaviour.delayMs);
      this.timers.add(timer);
    });
  });

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/decide`;
  }

  /** The answers to the next requests in order, then `otherwise` for any further one; forgets the requests seen. */
  script(behaviours: Behaviour[], otherwise: Behaviour = this.otherwise): void {
    this.requests.length = 0;
    this.queue = [...behaviours];
    this.otherwise = otherwise;
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((e) => (e ? reject(e) : resolve())));
  }
}

// ---- a variant on a real store ----

/** 60 hourly EURUSD candles closing by T0, the last one at exactly 1.1: the reference price. */
function feedMarket(market: MarketState): void {
  const closes = Array.from({ length: 60 }, (_, i) =>
    i === 59 ? 1.1 : Number((1.1 + 0.002 * Math.sin(i / 3)).toFixed(5)),
  );
  closeHourlyBars(market, SYMBOL, T0, closes, 0.0004);
}

type AnalystKeys = Record<string, string | number>;

interface Harness {
  store: Store;
  insert(tradeDate: string, at?: EpochMs): Promise<IntentId>;
  decide(now?: EpochMs): Promise<DecideCounts>;
  read(id: IntentId): Promise<TradeIntent>;
}

const service = new DecisionService();

/** A store and a single `baseline` variant whose analyst is the service; `analyst` overrides the keys below. */
async function harness(
  t: TestContext,
  analyst: AnalystKeys = {},
  maxClaimAttempts?: number,
): Promise<Harness> {
  const keys: AnalystKeys = {
    kind: 'http',
    url: service.url,
    // Generous, so that a loaded machine does not turn a plain answer into a timeout; the timeout cases
    // set their own.
    call_timeout_s: 5,
    decision_timeout_s: 10,
    max_retries: 2,
    fallback: 'rules',
    ...analyst,
  };
  const yaml = [
    'analyst:',
    ...Object.entries(keys).map(([key, value]) => `  ${key}: ${value}`),
    ...(maxClaimAttempts === undefined ? [] : ['pipeline:', `  max_claim_attempts: ${maxClaimAttempts}`]),
    'market:',
    '  instruments:',
    "    '*': { pip_size: 0.0001 }",
  ].join('\n');
  const config = parseConfig(yaml, 'http.yaml');
  const dir = tempDir();
  const { store } = await openStore('sqlite:' + join(dir.path, 'sigil.db'), { now: '2026-01-05T00:00:00Z' });
  t.after(async () => {
    await store.close();
    dir.remove();
  });
  const market = new MarketState(HOUR);
  feedMarket(market);
  const runtimes = variantRuntimes(config, config.variants, { store, market });
  const variants = new Map(runtimes.map((r) => [r.id as string, r]));
  const variant = config.variants[0];
  assert.ok(variant);
  return {
    store,
    insert: async (tradeDate, at = T0) => {
      const { intent } = await store.insertIntent(
        {
          variantId: variant.id,
          symbol: SYMBOL,
          tradeDate,
          scanner: { score: 0.9, confidence: 'high' },
          atrAtSignal: 0.002,
        },
        'test',
        at,
      );
      return intent.id;
    },
    decide: (now = T0) => decidePending({ store, variants, worker: WORKER }, now, { claimLimit: 1 }),
    read: async (id) => {
      const intent = await store.getIntent(id);
      assert.ok(intent, `intent ${id} is in the store`);
      return intent;
    },
  };
}

function stateOf(intent: TradeIntent): AgentState {
  assert.equal(typeof intent.agentState, 'object');
  return intent.agentState as AgentState;
}

const NO_COUNTS: DecideCounts = { traded: 0, held: 0, failed: 0, released: 0, lost: 0, releasedVariants: [] };

describe('HttpAnalyst through the analyst pool', () => {
  before(() => service.start());
  after(() => service.stop());

  it('trades a valid BUY verdict with its levels, and posts the intent and its market brief', async (t) => {
    const h = await harness(t);
    service.script([VALID]);
    const id = await h.insert('2026-01-05');

    assert.deepEqual(await h.decide(), { ...NO_COUNTS, traded: 1 });

    const intent = await h.read(id);
    assert.equal(intent.status, 'ready_for_exec');
    assert.equal(intent.statusReason, 'analyst decided BUY');
    assert.equal(intent.suggestedSide, 'BUY');
    assert.equal(intent.suggestedSlPrice, 1.095);
    assert.equal(intent.suggestedTpPrice, 1.11);
    assert.match(intent.agentRiskReport, /^BUY \(confidence 0\.80\): Higher lows/);
    const state = stateOf(intent);
    assert.equal(state.analyst, 'http');
    assert.equal(state.source, 'http');
    assert.equal(state.endpoint, `http:${service.url}`);
    assert.equal(state.transcript.length, 1);
    assert.equal(state.transcript[0]?.role, 'http');
    assert.equal(state.transcript[0]?.text, JSON.stringify(BUY_VERDICT));
    assert.equal(state.totals.calls, 1);
    const records = await h.store.decisionRecords(id);
    assert.deepEqual(
      records.map((r) => [r.event, r.to]),
      [
        ['create', 'pending'],
        ['claim', 'claimed'],
        ['decide_trade', 'ready_for_exec'],
      ],
    );

    assert.equal(service.requests.length, 1);
    const seen = service.requests[0];
    assert.ok(seen);
    assert.equal(seen.method, 'POST');
    assert.equal(seen.path, '/decide');
    assert.equal(seen.contentType, 'application/json');
    assert.equal(seen.body.now, '2026-01-05T12:00:00.000Z');
    assert.equal(seen.body.intent.id, id);
    assert.equal(seen.body.intent.symbol, 'EURUSD');
    assert.equal(seen.body.intent.tradeDate, '2026-01-05');
    assert.equal(seen.body.intent.variant, 'baseline');
    assert.deepEqual(seen.body.intent.scanner, {
      side: 'BUY',
      score: 0.9,
      confidence: 'high',
      scoreGap: 0,
      dropDistance: 0,
      topkSpread: 0,
    });
    assert.equal(seen.body.market.referencePrice, 1.1);
    // The brief's default of 30 candles, the newest being the one that closed at T0.
    const candles = seen.body.market.candles as Candle[];
    assert.equal(candles.length, 30);
    assert.equal(candles.at(-1)?.time, T0 - HOUR);
    assert.equal(candles.at(-1)?.close, 1.1);
    const indicators = seen.body.market.indicators as Record<string, number | null>;
    assert.equal(indicators.last_close, 1.1);
    assert.equal(indicators.atr14, 0.002);
  });

  it('cancels the intent on a HOLD verdict', async (t) => {
    const h = await harness(t);
    service.script([{ status: 200, body: { side: 'HOLD', confidence: 0.6, rationale: 'range-bound' } }]);
    const id = await h.insert('2026-01-05');

    assert.deepEqual(await h.decide(), { ...NO_COUNTS, held: 1 });

    const intent = await h.read(id);
    assert.equal(intent.status, 'cancelled');
    assert.match(intent.statusReason, /HOLD/);
    assert.equal(intent.suggestedSide, 'HOLD');
    assert.equal(stateOf(intent).source, 'http');
    assert.equal(service.requests.length, 1);
  });

  it('converts levels given in pips from the last close with the configured pip size', async (t) => {
    const h = await harness(t);
    service.script([
      {
        status: 200,
        body: { side: 'SELL', confidence: 0.7, stop_loss_pips: 30, take_profit_pips: 50, rationale: 'x' },
      },
    ]);
    const id = await h.insert('2026-01-05');

    await h.decide();

    const intent = await h.read(id);
    assert.equal(intent.status, 'ready_for_exec');
    assert.equal(intent.suggestedSide, 'SELL');
    // A SELL's stop is above the price: 1.1 + 30 × 0.0001, and its target below: 1.1 − 50 × 0.0001.
    assert.equal(intent.suggestedSlPrice, 1.103);
    assert.equal(intent.suggestedSlPips, 30);
    assert.equal(intent.suggestedTpPrice, 1.095);
    assert.equal(intent.suggestedTpPips, 50);
  });

  it('reads a decision stated in prose', async (t) => {
    const h = await harness(t);
    const prose = 'The trend is intact and momentum is rising.\n\nFINAL TRANSACTION PROPOSAL: **BUY**';
    service.script([{ status: 200, body: prose }]);
    const id = await h.insert('2026-01-05');

    await h.decide();

    const intent = await h.read(id);
    assert.equal(intent.status, 'ready_for_exec');
    assert.equal(intent.suggestedSide, 'BUY');
    assert.equal(intent.suggestedSlPrice, null);
    const state = stateOf(intent);
    assert.equal(state.source, 'http');
    assert.equal((state.verdict as { readAs: string }).readAs, 'prose');
  });

  it('lets the rules analyst decide when the answer holds no readable verdict', async (t) => {
    const h = await harness(t);
    for (const [tradeDate, body, why] of [
      ['2026-01-05', { foo: 1 }, 'verdict unreadable: the verdict has no side'],
      ['2026-01-06', 'I would rather not say.', 'verdict unreadable: no verdict in the answer'],
    ] as const) {
      service.script([{ status: 200, body }]);
      const id = await h.insert(tradeDate);

      assert.deepEqual(await h.decide(), { ...NO_COUNTS, traded: 1 }, tradeDate);

      const intent = await h.read(id);
      assert.equal(intent.status, 'ready_for_exec');
      // The scanner's 'high' confidence is enough for the rules analyst.
      assert.equal(intent.suggestedSide, 'BUY');
      assert.ok(intent.statusReason.includes('fallback: rules'), intent.statusReason);
      assert.ok(intent.statusReason.includes(why), intent.statusReason);
      assert.match(intent.agentRiskReport, /^scanner high confidence .*\(http analyst: verdict unreadable/);
      const state = stateOf(intent);
      assert.equal(state.source, 'fallback');
      assert.ok(state.fallbackReason?.startsWith(why), state.fallbackReason);
      // The unreadable answer is kept for the audit.
      assert.equal(state.transcript.length, 1);
      assert.equal((state.fallbackState as { analyst: string }).analyst, 'rules');
      assert.equal(service.requests.length, 1);
    }
  });

  it('retries a 429 after the Retry-After it was given and trades the answer of the retry', async (t) => {
    const h = await harness(t);
    service.script([BUSY, VALID]);
    const id = await h.insert('2026-01-05');

    await h.decide();

    const intent = await h.read(id);
    assert.equal(intent.status, 'ready_for_exec');
    assert.equal(intent.statusReason, 'analyst decided BUY');
    assert.equal(stateOf(intent).source, 'http');
    assert.equal(service.requests.length, 2);
    const [first, second] = service.requests;
    assert.ok(first && second);
    assert.ok(second.at - first.at >= 950, `retried after ${Math.round(second.at - first.at)} ms`);
  });

  it('falls back after a 500 on every try, with max_retries 2 making 3 requests', async (t) => {
    const h = await harness(t, { max_retries: 2 });
    service.script([], DOWN);
    const id = await h.insert('2026-01-05');

    await h.decide();

    const intent = await h.read(id);
    assert.equal(intent.status, 'ready_for_exec');
    assert.equal(intent.suggestedSide, 'BUY');
    assert.equal(service.requests.length, 3);
    assert.ok(intent.statusReason.includes('answered 500: boom after 2 retries'), intent.statusReason);
    assert.ok(intent.statusReason.includes('fallback: rules'), intent.statusReason);
    const state = stateOf(intent);
    assert.equal(state.source, 'fallback');
    assert.equal(state.fallbackReason, 'decision service answered 500: boom after 2 retries');
  });

  it('retries after a connection reset, with the default backoff', async (t) => {
    const h = await harness(t, { max_retries: 1 });
    service.script(['reset', VALID]);
    const id = await h.insert('2026-01-05');

    await h.decide();

    const intent = await h.read(id);
    assert.equal(intent.status, 'ready_for_exec');
    assert.equal(intent.statusReason, 'analyst decided BUY');
    assert.equal(stateOf(intent).source, 'http');
    assert.equal(service.requests.length, 2);
    const [first, second] = service.requests;
    assert.ok(first && second);
    // No Retry-After on a reset: the first backoff, 500 ms.
    assert.ok(second.at - first.at >= 450, `retried after ${Math.round(second.at - first.at)} ms`);
  });

  it('retries an answer slower than call_timeout_s', async (t) => {
    const h = await harness(t, { call_timeout_s: 0.5, max_retries: 1 });
    service.script([{ ...VALID, delayMs: 1_500 }, VALID]);
    const id = await h.insert('2026-01-05');

    await h.decide();

    const intent = await h.read(id);
    assert.equal(intent.status, 'ready_for_exec');
    assert.equal(stateOf(intent).source, 'http');
    assert.equal(service.requests.length, 2);
  });

  it('falls back when the service never answers within call_timeout_s', async (t) => {
    const h = await harness(t, { call_timeout_s: 0.3, max_retries: 0, decision_timeout_s: 3 });
    service.script(['hang']);
    const id = await h.insert('2026-01-05');

    await h.decide();

    const intent = await h.read(id);
    assert.equal(intent.status, 'ready_for_exec');
    assert.ok(intent.statusReason.includes('timed out after 0.3 s'), intent.statusReason);
    assert.ok(intent.statusReason.includes('fallback: rules'), intent.statusReason);
    const state = stateOf(intent);
    assert.equal(state.source, 'fallback');
    assert.equal(state.fallbackReason, 'decision service timed out after 0.3 s');
    assert.equal(service.requests.length, 1);
  });

  it('falls back at decision_timeout_s even though a single call may take longer', async (t) => {
    const h = await harness(t, { call_timeout_s: 10, decision_timeout_s: 0.5 });
    service.script(['hang']);
    const id = await h.insert('2026-01-05');

    const started = performance.now();
    await h.decide();
    const took = performance.now() - started;

    const intent = await h.read(id);
    assert.equal(intent.status, 'ready_for_exec');
    assert.ok(intent.statusReason.includes('no decision within 0.5 s'), intent.statusReason);
    assert.equal(stateOf(intent).source, 'fallback');
    assert.equal(stateOf(intent).fallbackReason, 'no decision within 0.5 s');
    assert.ok(took < 5_000, `decided after ${Math.round(took)} ms`);
    assert.equal(service.requests.length, 1);
  });

  it('does not retry a 400: the request itself is wrong', async (t) => {
    const h = await harness(t, { max_retries: 2 });
    service.script([{ status: 400, body: 'bad intent' }], VALID);
    const id = await h.insert('2026-01-05');

    await h.decide();

    const intent = await h.read(id);
    assert.equal(intent.status, 'ready_for_exec');
    assert.equal(service.requests.length, 1);
    const state = stateOf(intent);
    assert.equal(state.source, 'fallback');
    assert.equal(state.fallbackReason, 'decision service answered 400: bad intent');
    assert.ok(intent.statusReason.includes('fallback: rules'), intent.statusReason);
  });

  it('holds with fallback: hold', async (t) => {
    const h = await harness(t, { fallback: 'hold', max_retries: 0 });
    service.script([], DOWN);
    const id = await h.insert('2026-01-05');

    assert.deepEqual(await h.decide(), { ...NO_COUNTS, held: 1 });

    const intent = await h.read(id);
    assert.equal(intent.status, 'cancelled');
    assert.equal(intent.suggestedSide, 'HOLD');
    assert.ok(intent.statusReason.includes('answered 500'), intent.statusReason);
    assert.ok(intent.statusReason.includes('fallback: hold'), intent.statusReason);
    assert.match(intent.agentRiskReport, /^HOLD: http analyst: decision service answered 500/);
    assert.equal(stateOf(intent).source, 'fallback');
  });

  it('hands the intent back with fallback: retry, fails it once its claims are used up, and carries on', async (t) => {
    const h = await harness(t, { fallback: 'retry', max_retries: 0 }, 2);
    service.script([DOWN]);
    const first = await h.insert('2026-01-05');

    assert.deepEqual(await h.decide(T0), { ...NO_COUNTS, released: 1, releasedVariants: ['baseline'] });
    let intent = await h.read(first);
    assert.equal(intent.status, 'pending');
    assert.equal(intent.attempts, 1);
    assert.equal(intent.agentState, null);
    assert.ok(intent.statusReason.includes('answered 500'), intent.statusReason);
    assert.ok(intent.statusReason.includes('fallback: retry later'), intent.statusReason);
    assert.ok(intent.statusReason.includes('(attempt 1 of 2)'), intent.statusReason);

    // Inserted later, so claimed after the first one; the service is healthy by the time it is asked.
    const second = await h.insert('2026-01-06', T0 + MINUTE);
    service.script([DOWN, VALID]);
    assert.deepEqual(await h.decide(T0 + 2 * MINUTE), { ...NO_COUNTS, failed: 1, traded: 1 });

    intent = await h.read(first);
    assert.equal(intent.status, 'failed');
    assert.equal(intent.attempts, 2);
    assert.ok(intent.statusReason.includes('gave up after 2 attempts'), intent.statusReason);
    assert.ok(intent.statusReason.includes('answered 500'), intent.statusReason);
    const records = await h.store.decisionRecords(first);
    assert.deepEqual(
      records.map((r) => r.event),
      ['create', 'claim', 'release', 'claim', 'fail'],
    );

    const next = await h.read(second);
    assert.equal(next.status, 'ready_for_exec');
    assert.equal(stateOf(next).source, 'http');
    assert.deepEqual(
      service.requests.map((r) => r.body.intent.tradeDate),
      ['2026-01-05', '2026-01-06'],
    );
  });

  it('asks the service about a deterministic sample only; the rules analyst decides the rest', async (t) => {
    const tradeDates = Array.from({ length: 20 }, (_, i) => `2026-02-${String(i + 1).padStart(2, '0')}`);
    const run = async () => {
      const h = await harness(t, { sample: 0.5 });
      service.script([], VALID);
      const ids = new Map<string, IntentId>();
      for (const date of tradeDates) ids.set(date, await h.insert(date));

      await h.decide();

      const sampledOut: string[] = [];
      const decided: string[] = [];
      for (const [date, id] of ids) {
        const intent = await h.read(id);
        assert.equal(intent.status, 'ready_for_exec', date);
        const state = stateOf(intent);
        if (state.source === 'sampled_out') {
          sampledOut.push(date);
          assert.ok(
            intent.statusReason.includes('outside the 0.5 sample: rules analyst'),
            intent.statusReason,
          );
          assert.equal(state.transcript.length, 0);
        } else {
          assert.equal(state.source, 'http', date);
          decided.push(date);
        }
      }
      const asked = service.requests.map((r) => String(r.body.intent.tradeDate));
      return { sampledOut, decided, asked };
    };

    const once = await run();
    assert.ok(once.sampledOut.length > 0 && once.decided.length > 0, JSON.stringify(once));
    assert.deepEqual([...once.asked].sort(), once.decided);

    const again = await run();
    assert.deepEqual(again, once);
  });

  // nodejs/node#57736: a timeout signal reachable only through AbortSignal.any() may be collected before
  // it fires. Collecting every 50 ms makes that certain rather than occasional.

  it('keeps the per-call timeout when a garbage collection runs during the call', async (t) => {
    const h = await harness(t, { call_timeout_s: 0.3, max_retries: 0, decision_timeout_s: 1.5 });
    service.script(['hang']);
    const id = await h.insert('2026-01-05');
    const collecting = setInterval(collectGarbage, 50);
    try {
      await h.decide();
    } finally {
      clearInterval(collecting);
    }

    const intent = await h.read(id);
    assert.equal(stateOf(intent).fallbackReason, 'decision service timed out after 0.3 s');
  });

  it('takes timeouts whose milliseconds are not whole numbers', async (t) => {
    for (const keys of [{ call_timeout_s: 2.01 }, { decision_timeout_s: 2.01 }] as AnalystKeys[]) {
      const h = await harness(t, { max_retries: 0, ...keys });
      service.script([VALID]);
      const id = await h.insert('2026-01-05');

      await h.decide();

      const intent = await h.read(id);
      assert.equal(intent.statusReason, 'analyst decided BUY', JSON.stringify(keys));
      assert.equal(stateOf(intent).source, 'http');
    }
  });
});
