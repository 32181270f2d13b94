// Variants are isolated: a rules variant trades the same whether it runs alone or beside an LLM variant
// whose provider fails and which keeps handing its intents back (fallback: retry). One variant's
// analyst trouble — its retries, its errors, its slower decisions — changes nothing of another's.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../config/load-config.ts';
import { variantId } from '../domain/ids.ts';
import { fingerprint, tradeRows } from '../backtest/metrics.ts';
import { openStore } from '../store/open-store.ts';
import { FakeLlmServer } from '../../test/support/fake-llm.ts';
import { tempDir } from '../../test/support/temp-dir.ts';
import { STORE_TARGETS } from '../../test/support/store-targets.ts';
import { runReplay } from './replay-bot.ts';

const DATA = fileURLToPath(new URL('../../data/crypto/1h', import.meta.url));
const RULES = variantId('rules');
const MARKET = `
market:
  data: ${DATA}
  symbols: [BTCUSDT, DOGEUSDT, SOLUSDT]
scanner:
  breakout_lookback: 20
  min_volume_ratio: 0
`;

for (const target of STORE_TARGETS) {
  describe(`variants are isolated: ${target.dialect}`, () => {
    const dir = tempDir('sigil-isolation-');
    let llm: FakeLlmServer;
    const stores: { cleanup(): Promise<void> }[] = [];
    before(async () => {
      llm = await FakeLlmServer.start({ script: () => ({ kind: 'status', status: 500 }) });
    });
    after(async () => {
      await llm.close();
      for (const created of stores) await created.cleanup();
      dir.remove();
    });

    async function replay(name: string, yaml: string) {
      const config = parseConfig(yaml, join(dir.path, `${name}.yaml`));
      const created = await target.create();
      stores.push(created);
      const { store } = await openStore(created.url, { now: '2021-04-01T00:00:00Z' });
      try {
        const result = await runReplay({
          store,
          config,
          variants: config.variants,
          speed: 0,
          until: Date.parse('2021-06-01T00:00:00Z'),
          signal: new AbortController().signal,
          sleep: async () => undefined,
        });
        assert.equal(result.finished, true);
        return {
          rules: await store.closedPositions({ variantId: RULES }),
          llmIntents: await store.listIntents({ variantId: variantId('llm') }),
        };
      } finally {
        await store.close();
      }
    }

    it('trades a rules variant identically alone and beside a failing LLM variant with fallback: retry', async () => {
      const alone = await replay('alone', `${MARKET}variants:\n  rules:\n`);
      const beside = await replay(
        'beside',
        `${MARKET}variants:
  rules:
  llm:
    analyst:
      kind: llm
      base_url: ${llm.openaiUrl}
      quick_model: quick
      deep_model: deep
      roles: [trader]
      debate_rounds: 0
      max_retries: 0
      fallback: retry
`,
      );
      assert.ok(alone.rules.length > 10, `the rules variant trades (${alone.rules.length})`);
      assert.equal(fingerprint(tradeRows(beside.rules)), fingerprint(tradeRows(alone.rules)));
      // The LLM variant really was in trouble: its provider was asked, and its intents handed back.
      assert.ok(llm.requests.length > 0);
      assert.ok(beside.llmIntents.length > 0);
      assert.ok(
        beside.llmIntents.every((i) => i.status !== 'opened' && i.status !== 'closed'),
        'the failing LLM variant opened nothing',
      );
    });
  });
}
