// The backtest's throwaway store lives in a fresh temporary folder, removed when the run ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tempDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'sigil-backtest-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
