// Before a live start: each real broker's own grid for every symbol its variant trades — the price tick,
// quantity step and minimums of the exchange's markets or the Match-Trader symbol specification. These,
// not the config's market.instruments, are what the variant's orders are rounded to: a config that
// disagrees with the exchange would size orders it refuses, or stops it moves. A symbol the broker does
// not trade stops the start, naming it.
import { ConfigError } from '../config/config-error.ts';
import type { SigilConfig } from '../config/load-config.ts';
import { describeError, isSigilError } from '../domain/errors.ts';
import type { EpochMs } from '../domain/ids.ts';
import type { InstrumentSpec } from '../domain/ports/broker.ts';
import type { RemoteAccounts } from './broker-for.ts';

/** Variant id → symbol → the broker's grid; a variant on paper has no entry (its config grid stands). */
export type BrokerGrids = ReadonlyMap<string, ReadonlyMap<string, InstrumentSpec>>;

export async function brokerGrids(
  config: Pick<SigilConfig, 'file' | 'market'>,
  remote: RemoteAccounts,
  now: EpochMs,
): Promise<BrokerGrids> {
  const problems: string[] = [];
  const grids = new Map<string, Map<string, InstrumentSpec>>();
  for (const [variant, account] of remote.byVariant) {
    const bySymbol = new Map<string, InstrumentSpec>();
    for (const symbol of config.market.symbols) {
      try {
        const spec = await account.broker.instrumentSpec(symbol, now);
        if (spec) bySymbol.set(symbol, spec);
      } catch (error) {
        if (!(isSigilError(error) && error.kind === 'rejected')) throw error;
        problems.push(
          `market.symbols: ${symbol} is not tradable on ${account.broker.name} (variant ${variant}): ${describeError(error)}`,
        );
      }
    }
    grids.set(variant, bySymbol);
  }
  if (problems.length > 0) throw new ConfigError(config.file ?? 'built-in defaults', problems);
  return grids;
}
