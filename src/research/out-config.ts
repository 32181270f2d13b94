// `sigil sweep --out FILE`: the configuration as written, comments and all, plus one variant holding the
// chosen setting, so `sigil ab --config FILE --variants <original>,<new>` compares the two on the same
// candles and `sigil run` can trade either.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { isSeq, parseDocument, visit, type Document } from 'yaml';
import { UsageError } from '../cli/cli-error.ts';
import { parseConfig } from '../config/load-config.ts';
import { VARIANT_NAME, VARIANT_SECTIONS } from '../config/schema.ts';
import { settingLabel } from './grid-spec.ts';
import { setInOverlay, type SweepBase } from './setting-config.ts';
import type { KeyValue } from './sweep-report.ts';

export interface OutConfig {
  file: string;
  /** The new variant's name. */
  variant: string;
  /** What the reader should know: keys set for every variant, paths rewritten. */
  notes: string[];
}

/** Keys naming a file relative to the configuration's folder, in the base and in any overlay. */
const FILE_KEYS = [
  ['market', 'data'],
  ['scanner', 'model'],
  ['scanner', 'module'],
  ['compliance', 'news_calendar'],
] as const;

/**
 * Writes the configuration with a new variant: the swept variant's own overlay with the chosen values.
 * Keys outside the variant sections (market.symbols, engine.*) cannot live in an overlay: they are set at
 * the top level, for every variant, and a note says so.
 */
export function writeOutConfig(
  base: SweepBase,
  values: Record<string, KeyValue>,
  outFile: string,
  variantName = 'sweep_best',
): OutConfig {
  if (!VARIANT_NAME.test(variantName)) {
    throw new UsageError(
      `"${variantName}" cannot name a variant: 1-32 lower-case letters, digits, _ or -, starting with a letter`,
    );
  }
  if (base.variants.includes(variantName)) {
    throw new UsageError(
      `${base.file} already has a variant "${variantName}": choose another name for the new one`,
    );
  }
  if (resolve(outFile) === resolve(base.file)) {
    throw new UsageError(`${outFile} is the configuration swept: write the new one to another file`);
  }
  const document = parseDocument(readFileSync(base.file, 'utf8'));
  const overlay = structuredClone(base.overlay);
  const shared: Record<string, KeyValue> = {};
  for (const [key, value] of Object.entries(values)) {
    const path = key.split('.');
    if (path[0] === 'variants') setInOverlay(overlay, base.values, path.slice(2), value);
    else if ((path[0] ?? '') in VARIANT_SECTIONS) setInOverlay(overlay, base.values, path, value);
    else {
      document.setIn(path, nodeOf(document, value));
      shared[key] = value;
    }
  }
  // Without `variants` the file runs one implicit "baseline": written out, it keeps running beside the new one.
  if (!document.has('variants')) document.setIn(['variants', base.variant], nodeOf(document, {}));
  document.setIn(['variants', variantName], nodeOf(document, overlay));

  const notes: string[] = [];
  if (Object.keys(shared).length > 0) {
    const users =
      base.variants.length > 1
        ? `every variant (${variantName} too)`
        : `both ${base.variant} and ${variantName}`;
    notes.push(
      `${settingLabel(shared)}: not a variant setting, so set at the top level: ${users} now use it`,
    );
  }
  notes.push(...rebaseFilePaths(document, dirname(resolve(base.file)), dirname(resolve(outFile))));
  const text = document.toString();
  parseConfig(text, outFile); // what is written loads, or nothing is written
  writeFileSync(outFile, text);
  return { file: outFile, variant: variantName, notes };
}

/** A YAML node for a value: lists flow on one line ([1, 2]) like the grid wrote them; mappings in blocks. */
function nodeOf(document: Document, value: unknown): unknown {
  const node = document.createNode(value);
  visit(node, {
    Seq(_, seq) {
      if (isSeq(seq)) seq.flow = true;
    },
  });
  return node;
}

/** Relative file paths meant the original's folder: rewritten to still name the same files from the new one. */
function rebaseFilePaths(document: Document, fromDir: string, toDir: string): string[] {
  if (fromDir === toDir) return [];
  const { variants } = document.toJS() as { variants?: Record<string, unknown> };
  const prefixes: string[][] = [[], ...Object.keys(variants ?? {}).map((name) => ['variants', name])];
  const notes: string[] = [];
  for (const prefix of prefixes) {
    for (const key of FILE_KEYS) {
      const path = [...prefix, ...key];
      const value = document.getIn(path);
      if (typeof value !== 'string' || isAbsolute(value)) continue;
      const rebased = relative(toDir, resolve(fromDir, value)) || '.';
      if (rebased === value) continue;
      document.setIn(path, rebased);
      notes.push(`${path.join('.')}: ${value} is written ${rebased}, relative to the new file's folder`);
    }
  }
  return notes;
}
