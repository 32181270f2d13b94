// A strategy file imports 'sigil' (`import { defineStrategy } from 'sigil'`) wherever it lives: inside a
// clone of Sigil, in a project with sigil installed, or in a folder of its own. A module resolution hook
// points that bare name at this very process's public API, so the file needs no install of its own and
// shares the running Sigil's code.
import { register } from 'node:module';

let registered = false;

export function resolveSigilHere(): void {
  if (registered) return;
  registered = true;
  // This file's own extension: .ts when the sources run through tsx, .js from the compiled dist/.
  const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  const target = new URL(`../strategy/public.${ext}`, import.meta.url).href;
  const hook = `export async function resolve(specifier, context, next) {
  if (specifier === 'sigil') return { url: ${JSON.stringify(target)}, shortCircuit: true };
  return next(specifier, context);
}`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
}
