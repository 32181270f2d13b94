// A decision is stored on its intent, listed by `sigil intents show` and served by the API, so every
// string of it — the reason of a fallback, the transcript's prompts and answers, the verdict's rationale —
// goes through the one redaction first: a proxy or a model may quote a key or a token back.
import type { AnalystDecision } from '../domain/intent.ts';
import { secretRedactor } from '../logging/redaction.ts';

/** A copy of the decision with every string redacted (a decision is plain JSON: strings, numbers, null). */
export function secretFree(decision: AnalystDecision): AnalystDecision {
  const redact = secretRedactor();
  return JSON.parse(JSON.stringify(decision), (_key, value: unknown) =>
    typeof value === 'string' ? redact.text(value) : value,
  ) as AnalystDecision;
}

/** One message (the reason of a fallback), redacted. */
export function secretFreeText(text: string): string {
  return secretRedactor().text(text);
}
