// Which level and format a process logs with: the flag, else the environment, else info and a format
// chosen by whether stderr is a terminal; a typo stops the command instead of falling back.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FatalError } from '../domain/errors.ts';
import { logSettings } from './log-settings.ts';

describe('logSettings', () => {
  it('defaults to info, pretty on a terminal and JSON lines otherwise', () => {
    assert.deepEqual(logSettings({ env: {}, isTTY: true }), { level: 'info', format: 'pretty' });
    assert.deepEqual(logSettings({ env: {}, isTTY: false }), { level: 'info', format: 'json' });
  });

  it('takes SIGIL_LOG_LEVEL and SIGIL_LOG_FORMAT, and the flags over them', () => {
    const env = { SIGIL_LOG_LEVEL: 'debug', SIGIL_LOG_FORMAT: 'json' };
    assert.deepEqual(logSettings({ env, isTTY: true }), { level: 'debug', format: 'json' });
    assert.deepEqual(logSettings({ env, isTTY: false, level: 'warn', format: 'pretty' }), {
      level: 'warn',
      format: 'pretty',
    });
  });

  it('refuses an unknown value, naming where it came from (exit 2)', () => {
    assert.throws(
      () => logSettings({ env: { SIGIL_LOG_LEVEL: 'verbose' }, isTTY: false }),
      (error: unknown) =>
        error instanceof FatalError &&
        error.code === 'config' &&
        /SIGIL_LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent, got "verbose"/.test(
          error.message,
        ),
    );
    assert.throws(() => logSettings({ env: {}, isTTY: false, format: 'xml' }), /--log-format must be one of/);
  });
});
