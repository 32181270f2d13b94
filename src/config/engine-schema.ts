// The engine's sections: the paper account's fills (per variant) and the scheduler's
// cadences (shared by every variant of a process).
import { z } from 'zod';

export const PaperSchema = z.strictObject({
  fee_pct: z.number().min(0).max(10).default(0.1).describe('Paper fee per side, % of the fill value.'),
  slippage_pct: z
    .number()
    .min(0)
    .max(10)
    .default(0)
    .describe('Adverse slippage on paper market entries, % of price (exits fill at the rule price).'),
});

const cadence = z
  .string()
  .min(1)
  .describe("An interval ('10m', '60s', '1h') or a cron expression in UTC ('*/5 * * * *').");

export const EngineSchema = z.strictObject({
  analyst_workers: z
    .int()
    .min(1)
    .max(64)
    .default(4)
    .describe('Intents decided at once in a bar (an LLM decision waits seconds on its provider).'),
  janitor_every: cadence.default('10m'),
  equity_every: cadence.default('1m'),
  execute_every: cadence
    .default('5s')
    .describe(
      'Live: how often the bot looks for intents decided by analyst processes elsewhere (in-process decisions execute at once).',
    ),
  owner_lease_s: z
    .number()
    .min(1)
    .max(600)
    .default(15)
    .describe(
      "How long a process's ownership of its variants lasts unless renewed (every third of it): a standby takes over within this after the owner dies.",
    ),
  missed_runs: z
    .enum(['run_once', 'skip'])
    .default('run_once')
    .describe(
      'A job whose run was missed while Sigil was down: run it once at start-up, or skip to the next.',
    ),
});
