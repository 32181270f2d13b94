// Every `docs/….md` the README, the docs and the sources point a reader to exists in the repository: a
// fresh clone has no ../shared, so a reference to a file outside it is a dead end.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function files(dir: string, suffixes: readonly string[]): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && suffixes.some((suffix) => entry.name.endsWith(suffix)))
    .map((entry) => join(entry.parentPath, entry.name));
}

it('every docs/*.md referenced from the README, the docs and the sources exists', () => {
  const readers = [
    join(ROOT, 'README.md'),
    ...files(join(ROOT, 'docs'), ['.md']),
    ...files(join(ROOT, 'src'), ['.ts', '.js']),
    ...files(join(ROOT, 'examples'), ['.ts', '.yaml']),
    ...files(join(ROOT, 'config'), ['.yaml']),
  ];
  const dangling: string[] = [];
  let seen = 0;
  for (const file of readers) {
    for (const [reference] of readFileSync(file, 'utf8').matchAll(/\bdocs\/[\w.-]+\.md\b/g)) {
      seen++;
      if (!existsSync(join(ROOT, reference))) dangling.push(`${relative(ROOT, file)} → ${reference}`);
    }
  }
  assert.ok(seen > 20, `only ${seen} references found: the scan reads the wrong files`);
  assert.deepEqual(dangling, []);
});
