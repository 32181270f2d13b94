// `configuredVariant`: the variant a command names, refused unless the configuration defines it.
import type { AppContext } from '../../app/app-context.ts';
import { selectVariants } from '../../app/engine-for.ts';
import type { VariantId } from '../../domain/ids.ts';

/** A typo must not halt (or resume) a variant nobody runs. */
export function configuredVariant(context: AppContext, name: string): VariantId {
  const [variant] = selectVariants(context.config, [name]);
  if (!variant) throw new Error(`selectVariants returned nothing for ${name}`);
  return variant.id;
}
