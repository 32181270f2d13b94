// The runbook cannot drift from the command line: every `sigil …` command in docs/operations.md and
// every ExecStart of the shipped systemd units names a command that exists, with options it has. (What
// each command does is tested where the runbook's table says.)
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { buildProgram } from './program.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUNBOOK = readFileSync(join(ROOT, 'docs/operations.md'), 'utf8');
const UNITS = join(ROOT, 'deploy/systemd');

/**
 * `sigil` invocations — a line of a code block starting with `sigil`, inline code starting with it, or
 * `bin/sigil.js` (units, cron) — up to the end of the command.
 */
function commandLines(text: string): string[] {
  const lines: string[] = [];
  for (const match of text.matchAll(/(?:^sigil|`sigil|bin\/sigil\.js)((?: +[^\s`|>;&)']+)+)/gm)) {
    const args = (match[1] ?? '').trim();
    if (args !== '') lines.push(args);
  }
  return lines;
}

/** The command an argument list runs, and the options it gives (global ones included). */
function check(program: Command, line: string): void {
  const words = line.split(/\s+/);
  let command: Command = program;
  const known = new Set(program.options.map((o) => o.long));
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    if (word.startsWith('--')) {
      const name = word.split('=')[0] as string;
      for (const option of command.options) known.add(option.long);
      assert.ok(known.has(name), `"sigil ${line}": ${name} is not an option of "${command.name()}"`);
      const option = [...program.options, ...command.options].find((o) => o.long === name);
      if (option && (option.required || option.optional) && !word.includes('=')) i++;
      continue;
    }
    const sub = command.commands.find((c) => c.name() === word);
    if (sub) command = sub;
    else if (command === program) assert.fail(`"sigil ${line}": no command "${word}"`);
  }
  assert.notEqual(command, program, `"sigil ${line}" names no command`);
}

describe('the runbook against the command line', () => {
  const program = buildProgram();
  const fromRunbook = commandLines(RUNBOOK).filter((line) => !/^[A-Z]/.test(line));
  const fromUnits = readdirSync(UNITS)
    .filter((file) => file.endsWith('.service'))
    .flatMap((file) =>
      readFileSync(join(UNITS, file), 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('ExecStart='))
        .flatMap((l) => commandLines(l)),
    );

  it('finds the commands it shows', () => {
    assert.ok(fromRunbook.length >= 20, `${fromRunbook.length} command lines`);
    assert.equal(fromUnits.length, 5, 'an ExecStart per unit');
    for (const expected of ['run --live --standby', 'backup', 'store copy', 'run --once', 'status'])
      assert.ok(
        fromRunbook.some((line) => line.includes(expected)),
        `the runbook shows "sigil ${expected}"`,
      );
  });

  it('names only commands and options that exist', () => {
    for (const line of [...fromRunbook, ...fromUnits]) check(program, line);
  });
});
