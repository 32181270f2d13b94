#!/usr/bin/env node
// Starts `sigil` from the JavaScript that `npm run build` compiles into dist/ (npm install, npm test and
// npm start build first): `sigil --help` answers in ~0.1 s, where the TypeScript sources through tsx took
// ~1 s (transpiling some 260 files).
//
// dist/ runs only if it was compiled from the sources as they are now (scripts/build-digest.js: a digest
// of their contents, ~7 ms). Otherwise — never built, or a file edited since — the sources run through
// tsx: slower to start, but the code on disk, never stale code for a trading bot. Refusing to start (exit
// 2, "run npm run build") was the other choice; it would stop a bot restarted after a `git pull` without
// a build, and every test of the binary while a colleague edits a file in this shared tree, for nothing:
// the sources are right there and tsx is a dependency.
//
// A person at a terminal is told why the start is slow. Pipes are not: scripts, tests and log collectors
// read stderr (an error's exact line, JSON log records), and running the current sources is slower,
// never wrong.
import { buildIsCurrent } from '../scripts/build-digest.js';

if (buildIsCurrent()) {
  // --verbose prints stacks: map them to the .ts lines. Only then, since Node reads every module's
  // source map as it loads it once this is on.
  if (process.argv.includes('--verbose')) process.setSourceMapsEnabled(true);
  await import('../dist/cli/main.js');
} else {
  if (process.stderr.isTTY) {
    process.stderr.write(
      'sigil: dist/ is not built from the current sources; running them through tsx (slower start). `npm run build` fixes it.\n',
    );
  }
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
