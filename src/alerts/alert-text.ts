// The human-readable rendering of an alert for chat sinks, in plain text: no Markdown/HTML parse mode, so
// a symbol or reason with `_`, `*` or `<` can never make Telegram refuse the message.
import type { Alert } from '../domain/ports/alert-sink.ts';

const MARKS = { info: 'ℹ️', warning: '⚠️', critical: '🚨' } as const;

export function alertText(alert: Alert): string {
  const head = `${MARKS[alert.severity]} ${alert.severity.toUpperCase()} · ${alert.title}`;
  const variant = alert.variantId === null ? '' : `variant ${alert.variantId} · `;
  const foot = `${variant}${alert.kind} · ${new Date(alert.at).toISOString()}`;
  return alert.text === '' ? `${head}\n${foot}` : `${head}\n${alert.text}\n${foot}`;
}

/** Cuts `text` to at most `max` UTF-16 units, marking the cut, without splitting a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}
