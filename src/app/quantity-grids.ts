// Before a live start: each symbol's configured quantity grid (market.instruments) must fit the grid of
// every real broker that trades it. A finer step or a smaller minimum would size orders the broker
// refuses, one rejected intent at a time; the start is refused instead, naming the key and the
// broker's numbers.
import { ConfigError } from '../config/config-error.ts';
import type { SigilConfig } from '../config/load-config.ts';
import { describeError, isSigilError } from '../domain/errors.ts';
import type { EpochMs } from '../domain/ids.ts';
import type { RemoteAccounts } from './broker-for.ts';
import { instrumentFor } from './instrument-for.ts';

const EPSILON = 1e-9;

export async function checkQuantityGrids(
  config: SigilConfig,
  remote: RemoteAccounts,
  now: EpochMs,
): Promise<void> {
  const problems: string[] = [];
  for (const [variant, account] of remote.byVariant) {
    for (const symbol of config.market.symbols) {
      let grid;
      try {
        grid = await account.broker.quantityGrid(symbol, now);
      } catch (error) {
        if (isSigilError(error) && error.kind === 'rejected') {
          problems.push(
            `market.symbols: ${symbol} is not tradable on ${account.broker.name} (variant ${variant}): ${describeError(error)}`,
          );
          continue;
        }
        throw error;
      }
      if (!grid) continue;
      const mine = instrumentFor(config.market, symbol);
      const key = `market.instruments.${symbol}`;
      const steps = mine.qtyStep / grid.qtyStep;
      if (Math.abs(steps - Math.round(steps)) > EPSILON * Math.max(1, steps) || steps < 1 - EPSILON) {
        problems.push(
          `${key}.qty_step: ${mine.qtyStep} is not a multiple of ${account.broker.name}'s step ${grid.qtyStep} (variant ${variant}); use ${grid.qtyStep}`,
        );
      }
      if (mine.minQty < grid.minQty - EPSILON) {
        problems.push(
          `${key}.min_qty: ${mine.minQty} is under ${account.broker.name}'s minimum ${grid.minQty} (variant ${variant}); use ${grid.minQty}`,
        );
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(config.file ?? 'built-in defaults', problems);
}
