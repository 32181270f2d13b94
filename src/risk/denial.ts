// Guards answer with a reason instead of throwing: a refusal is an outcome to record, not an accident.

export interface Denial {
  ok: false;
  /** Stable machine-readable code (`below_min_qty`, `stop_on_wrong_side`, …). */
  code: string;
  /** What an operator reads in the audit trail, with the numbers that decided it. */
  message: string;
}

export type Verdict<T> = ({ ok: true } & T) | Denial;

export function deny(code: string, message: string): Denial {
  return { ok: false, code, message };
}
