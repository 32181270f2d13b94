// The paper account passes the broker contract on a real SQLite store.
import { join } from 'node:path';
import { variantId } from '../domain/ids.ts';
import { openStore } from '../store/open-store.ts';
import { tempDir } from '../../test/support/temp-dir.ts';
import { describeBrokerContract } from './broker.contract.ts';
import { PaperBroker } from './paper-broker.ts';

describeBrokerContract('paper', async () => {
  const dir = tempDir();
  const { store } = await openStore(`sqlite:${join(dir.path, 'paper.db')}`, { now: '2026-01-05T12:00:00Z' });
  let price = 100;
  let clock = Date.UTC(2026, 0, 5, 12);
  const broker = new PaperBroker(store, () => price, {
    variantId: variantId('contract'),
    startingBalance: 10_000,
    feePct: 0.1,
    slippagePct: 0,
    quoteOf: () => 'dollars',
  });
  return {
    broker,
    symbol: 'BTC/USDT',
    qty: 2,
    contractSize: 1,
    invalidQty: null,
    price: () => price,
    setPrice: async (to) => {
      price = to;
    },
    now: () => (clock += 1_000),
    dispose: async () => {
      await store.close();
      dir.remove();
    },
  };
});
