// The LLM analyst end to end through the real SDKs against a fake provider on 127.0.0.1: the chain's
// roles and models, every fault the issue lists (HOLD, malformed JSON, prose, a 5-tier rating, slow,
// 429 then success, 500 forever, a connection reset), the cache, the budget, the lease and shutdown.
// Each case checks where the intent ended and why.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseConfig, type SigilConfig } from '../../config/load-config.ts';
import { workerId, type EpochMs, type IntentId } from '../../domain/ids.ts';
import type { TradeIntent } from '../../domain/intent.ts';
import type { Store } from '../../domain/ports/store.ts';
import { utcDay } from '../../domain/llm-usage.ts';
import { variantRuntimes } from '../../app/engine-for.ts';
import { decidePending, type DecideOptions } from '../../engine/analyst-pool.ts';
import { MarketState } from '../../engine/market-state.ts';
import { openStore } from '../../store/open-store.ts';
import { FakeLlmServer, type LlmReply, type RecordedLlmRequest } from '../../../test/support/fake-llm.ts';
import { closeHourlyBars } from '../../../test/support/market-fixture.ts';
import { tempDir } from '../../../test/support/temp-dir.ts';
import type { AgentState } from '../transcript.ts';

const HOUR = 3_600_000;
const T0: EpochMs = Date.UTC(2026, 0, 5, 12);
const BUY = {
  side: 'BUY',
  confidence: 0.8,
  stop_loss: 1.095,
  take_profit: 1.11,
  stop_loss_pips: null,
  take_profit_pips: null,
  rationale: 'uptrend above the 20-bar mean',
};

/** Which role a request is for, from the system prompt the chain sends. */
function roleOf(request: RecordedLlmRequest): string {
  const system = JSON.stringify(request.body.system ?? request.body.messages);
  for (const [needle, role] of [
    ['market analyst', 'market'],
    ['bull researcher', 'bull'],
    ['bear researcher', 'bear'],
    ['the trader', 'trader'],
    ['risk manager', 'risk_manager'],
    ['portfolio manager', 'verdict'],
  ] as const) {
    if (system.includes(`You are the ${needle}`) || system.includes(`You are ${needle}`)) return role;
  }
  return 'unknown';
}

/** Roles answer in prose naming themselves; the verdict answers with `verdict`. */
function chainScript(verdict: LlmReply) {
  return (request: RecordedLlmRequest): LlmReply => {
    const role = roleOf(request);
    return role === 'verdict' ? verdict : { kind: 'text', text: `${role} says: the trend is up.` };
  };
}

interface Bench {
  config: SigilConfig;
  store: Store;
  server: FakeLlmServer;
  insert(tradeDate?: string, symbol?: string): Promise<IntentId>;
  decide(options?: DecideOptions): ReturnType<typeof decidePending>;
  intent(id: IntentId): Promise<TradeIntent>;
  close(): Promise<void>;
}

async function bench(analyst: string, extra = ''): Promise<Bench> {
  const dir = tempDir();
  const server = await FakeLlmServer.start();
  const { store } = await openStore(`sqlite:${join(dir.path, 'sigil.db')}`, { now: '2026-01-05T00:00:00Z' });
  const url = analyst.includes('provider: anthropic') ? server.anthropicUrl : server.openaiUrl;
  const config = parseConfig(
    `analyst:\n  kind: llm\n  base_url: ${url}\n${analyst}\nmarket:\n  instruments:\n    '*': { pip_size: 0.0001 }\n${extra}`,
    'llm.yaml',
  );
  const market = new MarketState(HOUR);
  // Rising a pip an hour to a last close of 1.0999.
  const closes = Array.from({ length: 60 }, (_, i) => 1.1 - (60 - i) * 0.0001);
  for (const symbol of ['EURUSD', 'GBPUSD']) closeHourlyBars(market, symbol, T0, closes);
  const runtimes = variantRuntimes(config, config.variants, { store, market, env: {} });
  const variants = new Map(runtimes.map((r) => [r.id as string, r]));
  const variant = config.variants[0];
  assert.ok(variant);
  return {
    config,
    store,
    server,
    async insert(tradeDate = '2026-01-05', symbol = 'EURUSD') {
      const inserted = await store.insertIntent(
        {
          variantId: variant.id,
          symbol,
          tradeDate,
          scanner: { score: 0.9, confidence: 'high' },
          atrAtSignal: 0.002,
        },
        'test',
        T0,
      );
      return inserted.intent.id;
    },
    decide: (options = {}) => decidePending({ store, variants, worker: workerId('w1') }, T0, options),
    async intent(id) {
      const found = await store.getIntent(id);
      assert.ok(found);
      return found;
    },
    async close() {
      await server.close();
      await store.close();
      dir.remove();
    },
  };
}

const VERDICT_ONLY = 'roles: []\n  debate_rounds: 0';

describe('LLM analyst: the chain', () => {
  let b: Bench;
  before(async () => {
    b = await bench(
      `  quick_model: quick-1\n  deep_model: deep-1\n  debate_rounds: 2\n  prices:\n    quick-1: { input_per_mtok: 1, output_per_mtok: 2 }\n    deep-1: { input_per_mtok: 10, output_per_mtok: 20 }`,
    );
    b.server.script(chainScript({ kind: 'json', value: BUY, usage: { input: 1000, output: 100 } }));
  });
  after(() => b.close());

  it('runs market, N debate rounds, trader, risk manager and the verdict, quick and deep models, and trades the verdict', async () => {
    const id = await b.insert();
    assert.deepEqual(await b.decide(), {
      traded: 1,
      held: 0,
      failed: 0,
      released: 0,
      lost: 0,
      releasedVariants: [],
    });
    const intent = await b.intent(id);
    assert.equal(intent.status, 'ready_for_exec');
    assert.deepEqual(
      [intent.suggestedSide, intent.suggestedSlPrice, intent.suggestedTpPrice],
      ['BUY', 1.095, 1.11],
    );
    const state = intent.agentState as AgentState;
    assert.equal(state.source, 'llm');
    assert.deepEqual(
      state.transcript.map((e) => `${e.role}${e.round ?? ''}:${e.model}`),
      [
        'market:quick-1',
        'bull1:quick-1',
        'bear1:quick-1',
        'bull2:quick-1',
        'bear2:quick-1',
        'trader:quick-1',
        'risk_manager:deep-1',
        'verdict:deep-1',
      ],
    );
    // Each role hears the ones before it; the market analyst is given computed indicators, not asked to compute.
    const requests = b.server.requests;
    assert.match(requests[0]?.promptText ?? '', /rsi14 [\d.]+, sma20/);
    assert.match(requests[4]?.promptText ?? '', /Bull, round 2:\nbull says/);
    assert.match(requests[7]?.promptText ?? '', /Risk manager's review:\nrisk_manager says/);
    const format = requests[7]?.body.response_format as { type: string; json_schema: { strict: boolean } };
    assert.deepEqual([format.type, format.json_schema.strict], ['json_schema', true]);
    assert.equal(requests[0]?.body.response_format, undefined);
    // The verdict alone costs 1000 × 10 + 100 × 20 per million; the ledger booked every call.
    const verdict = state.transcript.at(-1);
    assert.ok(verdict && Math.abs(verdict.costUsd - 0.012) < 1e-12);
    const spend = await b.store.llmSpend(intent.variantId, utcDay(T0));
    assert.equal(spend.calls, 8);
    assert.equal(spend.tokens, state.totals.inputTokens + state.totals.outputTokens);
    assert.equal(spend.reserved.tokens, 0);
    assert.match(intent.agentRiskReport, /^BUY \(confidence 0\.80\): uptrend/);
  });
});

describe('LLM analyst: the verdicts a model gives', () => {
  let b: Bench;
  before(async () => {
    b = await bench(`  ${VERDICT_ONLY}\n  max_retries: 0\n  cache: false`);
  });
  after(() => b.close());

  async function decided(...replies: LlmReply[]): Promise<TradeIntent> {
    b.server.queue(...replies);
    const id = await b.insert(`2026-02-${String(b.server.requests.length + 1).padStart(2, '0')}`);
    await b.decide();
    return b.intent(id);
  }

  it('HOLD cancels the intent with the reason', async () => {
    const intent = await decided({ kind: 'json', value: { ...BUY, side: 'HOLD' } });
    assert.equal(intent.status, 'cancelled');
    assert.equal(intent.statusReason, 'analyst decided HOLD');
  });

  it('repairs malformed JSON', async () => {
    const intent = await decided({
      kind: 'text',
      text: "Here: {'side': 'SELL', 'confidence': 0.6, 'rationale': 'lower highs',}",
    });
    assert.equal(intent.status, 'ready_for_exec');
    assert.equal(intent.suggestedSide, 'SELL');
    assert.equal(((intent.agentState as AgentState).verdict as { readAs: string }).readAs, 'repaired');
  });

  it('asks once more when the answer is prose, and trades the second answer', async () => {
    const intent = await decided(
      { kind: 'text', text: 'The market looks interesting but I would rather not commit.' },
      { kind: 'json', value: { ...BUY, stop_loss: null, stop_loss_pips: 30 } },
    );
    assert.equal(intent.status, 'ready_for_exec');
    assert.deepEqual(
      (intent.agentState as AgentState).transcript.map((e) => e.role),
      ['verdict', 'verdict_retry'],
    );
    assert.match(b.server.requests.at(-1)?.promptText ?? '', /could not be used \(no verdict in the answer/);
    // 30 pips under the last close of 1.0999.
    assert.equal(intent.suggestedSlPrice, 1.0969);
  });

  it('falls back to the rules analyst when even the second answer is unreadable', async () => {
    const prose: LlmReply = { kind: 'text', text: 'Markets are uncertain.' };
    const intent = await decided(prose, prose);
    assert.equal(intent.status, 'ready_for_exec');
    assert.match(
      intent.statusReason,
      /analyst decided BUY \(llm analyst: verdict unreadable: no verdict .*fallback: rules\)/,
    );
    assert.equal((intent.agentState as AgentState).source, 'fallback');
  });

  it('maps a 5-tier rating to a side', async () => {
    const intent = await decided({
      kind: 'text',
      text: '{"rating": "Underweight", "confidence": 0.55, "rationale": "weak"}',
    });
    assert.equal(intent.suggestedSide, 'SELL');
    assert.equal(intent.status, 'ready_for_exec');
  });

  it('refuses a stop on the wrong side, with the reason in the report, and never takes a size', async () => {
    const intent = await decided({ kind: 'json', value: { ...BUY, stop_loss: 1.2, position_size: 10 } });
    assert.equal(intent.suggestedSlPrice, null);
    assert.match(intent.agentRiskReport, /stop_loss 1\.2 refused/);
  });
});

describe('LLM analyst: provider faults', () => {
  it('rides out a 429 with the SDK retry, then trades', async () => {
    const b = await bench(`  ${VERDICT_ONLY}\n  max_retries: 2`);
    try {
      b.server.queue(
        { kind: 'status', status: 429, headers: { 'retry-after-ms': '1' } },
        { kind: 'json', value: BUY },
      );
      const id = await b.insert();
      await b.decide();
      assert.equal((await b.intent(id)).status, 'ready_for_exec');
      assert.equal(b.server.requests.length, 2);
    } finally {
      await b.close();
    }
  });

  it('falls back when the provider answers 500 forever, naming the status and the retries', async () => {
    const b = await bench(`  ${VERDICT_ONLY}\n  max_retries: 1`);
    try {
      b.server.script(() => ({ kind: 'status', status: 500, headers: { 'retry-after-ms': '1' } }));
      const id = await b.insert();
      await b.decide();
      const intent = await b.intent(id);
      assert.equal(intent.status, 'ready_for_exec');
      assert.match(intent.statusReason, /openai answered 500 after 1 retry.*fallback: rules/);
      assert.equal(b.server.requests.length, 2);
      // Nothing was booked for calls that never answered, and no reservation is left behind.
      const spend = await b.store.llmSpend(intent.variantId, utcDay(T0));
      assert.deepEqual([spend.calls, spend.tokens, spend.reserved.tokens], [0, 0, 0]);
    } finally {
      await b.close();
    }
  });

  it('falls back on a connection reset, and on a call slower than its timeout', async () => {
    const b = await bench(`  ${VERDICT_ONLY}\n  max_retries: 0\n  call_timeout_s: 0.2\n  fallback: hold`);
    try {
      b.server.queue({ kind: 'reset' }, { kind: 'json', value: BUY, delayMs: 1_000 });
      const reset = await b.insert('2026-01-05');
      await b.decide();
      const slow = await b.insert('2026-01-06');
      await b.decide();
      const [a, c] = [await b.intent(reset), await b.intent(slow)];
      assert.equal(a.status, 'cancelled');
      assert.match(a.statusReason, /llm analyst: openai unreachable.*fallback: hold/);
      assert.equal(c.status, 'cancelled');
      assert.match(c.statusReason, /openai timed out.*fallback: hold/);
    } finally {
      await b.close();
    }
  });

  it('retries a reset connection when retries are allowed', async () => {
    const b = await bench(`  ${VERDICT_ONLY}\n  max_retries: 1`);
    try {
      b.server.queue({ kind: 'reset' }, { kind: 'json', value: BUY });
      const id = await b.insert();
      await b.decide();
      assert.equal(
        (await b.intent(id)).agentState && ((await b.intent(id)).agentState as AgentState).source,
        'llm',
      );
    } finally {
      await b.close();
    }
  });

  it('gives up a whole decision at its timeout', async () => {
    const b = await bench(`  ${VERDICT_ONLY}\n  max_retries: 0\n  decision_timeout_s: 0.3`);
    try {
      b.server.script(() => ({ kind: 'hang' }));
      const id = await b.insert();
      await b.decide();
      assert.match((await b.intent(id)).statusReason, /no decision within 0\.3 s; fallback: rules/);
    } finally {
      await b.close();
    }
  });

  it('hands the intent back for a later attempt (fallback: retry), then fails it after the last attempt', async () => {
    const b = await bench(
      `  ${VERDICT_ONLY}\n  max_retries: 0\n  fallback: retry`,
      'pipeline:\n  max_claim_attempts: 2\n',
    );
    try {
      b.server.script(() => ({ kind: 'status', status: 503 }));
      const id = await b.insert();
      assert.equal((await b.decide()).released, 1);
      const back = await b.intent(id);
      assert.equal(back.status, 'pending');
      assert.match(back.statusReason, /openai answered 503.*retry later \(attempt 1 of 2\)/);
      assert.equal((await b.decide()).failed, 1);
      assert.match((await b.intent(id)).statusReason, /gave up after 2 attempts/);
    } finally {
      await b.close();
    }
  });
});

describe('LLM analyst: Anthropic', () => {
  it('reads the verdict from a forced tool call, and falls back when the API fails', async () => {
    const b = await bench(`  provider: anthropic\n  ${VERDICT_ONLY}\n  max_retries: 0`);
    try {
      b.server.queue({ kind: 'json', value: BUY }, { kind: 'status', status: 529 });
      const good = await b.insert('2026-01-05');
      await b.decide();
      const bad = await b.insert('2026-01-06');
      await b.decide();
      const intent = await b.intent(good);
      assert.equal(intent.status, 'ready_for_exec');
      assert.equal(intent.suggestedTpPrice, 1.11);
      const request = b.server.requests[0];
      assert.equal(request?.api, 'anthropic');
      assert.deepEqual(request?.body.tool_choice, { type: 'tool', name: 'verdict' });
      assert.match((await b.intent(bad)).statusReason, /anthropic answered 529.*fallback: rules/);
    } finally {
      await b.close();
    }
  });
});

describe('LLM analyst: cache, budget, lease', () => {
  it('decides a second time from the cache without calling the provider', async () => {
    const b = await bench(`  ${VERDICT_ONLY}`, 'variants:\n  first: {}\n  again: {}\n');
    try {
      b.server.script(() => ({ kind: 'json', value: BUY }));
      // Two variants, same settings, same intent: the second one's prompt is the first one's.
      const [first, second] = b.config.variants;
      assert.ok(first && second);
      const ids = [];
      for (const variant of [first, second]) {
        const inserted = await b.store.insertIntent(
          {
            variantId: variant.id,
            symbol: 'EURUSD',
            tradeDate: '2026-01-05',
            scanner: { score: 0.9, confidence: 'high' },
            atrAtSignal: 0.002,
          },
          'test',
          T0,
        );
        ids.push(inserted.intent.id);
        await b.decide();
      }
      const [a, c] = [await b.intent(ids[0] as IntentId), await b.intent(ids[1] as IntentId)];
      assert.equal((a.agentState as AgentState).source, 'llm');
      assert.equal((c.agentState as AgentState).source, 'cache');
      assert.equal(c.statusReason, 'analyst decided BUY (from the LLM cache)');
      assert.equal(b.server.requests.length, 1);
      assert.equal((c.agentState as AgentState).totals.costUsd, 0);
    } finally {
      await b.close();
    }
  });

  it('never lets concurrent workers overrun the daily token budget', async () => {
    // Each verdict call is reserved at ~1100 tokens (prompt/3 + the 200-token cap) and costs 1000:
    // two or three fit in 3500, depending on whether a call settled before the next reserved.
    const b = await bench(
      `  ${VERDICT_ONLY}\n  cache: false\n  max_output_tokens: 200\n  daily_token_budget: 3500`,
    );
    try {
      b.server.script(() => ({ kind: 'json', value: BUY, delayMs: 50, usage: { input: 900, output: 100 } }));
      const ids = [];
      for (let day = 1; day <= 8; day++) ids.push(await b.insert(`2026-03-0${day}`));
      await b.decide({ concurrency: 4 });
      const states = await Promise.all(ids.map(async (id) => (await b.intent(id)).agentState as AgentState));
      const live = states.filter((s) => s.source === 'llm').length;
      assert.equal(b.server.requests.length, live);
      assert.ok(live >= 2 && live <= 3, `${live} calls made`);
      const refused = states.filter((s) => s.source === 'fallback');
      assert.equal(refused.length, 8 - live);
      assert.match(refused[0]?.fallbackReason ?? '', /daily LLM budget of baseline for 2026-01-05 exhausted/);
      const variant = (await b.intent(ids[0] as IntentId)).variantId;
      const spend = await b.store.llmSpend(variant, utcDay(T0));
      assert.ok(spend.tokens <= 3500 && spend.reserved.tokens === 0);
    } finally {
      await b.close();
    }
  });

  it('extends the lease while a slow decision runs, so the janitor leaves it alone', async () => {
    const b = await bench(`  ${VERDICT_ONLY}`, 'pipeline:\n  claim_ttl_minutes: 1\n');
    try {
      b.server.script(() => ({ kind: 'json', value: BUY, delayMs: 400 }));
      const id = await b.insert();
      const deciding = b.decide({ leaseHeartbeatMs: 50 });
      let leased: TradeIntent;
      do leased = await b.intent(id);
      while (leased.status !== 'claimed');
      const firstExpiry = leased.claimExpiresAt as number;
      let extended = leased;
      while ((extended.claimExpiresAt as number) <= firstExpiry) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        extended = await b.intent(id);
      }
      // The janitor runs just after the first lease would have ended: the intent is still being decided.
      const swept = await b.store.recycleExpiredClaims(firstExpiry + 1, { maxAttempts: 3 });
      assert.equal(swept.timedOut, 0);
      await deciding;
      assert.equal((await b.intent(id)).status, 'ready_for_exec');
    } finally {
      await b.close();
    }
  });

  it('hands an unfinished decision back to the queue when the worker is stopped', async () => {
    const b = await bench(`  ${VERDICT_ONLY}`);
    try {
      b.server.script(() => ({ kind: 'hang' }));
      const id = await b.insert();
      const stop = new AbortController();
      const deciding = b.decide({ signal: stop.signal });
      while (b.server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      stop.abort();
      assert.equal((await deciding).released, 1);
      const intent = await b.intent(id);
      assert.deepEqual([intent.status, intent.statusReason], ['pending', 'released by a stopping worker']);
    } finally {
      await b.close();
    }
  });
});

describe('LLM analyst: configuration', () => {
  it('refuses to start against a hosted provider without its API key, naming the variable', () => {
    const config = parseConfig('analyst:\n  kind: llm\n  provider: anthropic\n', 'keyless.yaml');
    const market = new MarketState(HOUR);
    assert.throws(
      () => variantRuntimes(config, config.variants, { store: {} as Store, market, env: {} }),
      /keyless\.yaml: variant baseline uses analyst\.provider anthropic, which needs an API key in \$ANTHROPIC_API_KEY/,
    );
  });
});
