// Execution jitter, the blueprint's measure against "same strategy on several accounts": each intent gets
// a small delay and a smaller size. Deterministic from seed + intent id, so a retry after a crash sends
// the same order it would have sent the first time.
import type { FirmRules } from './firm-rules.ts';

export interface ExecutionJitter {
  /** Integer in [0, maxDelayMs]. */
  delayMs: number;
  /** In [1 − maxSizeOffsetPct/100, 1]: only ever smaller, never more risk than sized. */
  sizeFactor: number;
}

/**
 * cyrb53 (bryc, public domain): a fast 53-bit string hash with good avalanche, scaled to [0, 1).
 * Not cryptographic; it only has to differ between accounts and repeat for one key.
 */
function uniform(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  const hash = 4294967296 * (2097151 & h2) + (h1 >>> 0);
  return hash / 2 ** 53;
}

export function executionJitter(jitter: FirmRules['jitter'], key: string): ExecutionJitter {
  // Separate streams for delay and size, so the two numbers are independent of each other.
  const base = `${jitter.seed}\u0000${key}`;
  const maxDelay = Math.max(0, Math.floor(jitter.maxDelayMs));
  const maxOffset = Math.min(100, Math.max(0, jitter.maxSizeOffsetPct)) / 100;
  return {
    delayMs: Math.floor(uniform(`${base}\u0000delay`) * (maxDelay + 1)),
    sizeFactor: 1 - uniform(`${base}\u0000size`) * maxOffset,
  };
}
