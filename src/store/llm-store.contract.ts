// The Store contract for LLM analysts: a cache that keeps its first answer, and a spend ledger whose
// reservations hold every cap even when many workers reserve at once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { variantId } from '../domain/ids.ts';
import type { Store } from '../domain/ports/store.ts';
import type { ContractTarget } from './store.contract.ts';

export function describeLlmStoreContract(target: ContractTarget): void {
  describe(`Store contract, LLM cache and spend: ${target.name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    before(async () => {
      ({ store, cleanup } = await target.open());
    });
    after(async () => {
      await store.close();
      await cleanup();
    });

    it('returns a cached answer as stored, and keeps the first answer under a key', async () => {
      assert.equal(await store.cachedLlmResponse('k1'), null);
      const entry = {
        key: 'k1',
        model: 'gpt-test',
        response: { text: 'BUY', structured: { side: 'BUY', confidence: 0.7 } },
        inputTokens: 1200,
        outputTokens: 80,
        createdAt: 1_000,
      };
      await store.cacheLlmResponse(entry);
      await store.cacheLlmResponse({ ...entry, response: { text: 'SELL' }, createdAt: 2_000 });
      assert.deepEqual(await store.cachedLlmResponse('k1'), entry);
    });

    it('reserves within the caps, refuses beyond them, and settles to the real cost', async () => {
      const v = variantId('llm-a');
      const limits = { tokens: 1000, costUsd: 1 };
      assert.equal(await store.reserveLlmSpend(v, '2026-01-05', { tokens: 600, costUsd: 0.5 }, limits), true);
      assert.equal(
        await store.reserveLlmSpend(v, '2026-01-05', { tokens: 600, costUsd: 0.1 }, limits),
        false,
      );
      assert.equal(
        await store.reserveLlmSpend(v, '2026-01-05', { tokens: 100, costUsd: 0.6 }, limits),
        false,
      );
      await store.settleLlmSpend(
        v,
        '2026-01-05',
        { tokens: 600, costUsd: 0.5 },
        { tokens: 250, costUsd: 0.2, calls: 1 },
      );
      const spend = await store.llmSpend(v, '2026-01-05');
      assert.deepEqual(
        { calls: spend.calls, tokens: spend.tokens, reservedTokens: spend.reserved.tokens },
        { calls: 1, tokens: 250, reservedTokens: 0 },
      );
      assert.ok(Math.abs(spend.costUsd - 0.2) < 1e-12 && Math.abs(spend.reserved.costUsd) < 1e-12);
      // Now 750 tokens are free again; a new day starts empty; no cap means no refusal.
      assert.equal(await store.reserveLlmSpend(v, '2026-01-05', { tokens: 700, costUsd: 0.1 }, limits), true);
      assert.equal((await store.llmSpend(v, '2026-01-06')).tokens, 0);
      const uncapped = { tokens: null, costUsd: null };
      assert.equal(
        await store.reserveLlmSpend(v, '2026-01-06', { tokens: 1e9, costUsd: 1e6 }, uncapped),
        true,
      );
    });

    it('lets exactly as many concurrent reservations through as the cap holds', async () => {
      const v = variantId('llm-race');
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          store.reserveLlmSpend(v, '2026-01-05', { tokens: 100, costUsd: 0 }, { tokens: 550, costUsd: null }),
        ),
      );
      assert.equal(results.filter(Boolean).length, 5);
      assert.equal((await store.llmSpend(v, '2026-01-05')).reserved.tokens, 500);
    });
  });
}
