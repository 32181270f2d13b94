// Before a live start: a variant under prop-firm rules measures every limit from
// account.starting_balance_usd, so it must be the account's real size. The broker's balance is compared
// with that size plus the P&L Sigil has booked there; far apart (another account, a wrong size), the
// start is refused, since every daily and maximum loss level would be measured from the wrong number.
import { ConfigError } from '../config/config-error.ts';
import type { SigilConfig, Variant } from '../config/load-config.ts';
import type { EpochMs } from '../domain/ids.ts';
import type { Store } from '../domain/ports/store.ts';
import { money } from '../compliance/format.ts';
import type { RemoteAccounts } from './broker-for.ts';

/** Swaps, commissions and trades outside Sigil move a balance; a different account moves it far more. */
const TOLERANCE = 0.05;

export async function checkAccountSizes(
  config: SigilConfig,
  variants: readonly Variant[],
  remote: RemoteAccounts,
  store: Store,
  now: EpochMs,
): Promise<void> {
  const problems: string[] = [];
  for (const variant of variants) {
    const account = remote.byVariant.get(variant.id);
    if (!account || variant.settings.compliance.preset === 'none') continue;
    const size = variant.settings.account.starting_balance_usd;
    const expected = size + (await store.realizedTotal(variant.id));
    const { balance } = await account.broker.account(now);
    if (Math.abs(balance - expected) > size * TOLERANCE) {
      problems.push(
        `variants.${variant.id}.account.starting_balance_usd: ${money(size)} plus the ${money(expected - size)} ` +
          `Sigil booked is ${money(expected)}, but ${account.broker.name} reports a balance of ${money(balance)}; ` +
          'set the account size the firm measures its limits from',
      );
    }
  }
  if (problems.length > 0) throw new ConfigError(config.file ?? 'built-in defaults', problems);
}
