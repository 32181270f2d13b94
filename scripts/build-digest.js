// Whether dist/ was compiled from the sources as they are now. The build (scripts/build.js) writes the
// digest of its inputs to dist/.source-digest once tsc has succeeded; bin/sigil.js compares it with the
// digest of the files on disk before it runs anything from dist/.
//
// A digest of the contents, not a comparison of modification times: a copy that keeps old times (rsync -a,
// tar, cp -p, a restored backup) must not pass for a build, and a file touched without a change must not
// force one. Reading and hashing the ~260 compiled files (~1 MB) costs ~7 ms on this machine's 2 cores,
// the mtime walk ~3 ms: the difference is worth never starting a trading bot on stale code.
// Plain JavaScript: bin/sigil.js imports it before anything is compiled.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const DIST = `${ROOT}dist/`;
export const STAMP = `${DIST}.source-digest`;

/**
 * What tsconfig.build.json compiles — the .ts files under src/ but tests and contract suites (build.test.ts
 * holds this list equal to tsc's) — and the two tsconfig files whose options shape the output.
 */
export function buildInputs() {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(`${ROOT}${dir}`, { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (compiled(entry.name)) files.push(path);
    }
  };
  walk('src');
  return [...files.sort(), 'tsconfig.json', 'tsconfig.build.json'];
}

function compiled(name) {
  return name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.contract.ts');
}

/** The digest of every build input's path and contents. */
export function sourceDigest() {
  const hash = createHash('sha256');
  for (const file of buildInputs()) {
    const text = readFileSync(`${ROOT}${file}`);
    hash.update(`${file}\0${text.length}\0`);
    hash.update(text);
  }
  return hash.digest('hex');
}

/** The digest the last successful build wrote, or null when there is none (never built, or failed). */
export function builtDigest() {
  try {
    return readFileSync(STAMP, 'utf8').trim();
  } catch (error) {
    if (error.code === 'ENOENT') return null;
    throw error;
  }
}

export function buildIsCurrent() {
  return builtDigest() === sourceDigest();
}
