// Parsing what a chat typed: reads, changes naming this process's variants, and clear refusals.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { changeKey, parseChatCommand, type ChangeCommand } from './chat-command.ts';

const VARIANTS = ['baseline', 'llm'];
const parse = (text: string) => parseChatCommand(text, VARIANTS);

describe('telegram control: chat commands', () => {
  it('reads the read commands, with their optional numbers and a bot name in groups', () => {
    assert.deepEqual(parse('/status'), { kind: 'read', name: 'status' });
    assert.deepEqual(parse('  /Positions@SigilBot  '), { kind: 'read', name: 'positions' });
    assert.deepEqual(parse('/profit'), { kind: 'read', name: 'profit', days: null });
    assert.deepEqual(parse('/profit 30'), { kind: 'read', name: 'profit', days: 30 });
    assert.deepEqual(parse('/daily'), { kind: 'read', name: 'daily', days: 7 });
    assert.deepEqual(parse('/trades'), { kind: 'read', name: 'trades', count: 10 });
    assert.deepEqual(parse('/trades 3'), { kind: 'read', name: 'trades', count: 3 });
    assert.deepEqual(parse('/start'), { kind: 'read', name: 'help' });
    for (const name of ['balance', 'locks', 'help'])
      assert.deepEqual(parse(`/${name}`), { kind: 'read', name });
  });

  it('refuses bad numbers and extra words with the usage', () => {
    assert.deepEqual(parse('/profit 0'), { kind: 'invalid', message: 'usage: /profit [days]' });
    assert.deepEqual(parse('/profit -3'), { kind: 'invalid', message: 'usage: /profit [days]' });
    assert.deepEqual(parse('/profit 1e9'), { kind: 'invalid', message: 'usage: /profit [days]' });
    assert.deepEqual(parse('/trades 51'), { kind: 'invalid', message: 'usage: /trades [count, up to 50]' });
    assert.deepEqual(parse('/status now'), { kind: 'invalid', message: 'usage: /status' });
  });

  it('reads changes naming a variant of this process, and refuses any other', () => {
    assert.deepEqual(parse('/halt baseline'), { kind: 'change', name: 'halt', variant: 'baseline' });
    assert.deepEqual(parse('/stopentries llm'), { kind: 'change', name: 'stopentries', variant: 'llm' });
    assert.deepEqual(parse('/exit llm BTC/USDT'), {
      kind: 'change',
      name: 'exit',
      variant: 'llm',
      symbol: 'BTC/USDT',
    });
    assert.deepEqual(parse('/exit llm ALL'), { kind: 'change', name: 'exit', variant: 'llm', symbol: 'all' });
    assert.deepEqual(parse('/halt'), { kind: 'invalid', message: 'usage: /halt VARIANT' });
    assert.deepEqual(parse('/exit llm'), { kind: 'invalid', message: 'usage: /exit VARIANT SYMBOL|all' });
    assert.deepEqual(parse('/reset other'), {
      kind: 'invalid',
      message: 'no variant "other" in this process; its variants: baseline, llm',
    });
  });

  it('leaves anything else unknown', () => {
    assert.deepEqual(parse('hello'), { kind: 'unknown', text: 'hello' });
    assert.deepEqual(parse('/forcebuy BTC'), { kind: 'unknown', text: '/forcebuy' });
    assert.deepEqual(parse(''), { kind: 'unknown', text: '' });
  });

  it('keys a change by what it does, so the same command typed twice matches', () => {
    const a = parse('/exit llm btc/usdt') as ChangeCommand;
    const b = parse('/exit  llm   btc/usdt') as ChangeCommand;
    assert.equal(changeKey(a), changeKey(b));
    assert.notEqual(changeKey(a), changeKey(parse('/exit llm all') as ChangeCommand));
    assert.notEqual(
      changeKey(parse('/halt llm') as ChangeCommand),
      changeKey(parse('/reset llm') as ChangeCommand),
    );
  });
});
