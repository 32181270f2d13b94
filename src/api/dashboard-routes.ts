// The dashboard: one static page and its scripts, served by the API's own server so the page reads the
// API on the same origin. Nothing is rendered into the page on the server — no state, and never the
// token: the operator types it into the page, which keeps it for the browser tab only.
import { chartLibrary } from '../charts/chart-library.ts';
import { dashboardPage, dashboardScript, dashboardStyle, sigilCharts } from '../web/web-assets.ts';
import type { ApiResponse, Route } from './route.ts';

// Scripts only from this server and no inline script, so an injected string in a symbol or a reason
// cannot run; lightweight-charts sizes its canvases through style attributes, hence the styles.
const PAGE_SECURITY = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'Referrer-Policy': 'no-referrer',
};

const JS = 'text/javascript; charset=utf-8';

function file(text: string, contentType: string, headers: Record<string, string> = {}): ApiResponse {
  return { status: 200, text, contentType, headers };
}

function staticRoute(pattern: RegExp, respond: () => ApiResponse): Route {
  return { method: 'GET', pattern, mutating: false, handle: async () => respond() };
}

export const DASHBOARD_ROUTES: readonly Route[] = [
  staticRoute(/^\/$/, () => file(dashboardPage(), 'text/html; charset=utf-8', PAGE_SECURITY)),
  staticRoute(/^\/assets\/dashboard\.css$/, () => file(dashboardStyle(), 'text/css; charset=utf-8')),
  staticRoute(/^\/assets\/lightweight-charts\.js$/, () => file(chartLibrary(), JS)),
  staticRoute(/^\/assets\/sigil-charts\.js$/, () => file(sigilCharts(), JS)),
  staticRoute(/^\/assets\/dashboard\.js$/, () => file(dashboardScript(), JS)),
];
