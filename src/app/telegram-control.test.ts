// /exit as the chat reads it: before the live bot is up, after a refusal, and the request it makes of the
// live bot's force-exit (the close itself is tested in force-exit.test.ts and src/cli/telegram-control.test.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ForceExitPort, ForceExitRequest } from '../domain/manual-exit.ts';
import { EXIT_NOT_READY, exitText, telegramExit } from './telegram-control.ts';

describe('telegram control: /exit through force-exit', () => {
  it('answers that the bot is starting before the live bot is up, then asks its force-exit', async () => {
    let port: ForceExitPort | null = null;
    const exit = telegramExit(() => port);
    assert.equal(await exit('live', 'all', 'telegram:1'), EXIT_NOT_READY);
    const asked: ForceExitRequest[] = [];
    port = async (request) => {
      asked.push(request);
      return {
        closed: [],
        closedMeanwhile: [],
        failed: [],
        refusal: 'no_position',
        refused: 'live has no open position',
      };
    };
    assert.equal(await exit('live', 'all', 'telegram:1'), 'Not closed: live has no open position');
    assert.deepEqual(asked, [
      { variantId: 'live', symbol: 'all', reason: 'closed from Telegram', actor: 'telegram:1' },
    ]);
  });

  it('says which positions stay open when the broker refused', () => {
    assert.equal(
      exitText('fx', {
        closed: [],
        closedMeanwhile: [],
        failed: [],
        refusal: 'broker',
        refused: 'EURUSD (p1): broker unreachable — the position stays open',
      }),
      'Not closed: EURUSD (p1): broker unreachable — the position stays open',
    );
    assert.equal(exitText('fx', { closed: [], closedMeanwhile: [], failed: [] }), 'fx: nothing to close');
  });
});
