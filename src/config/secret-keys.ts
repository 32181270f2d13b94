// How the configuration keeps secrets out of itself: a secret lives in an environment variable, which
// an `*_env` key names, and a URL-typed key refuses a URL carrying one (`user:password@`, `?key=…`).
// Neither quotes the value it refuses: configuration errors are printed, and the value may be the secret.
import { z } from 'zod';
import { credentialsIn } from '../logging/redaction.ts';

/** Upper-case letters, digits and _, not starting with a digit: what a shell exports. */
export const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

/** A key naming the environment variable that holds a secret; `example` is a name that would do. */
export function envName(example: string) {
  return z
    .string()
    .regex(
      ENV_NAME,
      `expected the name of an environment variable (e.g. ${example}), not its value: put the secret in that variable`,
    );
}

/**
 * A URL-typed key; one carrying credentials is refused, with `instead` saying where they go (which
 * environment variable). fetch refuses such a URL anyway, so an LLM client given one never made a call.
 */
export function credentialFreeUrl(instead: string) {
  return z.url().superRefine((url, context) => {
    const found = credentialsIn(url);
    if (found !== null) {
      context.addIssue({
        code: 'custom',
        message: `must not carry credentials, found ${found}: ${instead}`,
        input: undefined,
      });
    }
  });
}

/** Whether a store URL carries a password: `postgres://user:password@host/db`, `/` allowed in it. */
export function hasPassword(url: string): boolean {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url);
  if (scheme === null) return false;
  const authority = url.slice(scheme[0].length).split(/[?#]/)[0] ?? '';
  const at = authority.lastIndexOf('@');
  return at >= 0 && authority.slice(0, at).includes(':');
}
