// Runs the real `sigil` binary in a child process: what a user types, what they see, the exit code.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/sigil.js', import.meta.url));

export function sigil(args: string[], cwd: string): { code: number | null; out: string; err: string } {
  const env = { ...process.env };
  delete env.SIGIL_DB;
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env });
  return { code: result.status, out: result.stdout, err: result.stderr };
}
