// The compiled binary: bin/sigil.js runs dist/ only when it was built from the sources on disk, and runs
// the sources (through tsx) otherwise; from dist/ it finds the files that are not compiled
// (SQL migrations, dashboard assets, bundled data) where the sources keep them. Run on a copy of the
// package in a temporary folder, so that building and editing it disturbs no one.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import ts from 'typescript';
import { buildInputs, ROOT } from '../../scripts/build-digest.js';
import { tempDir } from '../../test/support/temp-dir.ts';

describe('the build', () => {
  it('digests exactly the files tsc compiles, and the tsconfig files', () => {
    const parsed = ts.getParsedCommandLineOfConfigFile(
      join(ROOT, 'tsconfig.build.json'),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (diagnostic) => assert.fail(String(diagnostic.messageText)),
      },
    );
    const compiled = (parsed?.fileNames ?? []).map((file) => relative(ROOT, file)).sort();
    assert.ok(compiled.includes('src/cli/main.ts'));
    assert.deepEqual(buildInputs(), [...compiled, 'tsconfig.json', 'tsconfig.build.json']);
  });

  describe('bin/sigil.js on a copy of the package', () => {
    const dir = tempDir('sigil-build-');
    const root = dir.path;
    const run = (file: string, args: string[]) => {
      const result = spawnSync(process.execPath, [join(root, file), ...args], {
        cwd: root,
        encoding: 'utf8',
      });
      return { code: result.status, out: result.stdout, err: result.stderr };
    };
    const sigil = (...args: string[]) => run('bin/sigil.js', args);
    const node = (code: string) => {
      const result = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
        cwd: root,
        encoding: 'utf8',
      });
      assert.equal(result.status, 0, result.stderr);
      return result.stdout;
    };

    before(() => {
      for (const path of ['bin', 'scripts', 'src', 'package.json', 'tsconfig.json', 'tsconfig.build.json'])
        cpSync(join(ROOT, path), join(root, path), { recursive: true });
      symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
    });
    after(() => dir.remove());

    const statusHelp = () => {
      const help = sigil('status', '--help');
      assert.equal(help.code, 0, help.err);
      return help.out;
    };
    const DESCRIPTION = 'show the database and the number of intents in each status, per variant';

    it('runs the sources through tsx until dist/ is built', () => {
      assert.match(statusHelp(), new RegExp(DESCRIPTION));
    });

    it('runs dist/ once built, which finds the migrations, the dashboard assets and the bundled data', () => {
      const build = run('scripts/build.js', []);
      assert.equal(build.code, 0, build.err);
      assert.match(build.err, /compiled src\/ into dist\//);
      assert.match(run('scripts/build.js', []).err, /dist\/ is up to date/);

      // Marked, to tell which code answers: the digest covers the sources, not what dist/ holds.
      const compiled = join(root, 'dist/cli/commands/status.js');
      writeFileSync(compiled, readFileSync(compiled, 'utf8').replace(DESCRIPTION, 'answered by dist'));
      assert.match(statusHelp(), /answered by dist/);

      // migrate finds the migrations in the copy; status reads the store it made.
      assert.equal(sigil('migrate', '--db', `sqlite:${join(root, 'x.db')}`).code, 0);
      const status = sigil('status', '--db', `sqlite:${join(root, 'x.db')}`);
      assert.equal(status.code, 0, status.err);
      assert.match(status.out, /\(sqlite, schema version \d+\)/);
      assert.equal(
        node("const m = await import('./dist/web/web-assets.js'); console.log(m.dashboardPage().length > 0)"),
        'true\n',
      );
      assert.equal(
        node(
          "const { BUNDLED_DATA } = await import('./dist/config/load-config.js'); console.log(BUNDLED_DATA)",
        ),
        `${join(root, 'data')}/\n`,
      );
    });

    it('runs the sources again once one is edited, not when one is only touched', () => {
      const source = join(root, 'src/cli/commands/status.ts');
      const later = (statSync(source).mtimeMs + 60_000) / 1000;
      utimesSync(source, later, later);
      assert.match(statusHelp(), /answered by dist/, 'a newer time alone is no change');

      writeFileSync(source, readFileSync(source, 'utf8').replace(DESCRIPTION, 'answered by the sources'));
      assert.match(statusHelp(), /answered by the sources/);

      assert.match(run('scripts/build.js', []).err, /compiled src\/ into dist\//);
      assert.match(statusHelp(), /answered by the sources/);
      assert.match(
        readFileSync(join(root, 'dist/cli/commands/status.js'), 'utf8'),
        /answered by the sources/,
      );
    });
  });
});
