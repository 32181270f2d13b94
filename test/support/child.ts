// Runs a TypeScript file in a separate Node process (through tsx), as a real second process would.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export function spawnTs(script: string, args: readonly string[]): ChildProcess {
  const file = fileURLToPath(new URL(`./${script}`, import.meta.url));
  return spawn(process.execPath, ['--import', 'tsx', file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Waits for the process to exit 0 and returns what it printed. */
export function runTs(script: string, args: readonly string[]): Promise<string> {
  const child = spawnTs(script, args);
  return collect(child);
}

export function collect(child: ChildProcess): Promise<string> {
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve(out);
      else reject(new Error(`child exited with ${code ?? signal}: ${err.trim()}`));
    });
  });
}

/** Resolves with the first line the process prints. */
export function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const end = out.indexOf('\n');
      if (end >= 0) resolve(out.slice(0, end));
    });
    child.on('exit', (code) =>
      reject(new Error(`child exited (${code}) before printing a line: ${err.trim()}`)),
    );
  });
}
