// The browser side's files, read once from this folder: plain JavaScript and CSS served as they are
// written (no bundler), so what the tests load is what the user's browser runs.
import { readFileSync } from 'node:fs';

const cache = new Map<string, string>();

function asset(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(new URL(name, import.meta.url), 'utf8');
    cache.set(name, text);
  }
  return text;
}

/** window.SigilCharts: the charts the dashboard and the backtest report share. */
export const sigilCharts = (): string => asset('sigil-charts.js');
export const dashboardScript = (): string => asset('dashboard.js');
export const dashboardStyle = (): string => asset('dashboard.css');
export const dashboardPage = (): string => asset('dashboard.html');
