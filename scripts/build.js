// `npm run build` (also run by `npm install` / `npm ci` as `prepare`, and before `npm test` and `npm start`):
// compiles src/ into dist/ with tsc -p tsconfig.build.json, then stamps dist/ with the digest of the
// sources it compiled (build-digest.js), which is what lets bin/sigil.js run dist/.
//
// - Nothing changed since the last build: the digest says so and tsc is not started (~0.1 s instead of
//   the ~1.1 s an incremental tsc takes to find nothing to do). Otherwise tsc --incremental re-emits only
//   what changed (tsbuildinfo in dist/).
// - The stamp is removed before tsc runs and written only when it succeeded, with the digest taken
//   before it started: a file edited while tsc runs leaves dist/ marked stale, never current.
// - Builds take turns (dist/.build.lock): two builds of different sources interleaving their writes could
//   otherwise leave one's files under the other's stamp. Engineers share this working tree.
// Plain JavaScript so it runs before anything is compiled and without tsx.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { builtDigest, DIST, ROOT, sourceDigest, STAMP } from './build-digest.js';

const LOCK = `${DIST}.build.lock`;
/** A build holding the lock longer than this is waited for no more: something is wrong with it. */
const LOCK_WAIT_MS = 300_000;

function tscPath() {
  try {
    return createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    return null;
  }
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** Runs `fn` holding the build lock; a lock left by a build that died is taken over. */
function withLock(fn) {
  mkdirSync(DIST, { recursive: true });
  const deadline = performance.now() + LOCK_WAIT_MS;
  let told = false;
  for (;;) {
    try {
      writeFileSync(LOCK, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    let holder = NaN;
    try {
      holder = Number(readFileSync(LOCK, 'utf8'));
    } catch {
      continue; // released meanwhile
    }
    // An empty file is a lock being written this instant: its holder is alive.
    if (Number.isInteger(holder) && holder > 0 && !alive(holder)) {
      rmSync(LOCK, { force: true });
      continue;
    }
    if (performance.now() > deadline) throw new Error(`${LOCK} held by process ${holder} for too long`);
    if (!told) console.error(`sigil build: waiting for the build in process ${holder}…`);
    told = true;
    sleep(100);
  }
  try {
    return fn();
  } finally {
    rmSync(LOCK, { force: true });
  }
}

function build() {
  const started = performance.now();
  // Taken under the lock: a build that just finished may have made this one unnecessary.
  const digest = sourceDigest();
  if (builtDigest() === digest) {
    console.error('sigil build: dist/ is up to date');
    return 0;
  }
  const tsc = tscPath();
  if (tsc === null) {
    // An install without devDependencies (npm ci --omit=dev) has no compiler: bin/sigil.js then runs the
    // sources through tsx, and says so on each start.
    console.error('sigil build: typescript is not installed, dist/ is not built; bin/sigil.js will use tsx');
    return process.env.npm_lifecycle_event === 'prepare' ? 0 : 1;
  }
  rmSync(STAMP, { force: true });
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    console.error('sigil build: tsc failed; dist/ is not marked current, so bin/sigil.js will use tsx');
    return result.status ?? 1;
  }
  writeFileSync(STAMP, `${digest}\n`);
  console.error(
    `sigil build: compiled src/ into dist/ in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return 0;
}

process.exitCode = withLock(build);
