// The file a `sqlite:PATH` store URL names, read as openDriver reads it: commands that must not create a
// store by opening it (a backup's source, a copy's) look for the file first.
import { resolve } from 'node:path';

/** The absolute path of a `sqlite:PATH` URL; null for any other URL, or one that names no file. */
export function sqliteFile(url: string): string | null {
  if (!url.startsWith('sqlite:')) return null;
  const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
  return path ? resolve(path) : null;
}
