// The engine's sections: the paper account's fills and the analyst (per variant), and the scheduler's
// cadences (shared by every variant of a process).
import { z } from 'zod';
import { CONFIDENCES } from '../domain/intent.ts';

export const PaperSchema = z.strictObject({
  fee_pct: z.number().min(0).max(10).default(0.1).describe('Paper fee per side, % of the fill value.'),
  slippage_pct: z
    .number()
    .min(0)
    .max(10)
    .default(0)
    .describe('Adverse slippage on paper market entries, % of price (exits fill at the rule price).'),
});

export const AnalystSchema = z.strictObject({
  kind: z
    .enum(['rules'])
    .default('rules')
    .describe('rules: the deterministic analyst (LLM analysts follow).'),
  min_confidence: z
    .enum(CONFIDENCES)
    .default('low')
    .describe('Lowest scanner confidence the rules analyst trades; below it, HOLD.'),
});

const cadence = z
  .string()
  .min(1)
  .describe("An interval ('10m', '60s', '1h') or a cron expression in UTC ('*/5 * * * *').");

export const EngineSchema = z.strictObject({
  janitor_every: cadence.default('10m'),
  equity_every: cadence.default('1m'),
  missed_runs: z
    .enum(['run_once', 'skip'])
    .default('run_once')
    .describe(
      'A job whose run was missed while Sigil was down: run it once at start-up, or skip to the next.',
    ),
});
