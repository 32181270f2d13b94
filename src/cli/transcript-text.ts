// An LLM or HTTP decision as `sigil intents show` prints it: where it came from, what it cost, and
// each role's answer in the order they spoke — the debate, readable.
import type { AgentState, TranscriptEntry } from '../analyst/transcript.ts';

export function transcriptText(state: AgentState, options: { prompts?: boolean } = {}): string {
  const t = state.totals;
  const lines = [
    `Analysis: ${state.analyst} via ${state.endpoint}, decided by ${state.source}` +
      (state.fallbackReason ? ` (${state.fallbackReason})` : ''),
    `  ${t.calls} call(s), ${t.cachedCalls} from the cache, ${t.inputTokens} tokens in, ${t.outputTokens} out, ` +
      `$${t.costUsd.toFixed(4)}, ${(t.latencyMs / 1000).toFixed(1)} s`,
  ];
  for (const entry of state.transcript) {
    lines.push('', heading(entry));
    if (options.prompts)
      lines.push(indent(`[system] ${entry.system}\n[prompt]\n${entry.prompt}`), '  [answer]');
    lines.push(indent(answerText(entry) || '(empty answer)'));
  }
  return lines.join('\n');
}

/** A JSON answer (a verdict) pretty-printed; prose as it came. */
function answerText(entry: TranscriptEntry): string {
  if (entry.structured != null) return JSON.stringify(entry.structured, null, 2);
  const text = entry.text.trim();
  if (!text.startsWith('{')) return text;
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function heading(e: TranscriptEntry): string {
  const role = e.round === undefined ? e.role : `${e.role} (round ${e.round})`;
  const cost = e.cached ? 'cached' : `$${e.costUsd.toFixed(4)}, ${e.latencyMs} ms`;
  return `── ${role} · ${e.model} · ${e.inputTokens} in / ${e.outputTokens} out · ${cost}`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
