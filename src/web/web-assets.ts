// The browser side's files, read once from this folder: plain JavaScript and CSS served as they are
// written (no bundler), so what the tests load is what the user's browser runs.
import { readFileSync } from 'node:fs';

// src/web/ both when this runs as src/web/web-assets.ts (tsx, tests) and as the compiled
// dist/web/web-assets.js: the files are served from where they are edited, never from a copy a build
// could leave stale.
const FOLDER = new URL('../../src/web/', import.meta.url);

const cache = new Map<string, string>();

function asset(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(new URL(name, FOLDER), 'utf8');
    cache.set(name, text);
  }
  return text;
}

/** window.SigilCharts: the charts the dashboard and the backtest report share. */
export const sigilCharts = (): string => asset('sigil-charts.js');
/** The page's script behind the keyed view helper it builds on (window.SigilView), as one file. */
export const dashboardScript = (): string => `${asset('dom-patch.js')}\n${asset('dashboard.js')}`;
export const dashboardStyle = (): string => asset('dashboard.css');
export const dashboardPage = (): string => asset('dashboard.html');
