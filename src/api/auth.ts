// Bearer-token check for the mutating endpoints. The token comes from the environment (SIGIL_API_TOKEN);
// without one, mutations stay off rather than open, and no answer ever contains the token.
import { createHash, timingSafeEqual } from 'node:crypto';

export type AuthResult = { ok: true } | { ok: false; status: 401 | 403; error: string };

export const MUTATIONS_DISABLED = 'mutations are disabled: set SIGIL_API_TOKEN';

export function authorizeMutation(header: string | undefined, token: string | null): AuthResult {
  if (token === null || token === '') return { ok: false, status: 403, error: MUTATIONS_DISABLED };
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!match?.[1]) return { ok: false, status: 401, error: 'missing bearer token' };
  // Hashing first gives equal lengths, so the comparison takes the same time whatever was sent.
  if (!timingSafeEqual(digest(match[1]), digest(token))) {
    return { ok: false, status: 401, error: 'invalid bearer token' };
  }
  return { ok: true };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
