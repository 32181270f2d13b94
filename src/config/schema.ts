// The configuration file's schema. Secrets never live here: the schema has no key for one, a database
// URL carrying a password is refused (put it in SIGIL_DB or PGPASSWORD instead), and so is any other URL
// carrying credentials (secret-keys.ts).
import { z } from 'zod';
import { TIMEFRAMES } from '../domain/candle.ts';
import { ALL_SYMBOLS } from '../domain/protection.ts';
import { POSTURE_NAMES } from '../scanners/micro/postures.ts';
import { AlertsSchema } from './alerts-schema.ts';
import { AnalystSchema, checkAnalyst } from './analyst-schema.ts';
import { ApiSchema } from './api-schema.ts';
import { BrokerSchema } from './broker-schema.ts';
import { ComplianceSchema } from './compliance-schema.ts';
import { ControlSchema } from './control-schema.ts';
import { credentialFreeUrl, hasPassword } from './secret-keys.ts';
import { EngineSchema, PaperSchema } from './engine-schema.ts';
import {
  AccountSchema,
  checkRiskBand,
  InstrumentSchema,
  ProtectionsSchema,
  RiskSchema,
} from './risk-schema.ts';

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
  heartbeat_stale_minutes: z
    .number()
    .positive()
    .default(25)
    .describe(
      'sigil probe: minutes a scan may be late: a variant whose last scan ended (or whose running scan started) more than one bar plus this ago is stale and halted.',
    ),
  waiting_alert_minutes: z
    .number()
    .min(0)
    .default(15)
    .describe(
      'The live bot alerts (intents_waiting) when an intent has waited this long for an analyst: the workers stuck, or too few for the signals. 0 = off.',
    ),
});

/** Which scanner a variant runs and how. A posture is a named parameter set; keys given here override it. */
export const ScannerSchema = z.strictObject({
  rule: z
    .enum(['breakout', 'ranking'])
    .default('breakout')
    .describe(
      'breakout: the micro-scanner; ranking: the top-K of a model ranking the universe (daily bars).',
    ),
  posture: z.enum(POSTURE_NAMES).default('baseline').describe('Named parameter set (docs/scanners.md).'),
  breakout_lookback: wholeNumber(2)
    .optional()
    .describe("Bars in the breakout window; overrides the posture's."),
  min_volume_ratio: z
    .number()
    .min(0)
    .optional()
    .describe(
      "Breakout bar volume over its 20-bar average must reach this; 0 = off. Overrides the posture's.",
    ),
  atr_period: wholeNumber(1).optional().describe('ATR period carried on signals (default 14).'),
  top_k: wholeNumber(1).default(2).describe('ranking: symbols picked per date.'),
  train_window: wholeNumber(5)
    .default(63)
    .describe('ranking: dates the model is trained on, ending the day before.'),
  high_gap: z
    .number()
    .min(0)
    .default(0.0005)
    .describe('ranking: score gap at or above which confidence is high.'),
  medium_gap: z
    .number()
    .min(0)
    .default(0.00015)
    .describe('ranking: score gap at or above which confidence is medium.'),
  model: z
    .string()
    .min(1)
    .optional()
    .describe(
      'ranking: a LightGBM text model trained elsewhere (relative to the config file) instead of a random forest.',
    ),
  module: z
    .string()
    .min(1)
    .optional()
    .describe(
      'A strategy file of your own (.ts, .js, .mjs; relative to the config file), instead of `rule` (docs/strategies.md).',
    ),
  params: z
    .record(z.string(), z.unknown())
    .optional()
    .describe("The strategy's parameters, checked against the schema it declares."),
  max_error_bars: wholeNumber(1)
    .default(3)
    .describe(
      'A strategy that fails (throws, or answers what Sigil cannot trade) on this many bars in a row trips its variant’s kill switch.',
    ),
});

/** Everything a variant may override, section by section. */
export const VARIANT_SECTIONS = {
  pipeline: PipelineSchema,
  scanner: ScannerSchema,
  risk: RiskSchema,
  protections: ProtectionsSchema,
  account: AccountSchema,
  paper: PaperSchema,
  analyst: AnalystSchema,
  compliance: ComplianceSchema,
  broker: BrokerSchema,
} as const;

/** The same sections, each filled with its defaults when absent: the base file and a resolved variant. */
const SECTIONS_WITH_DEFAULTS = {
  pipeline: PipelineSchema.prefault({}),
  scanner: ScannerSchema.prefault({}),
  risk: RiskSchema.prefault({}),
  protections: ProtectionsSchema.prefault({}),
  account: AccountSchema.prefault({}),
  paper: PaperSchema.prefault({}),
  analyst: AnalystSchema.prefault({}),
  compliance: ComplianceSchema.prefault({}),
  broker: BrokerSchema.prefault({}),
} satisfies Record<keyof typeof VARIANT_SECTIONS, z.ZodType>;

export const VariantSettingsSchema = z
  .strictObject(SECTIONS_WITH_DEFAULTS)
  .superRefine((settings, context) => {
    checkRiskBand(settings.risk, context);
    checkAnalyst(settings.analyst, context);
  });
export type VariantSettings = z.infer<typeof VariantSettingsSchema>;

/**
 * An overlay names only what it changes: each section is optional and each key in it too. The keys'
 * defaults are stripped: zod applies a default even under `.optional()`, which would silently put the
 * default back over a value the base set (the seed's "configured 5 % stop became the 3 % default").
 */
const VariantOverlaySchema = z.strictObject(
  Object.fromEntries(
    Object.entries(VARIANT_SECTIONS).map(([name, schema]) => [name, withoutDefaults(schema).optional()]),
  ) as {
    [K in keyof typeof VARIANT_SECTIONS]: z.ZodOptional<
      z.ZodType<Partial<z.infer<(typeof VARIANT_SECTIONS)[K]>>>
    >;
  },
);

function withoutDefaults(schema: z.ZodObject): z.ZodType {
  const shape = Object.fromEntries(
    Object.entries(schema.shape).map(([key, field]) => [
      key,
      (field instanceof z.ZodDefault ? field.unwrap() : field).optional(),
    ]),
  );
  return z.strictObject(shape);
}

export const VARIANT_NAME = /^[a-z][a-z0-9_-]{0,31}$/;

const StoreSchema = z.strictObject({
  url: z
    .string()
    .regex(/^(sqlite:|postgres(ql)?:\/\/)/, 'expected sqlite:PATH or postgres://user@host:5432/database')
    .superRefine((url, context) => {
      // Not quoted back: the password is the secret.
      if (hasPassword(url)) {
        context.addIssue({
          code: 'custom',
          message:
            'must not contain a password: put the whole URL in the SIGIL_DB environment variable (or .env), or the password in PGPASSWORD',
          input: undefined,
        });
      }
    })
    .optional()
    .describe('Database URL; --db and SIGIL_DB take precedence. Default: sqlite:.sigil/sigil.db'),
});

/** The candles every variant shares. */
const MarketSchema = z.strictObject({
  data: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Folder (one candle file per symbol) or file to replay; relative to the config file. Default: the bundled data/crypto/1h.',
    ),
  timeframe: z
    .enum(Object.keys(TIMEFRAMES) as [keyof typeof TIMEFRAMES, ...(keyof typeof TIMEFRAMES)[]])
    .default('1h'),
  symbols: z
    .array(z.string().min(1))
    .default([])
    .describe('Symbols to use; empty = every file in the folder.'),
  calendar: z
    .enum(['continuous', 'fx'])
    .default('continuous')
    .describe('fx: weekend closures are not reported as gaps.'),
  instruments: z
    .record(z.string().min(1), InstrumentSchema.partial())
    .default({})
    .superRefine((instruments, context) => {
      // One quote currency for every symbol would book USDJPY's yen as dollars: it is said per symbol.
      if (instruments[ALL_SYMBOLS]?.quote_currency != null) {
        context.addIssue({
          code: 'custom',
          message: "is set per symbol, not under '*' (each symbol's quote currency is its own)",
          input: instruments[ALL_SYMBOLS]?.quote_currency,
          path: [ALL_SYMBOLS, 'quote_currency'],
        });
      }
    })
    .describe("Price and quantity grids per symbol; '*' sets the default for every symbol (docs/risk.md)."),
  feed: z
    .enum(['ccxt', 'match_trader'])
    .default('ccxt')
    .describe(
      "sigil run --live: candles from a ccxt exchange's public API, or from the variants' Match-Trader account (FX).",
    ),
  exchange: z
    .string()
    .min(1)
    .default('binance')
    .describe('sigil run --live: the ccxt exchange whose public candles are polled (no keys needed).'),
  exchange_url: credentialFreeUrl(
    "public candles need none; an account's keys go in the environment variables broker.api_key_env and broker.secret_env name",
  )
    .optional()
    .describe("sigil run --live: replaces the exchange's API origin (a testnet, a proxy)."),
  warmup_bars: z
    .number()
    .int()
    .min(1)
    .default(100)
    .describe('sigil run --live: closed bars fetched at start to warm the indicators; they are not traded.'),
});

export const ConfigFileSchema = z.strictObject({
  store: StoreSchema.prefault({}),
  market: MarketSchema.prefault({}),
  ...SECTIONS_WITH_DEFAULTS,
  engine: EngineSchema.prefault({}),
  alerts: AlertsSchema.prefault({}),
  api: ApiSchema.prefault({}),
  control: ControlSchema.prefault({}),
  variants: z
    .record(
      z.string().regex(VARIANT_NAME, 'variant names are 1-32 lower-case letters, digits, _ or -'),
      VariantOverlaySchema.nullable(),
    )
    // An empty map would run nothing, bar after bar, and say nothing of it.
    .refine((variants) => Object.keys(variants).length > 0, {
      message: 'names no variant: name at least one, or leave the key out for the single "baseline"',
    })
    .optional()
    .describe(
      'Named overlays of the settings above; each runs side by side. Default: one variant, "baseline".',
    ),
});
export type ConfigFile = z.infer<typeof ConfigFileSchema>;
