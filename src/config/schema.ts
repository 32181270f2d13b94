// The configuration file's schema. Secrets never live here: the schema has no key for one, and a
// database URL carrying a password is refused (put it in SIGIL_DB or PGPASSWORD instead).
import { z } from 'zod';

const wholeNumber = (min: number) => z.number().int().min(min);

/** How intents move through the store. Each variant may override any of it. */
export const PipelineSchema = z.strictObject({
  claim_ttl_minutes: wholeNumber(1)
    .default(30)
    .describe('Lease of an analyst on a claimed intent; the janitor recycles it after this.'),
  max_claim_attempts: wholeNumber(1)
    .default(3)
    .describe('An intent whose lease expired this many times is abandoned (cancelled) instead of requeued.'),
  intent_expiry_hours: z
    .number()
    .positive()
    .default(4)
    .describe('A signal not acted on within this many hours is cancelled as stale.'),
  retention_days: z
    .number()
    .positive()
    .default(30)
    .describe(
      'Finished intents (closed, cancelled, rejected, failed) and their records are deleted after this.',
    ),
});

/** Everything a variant may override, section by section. Later sections (risk, scanner…) join here. */
export const VARIANT_SECTIONS = {
  pipeline: PipelineSchema,
} as const;

export const VariantSettingsSchema = z.strictObject({
  pipeline: PipelineSchema.prefault({}),
});
export type VariantSettings = z.infer<typeof VariantSettingsSchema>;

/** An overlay names only what it changes: each section is optional and each key in it too. */
const VariantOverlaySchema = z.strictObject(
  Object.fromEntries(
    Object.entries(VARIANT_SECTIONS).map(([name, schema]) => [name, schema.partial().optional()]),
  ) as {
    [K in keyof typeof VARIANT_SECTIONS]: z.ZodOptional<ReturnType<(typeof VARIANT_SECTIONS)[K]['partial']>>;
  },
);

export const VARIANT_NAME = /^[a-z][a-z0-9_-]{0,31}$/;

const StoreSchema = z.strictObject({
  url: z
    .string()
    .regex(/^(sqlite:|postgres(ql)?:\/\/)/, 'expected sqlite:PATH or postgres://user@host:5432/database')
    .refine((url) => !/^postgres(ql)?:\/\/[^/@]*:[^/@]*@/.test(url), {
      message:
        'must not contain a password; set the URL in the SIGIL_DB environment variable (or .env) or use PGPASSWORD',
    })
    .optional()
    .describe('Database URL; --db and SIGIL_DB take precedence. Default: sqlite:.sigil/sigil.db'),
});

export const ConfigFileSchema = z.strictObject({
  store: StoreSchema.prefault({}),
  pipeline: PipelineSchema.prefault({}),
  variants: z
    .record(
      z.string().regex(VARIANT_NAME, 'variant names are 1-32 lower-case letters, digits, _ or -'),
      VariantOverlaySchema.nullable(),
    )
    .optional()
    .describe(
      'Named overlays of the settings above; each runs side by side. Default: one variant, "baseline".',
    ),
});
export type ConfigFile = z.infer<typeof ConfigFileSchema>;
