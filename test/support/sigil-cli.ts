// Runs the real `sigil` binary in a child process: what a user types, what they see, the exit code.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
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

/**
 * Starts a command that serves the dashboard (`run`, `dashboard`) and resolves with the address it
 * prints, leaving it running; the caller stops it (SIGINT) and awaits its exit.
 */
export function sigilServing(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; url: string }> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.SIGIL_DB;
  if (!('SIGIL_API_TOKEN' in env)) delete childEnv.SIGIL_API_TOKEN;
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /Dashboard: (http:\/\/\S+?)\/?\s/.exec(out);
      if (match?.[1]) resolve({ child, url: match[1] });
    });
    child.once('exit', (code) =>
      reject(new Error(`sigil ${args.join(' ')} exited (${code}) before serving: ${out}${err}`)),
    );
  });
}
