// The multi-agent LLM analyst, TradingAgents' debate without its faults: a market analyst reads computed
// indicators, a bull and a bear argue for N rounds, a trader proposes, a risk manager reviews, and a
// final verdict comes back as validated JSON. Every call is cached, metered against the daily budget and
// kept in the transcript; sizing never comes from here.
import type { AnalystSettings, ChainRole } from '../../config/analyst-schema.ts';
import type { EpochMs } from '../../domain/ids.ts';
import type { TradeIntent } from '../../domain/intent.ts';
import type { MarketBrief } from '../market-brief.ts';
import { RemoteAnalyst, UnreadableVerdictError, type RemoteAnalystOptions } from '../remote-analyst.ts';
import type { DecisionSource, TranscriptEntry } from '../transcript.ts';
import { readVerdict, verdictJsonSchema, type Verdict, type VerdictContext } from '../verdict.ts';
import { repairPrompt, rolePrompt, ROLE_SYSTEM, type ChainNotes } from './chain-prompts.ts';
import type { LlmRequest } from './llm-client.ts';
import type { MeteredModel } from './metered-model.ts';

const DEEP_ROLES: ReadonlySet<string> = new Set(['risk_manager', 'verdict', 'verdict_retry']);

export class LlmAnalyst extends RemoteAnalyst {
  readonly name = 'llm';
  private readonly roles: ReadonlySet<ChainRole>;

  constructor(
    private readonly model: MeteredModel,
    private readonly settings: Pick<
      AnalystSettings,
      | 'quick_model'
      | 'deep_model'
      | 'temperature'
      | 'max_output_tokens'
      | 'structured_output'
      | 'roles'
      | 'debate_rounds'
    >,
    remote: RemoteAnalystOptions,
  ) {
    super(remote);
    this.roles = new Set(settings.roles);
  }

  get endpoint(): string {
    return this.model.endpoint;
  }

  protected async consult(
    _intent: TradeIntent,
    brief: MarketBrief,
    levels: VerdictContext,
    now: EpochMs,
    signal: AbortSignal,
    transcript: TranscriptEntry[],
  ): Promise<{ verdict: Verdict; source: DecisionSource }> {
    const notes: ChainNotes = { debate: [] };
    const ask = async (role: string, request: LlmRequest, round?: number) => {
      const entry = await this.model.call(role, request, now, signal, round);
      transcript.push(entry);
      return entry;
    };
    const speak = async (role: ChainRole, round?: number) =>
      (await ask(role, this.request(role, rolePrompt(role, brief, notes)), round)).text;

    if (this.roles.has('market')) notes.market = await speak('market');
    for (let round = 1; round <= this.settings.debate_rounds; round++) {
      if (!this.roles.has('bull') && !this.roles.has('bear')) break;
      const turn: ChainNotes['debate'][number] = { round };
      notes.debate.push(turn);
      if (this.roles.has('bull')) turn.bull = await speak('bull', round);
      if (this.roles.has('bear')) turn.bear = await speak('bear', round);
    }
    if (this.roles.has('trader')) notes.trader = await speak('trader');
    if (this.roles.has('risk_manager')) notes.riskManager = await speak('risk_manager');

    const verdictRequest = this.request('verdict', rolePrompt('verdict', brief, notes));
    let answer = await ask('verdict', verdictRequest);
    let read = readVerdict(answer.structured ?? answer.text, levels);
    if (!read.ok) {
      // One more chance, told what was wrong: models that wrap JSON in prose usually comply when asked.
      const retry = {
        ...verdictRequest,
        prompt: repairPrompt(verdictRequest.prompt, answer.text, read.reason),
      };
      answer = await ask('verdict_retry', retry);
      read = readVerdict(answer.structured ?? answer.text, levels);
      if (!read.ok) throw new UnreadableVerdictError(read.reason);
    }
    return { verdict: read.verdict, source: transcript.every((e) => e.cached) ? 'cache' : 'llm' };
  }

  private request(role: ChainRole | 'verdict', prompt: string): LlmRequest {
    const { settings } = this;
    return {
      model: DEEP_ROLES.has(role) ? settings.deep_model : settings.quick_model,
      system: ROLE_SYSTEM[role],
      prompt,
      maxOutputTokens: settings.max_output_tokens,
      temperature: settings.temperature,
      ...(role === 'verdict' && settings.structured_output
        ? {
            structured: {
              name: 'verdict',
              description: 'The final trading decision.',
              schema: verdictJsonSchema(),
            },
          }
        : {}),
    };
  }
}
