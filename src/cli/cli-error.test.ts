// What a failed command prints goes through the one redaction: a driver's or an SDK's message may quote
// a URL with its password, a key, or the value of a variable the configuration named as a secret.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FatalError } from '../domain/errors.ts';
import { rememberSecretVariables } from '../logging/redaction.ts';
import { describeFailure, UsageError } from './cli-error.ts';

describe('describeFailure', () => {
  it('never prints a secret, in the message or in the stacks of --verbose', () => {
    process.env.SIGIL_CLI_ERROR_TEST_LOGIN = 'login-value-0123456789';
    rememberSecretVariables(['SIGIL_CLI_ERROR_TEST_LOGIN']);
    try {
      const cause = new Error('connect to postgres://postgres:hunter2secret@db:5432/x refused');
      const failures = [
        new Error('Incorrect API key provided: sk-proj-AbCdEf0123456789xyzXYZ', { cause }),
        new FatalError('config', 'login login-value-0123456789 refused', { cause }),
        new UsageError('bad --db postgres://postgres:hunter2secret@db/x'),
      ];
      for (const failure of failures) {
        for (const verbose of [false, true]) {
          const printed = describeFailure(failure, verbose);
          assert.match(printed, /^sigil: /);
          for (const secret of ['hunter2secret', 'AbCdEf0123456789', 'login-value-0123456789']) {
            assert.ok(!printed.includes(secret), `"${secret}" printed: ${printed}`);
          }
        }
      }
      assert.match(describeFailure(failures[2], false), /postgres:\/\/postgres:\*\*\*@db\/x/);
    } finally {
      delete process.env.SIGIL_CLI_ERROR_TEST_LOGIN;
    }
  });
});
