// The variant a command names, refused unless it is known: a typo must not halt, lock or resume a variant
// nobody runs.
import type { AppContext } from '../../app/app-context.ts';
import { selectVariants } from '../../app/engine-for.ts';
import { variantsInStore } from '../../app/store-variants.ts';
import { FatalError } from '../../domain/errors.ts';
import { variantId, type VariantId } from '../../domain/ids.ts';
import type { Store } from '../../domain/ports/store.ts';

/** One the configuration (--config, or the built-in one) defines. */
export function configuredVariant(context: AppContext, name: string): VariantId {
  const [variant] = selectVariants(context.config, [name]);
  if (!variant) throw new Error(`selectVariants returned nothing for ${name}`);
  return variant.id;
}

/**
 * With --config, one it defines; without, one the store holds — the built-in "baseline" only for a
 * store that holds none yet.
 */
export async function knownVariant(context: AppContext, store: Store, name: string): Promise<VariantId> {
  if (context.config.file !== null) return configuredVariant(context, name);
  const held = await variantsInStore(store);
  const known = held.length > 0 ? held : context.config.variants.map((v) => v.id as string);
  if (known.includes(name)) return variantId(name);
  // Code 'config': the command was not run (exit 2), as for a variant the config does not define.
  throw new FatalError(
    'config',
    `no variant "${name}" in the store at ${context.storeUrl} (variants: ${known.join(', ')}); --config FILE checks against a config's variants instead`,
  );
}
