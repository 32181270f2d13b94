// Runs the real `sigil` binary in a child process: what a user types, what they see, the exit code.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/sigil.js', import.meta.url));

export interface SigilRun {
  code: number | null;
  out: string;
  err: string;
}

export function sigil(args: string[], cwd: string): SigilRun {
  const env = { ...process.env };
  delete env.SIGIL_DB;
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

/**
 * The same without blocking this process, for tests that serve the binary meanwhile (a fake chat server
 * receiving its alerts); `env` adds variables to the child's environment.
 */
export function sigilAsync(args: string[], cwd: string, env: Record<string, string> = {}): Promise<SigilRun> {
  const childEnv = { ...process.env, ...env };
  delete childEnv.SIGIL_DB;
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: childEnv });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, out, err }));
  });
}
