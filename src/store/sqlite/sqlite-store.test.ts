import { join } from 'node:path';
import { tempDir } from '../../../test/support/temp-dir.ts';
import { openStore } from '../open-store.ts';
import { describeBrokerStoreContract } from '../broker-store.contract.ts';
import { describeLlmStoreContract } from '../llm-store.contract.ts';
import { describeRiskStoreContract } from '../risk-store.contract.ts';
import { describeStoreContract, type ContractTarget } from '../store.contract.ts';

const target: ContractTarget = {
  name: 'SQLite',
  async open() {
    const dir = tempDir();
    const { store } = await openStore(`sqlite:${join(dir.path, 'sigil.db')}`, {
      now: '2026-01-05T00:00:00Z',
    });
    return { store, cleanup: async () => dir.remove() };
  },
};

describeStoreContract(target);
describeRiskStoreContract(target);
describeLlmStoreContract(target);
describeBrokerStoreContract(target);
