// What building the program costs: `sigil --help` and a usage error must not wait for the app layer, so
// the modules that declare the commands import commander and a few small modules, never what the
// commands do (actions/). And the defaults they print instead of importing are the ones in force.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { API_TOKEN_ENV } from '../app/dashboard-server.ts';
import { BUNDLED_DATA } from '../config/load-config.ts';
import { REFERENCE_EVALUATION } from '../scanners/ranking/evaluate.ts';
import { buildProgram } from './program.ts';

const SRC = fileURLToPath(new URL('..', import.meta.url));

/**
 * The modules a file imports as it loads: the static imports and re-exports of its emitted JavaScript
 * (type-only ones are erased; `await import()` in an action is not among them).
 */
function runtimeImports(file: string): string[] {
  const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: true,
    },
  });
  const emitted = ts.createSourceFile(file, outputText, ts.ScriptTarget.ES2022);
  return emitted.statements.flatMap((statement) =>
    (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) &&
    statement.moduleSpecifier &&
    ts.isStringLiteral(statement.moduleSpecifier)
      ? [statement.moduleSpecifier.text]
      : [],
  );
}

/** Every module main.ts loads before a command runs: own files (relative to src/) and packages. */
function startupGraph(): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    const name = relative(SRC, file);
    if (files.has(name)) return;
    files.add(name);
    for (const specifier of runtimeImports(file)) {
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier));
      else if (!specifier.startsWith('node:')) packages.add(specifier);
    }
  };
  visit(join(SRC, 'cli', 'main.ts'));
  return { files, packages };
}

describe('the sigil program', () => {
  it('is built from commander and small modules: every command imports its work when it runs', () => {
    const { files, packages } = startupGraph();
    assert.deepEqual([...packages], ['commander']);
    // The command modules, the small ones they take choices from (statuses, roles, lock kinds), and the
    // redaction every printed failure goes through (two small files without a package).
    const declaring =
      /^(cli\/(?!actions\/)|domain\/|logging\/(log-settings|redaction|secret-variables)\.ts$)/;
    assert.deepEqual(
      [...files].filter((file) => !declaring.test(file)),
      [],
      'loaded by `sigil --help`',
    );
    assert.ok(files.has('cli/commands/run.ts'));
  });

  it('prints the defaults the commands use', () => {
    const program = buildProgram();
    const evaluate = program.commands
      .find((c) => c.name() === 'scan')
      ?.commands.find((c) => c.name() === 'evaluate');
    const defaults = Object.fromEntries(
      (evaluate?.options ?? []).map((option) => [option.attributeName(), option.defaultValue as unknown]),
    );
    assert.deepEqual(defaults, {
      data: `${BUNDLED_DATA}fx/1d`,
      topK: REFERENCE_EVALUATION.topK,
      trainWindow: REFERENCE_EVALUATION.trainWindow,
      retrainEvery: REFERENCE_EVALUATION.retrainEvery,
      model: undefined,
      json: undefined,
    });
    const dashboard = program.commands.find((c) => c.name() === 'dashboard');
    assert.match(dashboard?.description() ?? '', new RegExp(`halt/reset need ${API_TOKEN_ENV}$`));
  });
});
