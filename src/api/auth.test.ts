// The bearer-token rule on its own: no token configured disables mutations; anything but the exact
// token is 401; the answers never carry the token.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { authorizeMutation, MUTATIONS_DISABLED } from './auth.ts';

describe('authorizeMutation', () => {
  it('disables mutations when no token is configured', () => {
    assert.deepEqual(authorizeMutation('Bearer x', null), {
      ok: false,
      status: 403,
      error: MUTATIONS_DISABLED,
    });
    assert.equal(authorizeMutation('Bearer ', '').ok, false);
  });

  it('accepts only the exact bearer token', () => {
    assert.deepEqual(authorizeMutation('Bearer XyZ-123', 'XyZ-123'), { ok: true });
    for (const header of [
      undefined,
      '',
      'Bearer',
      'bearer xyz-123',
      'Bearer XyZ-1234',
      'Basic XyZ-123',
      'Bearer XyZ-12',
    ]) {
      const result = authorizeMutation(header, 'XyZ-123');
      assert.equal(result.ok ? 200 : result.status, 401, String(header));
      assert.ok(result.ok || !result.error.includes('XyZ-123'));
    }
  });
});
