// What a SQL row would hold, for the memory store: JSON columns round-tripped through their text (so an
// `undefined` field is dropped, a Date becomes a string, exactly as SQLite would give it back), and the
// schema's CHECK constraints, refused in SQLite's words.
//
// Records are stored frozen and handed out as they are, never copied. Measured (20-field position, Node
// 20): freezing costs ~40 ns once per write, where a copy per read costs ~35 ns per record returned —
// and the hot path reads far more records than it writes (the open positions twice a bar, the jobs, the
// executing intents…). A caller that mutates a returned record fails loudly instead of corrupting the
// store. Updates build each record whole from a literal: `{ ...record, field }` measured ~350 ns.
import { fromJson, toJson } from '../intent-row.ts';

/** The value a JSON TEXT column gives back for `value` (null for null / undefined), deeply frozen. */
export function storedJson(value: unknown): unknown {
  return deepFreeze(fromJson(toJson(value)));
}

/** A JSON text as its column gives it back, deeply frozen. */
export function parsedJson(text: string): unknown {
  return deepFreeze(JSON.parse(text) as unknown);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

/** A CHECK constraint of the SQL schema: the memory store refuses what SQLite would refuse. */
export function check(holds: boolean, constraint: string): void {
  if (!holds) throw new Error(`CHECK constraint failed: ${constraint}`);
}
