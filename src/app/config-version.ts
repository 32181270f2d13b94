// A short fingerprint of the configuration a process runs: processes sharing a store compare theirs, so
// an analyst process left on an older config cannot decide intents by rules the owner no longer uses.
import { createHash } from 'node:crypto';
import type { SigilConfig } from '../config/load-config.ts';

/**
 * Of what decides trades — every variant's settings and the market — after parsing (defaults applied),
 * so the same settings written differently match. Not of what may differ between hosts sharing a store:
 * where the file and the candle folder are, the store's URL, the process's own workers and API port.
 */
export function configVersion(config: SigilConfig): string {
  const { data: _data, ...market } = config.market;
  const decisive = { market, variants: config.variants };
  return createHash('sha256').update(stableJson(decisive)).digest('hex').slice(0, 12);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
