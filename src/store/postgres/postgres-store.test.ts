import { freshSchema } from '../../../test/support/postgres.ts';
import { openStore } from '../open-store.ts';
import { describeBrokerStoreContract } from '../broker-store.contract.ts';
import { describeLlmStoreContract } from '../llm-store.contract.ts';
import { describeRiskStoreContract } from '../risk-store.contract.ts';
import { describeStoreContract, type ContractTarget } from '../store.contract.ts';

const target: ContractTarget = {
  name: 'PostgreSQL',
  async open() {
    const schema = await freshSchema();
    const { store } = await openStore(schema.url, { now: '2026-01-05T00:00:00Z' });
    return { store, cleanup: () => schema.drop() };
  },
};

describeStoreContract(target);
describeRiskStoreContract(target);
describeLlmStoreContract(target);
describeBrokerStoreContract(target);
