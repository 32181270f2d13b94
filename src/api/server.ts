// The HTTP server behind the API and /metrics, on node:http. It binds loopback unless told otherwise,
// checks the bearer token before any mutation, and answers every failure as JSON `{ error }`.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { variantId } from '../domain/ids.ts';
import type { Clock } from '../domain/ports/clock.ts';
import type { Store } from '../domain/ports/store.ts';
import type { ReportEvent } from '../domain/trading-event.ts';
import type { MoneyTerms } from '../domain/instrument.ts';
import type { ForceExitPort } from '../domain/manual-exit.ts';
import { AbVerdictCache } from './ab-cache.ts';
import { isLoopback } from './loopback.ts';
import type { ProcessMetrics } from './process-metrics.ts';
import type { ApiVariant } from './api-variant.ts';
import { authorizeMutation } from './auth.ts';
import type { CandleSource } from './candle-source.ts';
import { HttpError, type ApiContext, type ApiResponse } from './route.ts';
import { ROUTES } from './routes.ts';
import { BadRequestError } from './validation.ts';

export interface ApiServerOptions {
  store: Store;
  variants: readonly ApiVariant[];
  clock: Pick<Clock, 'now'>;
  /** The candle files behind the dashboard's candle chart; without them the chart says so. */
  candles?: CandleSource | null;
  /** The bot's counters when the server runs inside `sigil run`. */
  processMetrics?: ProcessMetrics | null;
  host?: string;
  port?: number;
  /** The bearer token for mutations (from SIGIL_API_TOKEN); null disables them. */
  token: string | null;
  /** Binding beyond loopback exposes halt/reset to the network: it must be asked for explicitly. */
  allowRemote?: boolean;
  /** Unexpected errors (answered as a bare 500); defaults to ignoring them. */
  onError?: (error: unknown) => void;
  /** Told of each halt and reset made through the API, once it is stored (for alerts). */
  onEvent?: ReportEvent;
  /** Units per quantity and quote terms of a symbol (default: one unit, quoted in dollars). */
  terms?: (symbol: string) => MoneyTerms;
  /** Closes positions by hand (POST …/positions/:symbol/exit); absent: the route answers 409. */
  forceExit?: ForceExitPort;
}

export interface ApiServer {
  url: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 16 * 1024;

export class RemoteBindRefusedError extends Error {
  constructor(host: string) {
    super(
      `refusing to bind the API to "${host}": it is not a loopback address; pass allowRemote: true ` +
        '(and set SIGIL_API_TOKEN) to expose it beyond this machine',
    );
    this.name = 'RemoteBindRefusedError';
  }
}

export { isLoopback };

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host) && options.allowRemote !== true) throw new RemoteBindRefusedError(host);
  const profiles = new Map(options.variants.map((v) => [v.id, v]));
  const ctx: ApiContext = {
    store: options.store,
    variants: options.variants.map((v) => variantId(v.id)),
    profile: (name) => {
      const profile = profiles.get(name);
      if (!profile) throw new HttpError(404, `unknown variant "${name}"`);
      return profile;
    },
    clock: options.clock,
    candles: options.candles ?? null,
    processMetrics: options.processMetrics ?? null,
    abVerdicts: new AbVerdictCache(),
    mutationsEnabled: options.token !== null,
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    terms: options.terms ?? (() => ({ contractSize: 1, quote: 'dollars' })),
    ...(options.forceExit ? { forceExit: options.forceExit } : {}),
  };
  const server = createServer((req, res) => {
    handle(ctx, options, req, res).catch((error: unknown) => {
      options.onError?.(error);
      if (!res.headersSent) send(res, { status: 500, json: { error: 'internal error' } });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the API server has no TCP address');
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive connections from a browser would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}

async function handle(
  ctx: ApiContext,
  options: ApiServerOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const matching = ROUTES.filter((route) => route.pattern.test(url.pathname));
  if (matching.length === 0) return send(res, { status: 404, json: { error: `no route ${url.pathname}` } });
  const route = matching.find((candidate) => candidate.method === req.method);
  if (!route) {
    const allow = [...new Set(matching.map((candidate) => candidate.method))].join(', ');
    res.setHeader('Allow', allow);
    return send(res, {
      status: 405,
      json: { error: `method ${req.method ?? ''} not allowed; use ${allow}` },
    });
  }
  if (route.mutating) {
    const auth = authorizeMutation(req.headers.authorization, options.token);
    if (!auth.ok) {
      if (auth.status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
      return send(res, { status: auth.status, json: { error: auth.error } });
    }
  }
  const params = route.pattern.exec(url.pathname)?.slice(1) ?? [];
  try {
    send(res, await route.handle(ctx, { params, query: url.searchParams, body: () => readBody(req) }));
  } catch (error) {
    if (error instanceof HttpError)
      return send(res, { status: error.status, json: { error: error.message } });
    if (error instanceof BadRequestError) return send(res, { status: 400, json: { error: error.message } });
    throw error;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, response: ApiResponse): void {
  const [body, contentType] =
    'json' in response
      ? [JSON.stringify(response.json), 'application/json; charset=utf-8']
      : [response.text, response.contentType];
  res.writeHead(response.status, {
    ...('headers' in response ? response.headers : {}),
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(body);
}
