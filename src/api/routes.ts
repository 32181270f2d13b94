// The API's route table: each route reads or changes the store through the Store port and the risk
// module's kill switch, so the API does nothing an operator could not do with the CLI.
import { markCancelled } from '../domain/intent-commands.ts';
import { intentId, workerId, type VariantId } from '../domain/ids.ts';
import { IllegalTransitionError } from '../domain/intent-lifecycle.ts';
import type { Clock } from '../domain/ports/clock.ts';
import type { EquitySnapshot, Store } from '../domain/ports/store.ts';
import { resetTradingState, tripKillSwitch } from '../risk/kill-switch.ts';
import { METRICS_CONTENT_TYPE, renderMetrics } from './metrics.ts';
import {
  BadRequestError,
  emptyQuery,
  equityQuery,
  intentsQuery,
  parseBody,
  parseQuery,
  positionsQuery,
  reasonBody,
} from './validation.ts';

/** Who changed what, in the trading-state audit trail and the intents' decision records. */
export const API_ACTOR = 'api';

export interface ApiContext {
  store: Store;
  variants: readonly VariantId[];
  clock: Clock;
}

export interface ApiRequest {
  params: readonly string[];
  query: URLSearchParams;
  body(): Promise<string>;
}

export type ApiResponse =
  { status: number; json: unknown } | { status: number; text: string; contentType: string };

export interface Route {
  method: 'GET' | 'POST';
  pattern: RegExp;
  /** Mutating routes need the bearer token; the server checks it before the handler runs. */
  mutating: boolean;
  handle(ctx: ApiContext, req: ApiRequest): Promise<ApiResponse>;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const ok = (json: unknown): ApiResponse => ({ status: 200, json });

export const ROUTES: readonly Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/status$/,
    mutating: false,
    async handle(ctx, req) {
      parseQuery(emptyQuery, req.query);
      const intents: Record<string, Record<string, number>> = {};
      for (const variant of ctx.variants) intents[variant] = {};
      for (const count of await ctx.store.countByStatus()) {
        (intents[count.variantId] ??= {})[count.status] = count.count;
      }
      const tradingStates: Record<string, unknown> = {};
      for (const variant of ctx.variants) tradingStates[variant] = await ctx.store.tradingState(variant);
      return ok({ now: ctx.clock.now(), variants: ctx.variants, intents, tradingStates });
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/variants$/,
    mutating: false,
    async handle(ctx, req) {
      parseQuery(emptyQuery, req.query);
      const heartbeats = new Map((await ctx.store.heartbeats()).map((hb) => [hb.variantId, hb]));
      const variants = [];
      for (const name of ctx.variants) {
        variants.push({
          name,
          tradingState: await ctx.store.tradingState(name),
          heartbeat: heartbeats.get(name) ?? null,
          latestEquity: await latestEquity(ctx, name),
          openPositions: (await ctx.store.openPositions(name)).length,
        });
      }
      return ok({ variants });
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/intents$/,
    mutating: false,
    async handle(ctx, req) {
      const query = parseQuery(intentsQuery, req.query);
      const intents = await ctx.store.listIntents({
        ...(query.status ? { statuses: query.status } : {}),
        ...(query.variant ? { variantId: knownVariant(ctx, query.variant, 'query') } : {}),
        ...(query.symbol ? { symbol: query.symbol } : {}),
        limit: query.limit,
        offset: query.offset,
      });
      return ok({ intents, limit: query.limit, offset: query.offset });
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/intents\/([^/]+)$/,
    mutating: false,
    async handle(ctx, req) {
      parseQuery(emptyQuery, req.query);
      const id = intentId(param(req, 0));
      const intent = await ctx.store.getIntent(id);
      if (!intent) throw new HttpError(404, `intent ${id} not found`);
      return ok({ intent, decisionRecords: await ctx.store.decisionRecords(id) });
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/positions$/,
    mutating: false,
    async handle(ctx, req) {
      const query = parseQuery(positionsQuery, req.query);
      const variant = query.variant === undefined ? undefined : knownVariant(ctx, query.variant, 'query');
      const positions =
        query.state === 'open'
          ? await ctx.store.openPositions(variant)
          : await ctx.store.closedPositions(variant === undefined ? {} : { variantId: variant });
      return ok({ positions });
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/equity\/([^/]+)$/,
    mutating: false,
    async handle(ctx, req) {
      const query = parseQuery(equityQuery, req.query);
      const variant = knownVariant(ctx, param(req, 0), 'path');
      return ok({ variant, snapshots: await ctx.store.equitySnapshots(variant, query.since) });
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/heartbeats$/,
    mutating: false,
    async handle(ctx, req) {
      parseQuery(emptyQuery, req.query);
      const now = ctx.clock.now();
      const heartbeats = (await ctx.store.heartbeats()).map((hb) => {
        const last = hb.lastScanEnd ?? hb.lastScanStart;
        return { ...hb, ageSeconds: last === null ? null : Math.max(0, (now - last) / 1000) };
      });
      return ok({ now, heartbeats });
    },
  },
  {
    method: 'GET',
    pattern: /^\/metrics$/,
    mutating: false,
    async handle(ctx) {
      const latest: EquitySnapshot[] = [];
      for (const variant of ctx.variants) {
        const snapshot = await latestEquity(ctx, variant);
        if (snapshot) latest.push(snapshot);
      }
      const tradingStates = [];
      for (const variant of ctx.variants) tradingStates.push(await ctx.store.tradingState(variant));
      const text = renderMetrics({
        now: ctx.clock.now(),
        variants: ctx.variants,
        counts: await ctx.store.countByStatus(),
        heartbeats: await ctx.store.heartbeats(),
        latestEquity: latest,
        tradingStates,
      });
      return { status: 200, text, contentType: METRICS_CONTENT_TYPE };
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/variants\/([^/]+)\/halt$/,
    mutating: true,
    async handle(ctx, req) {
      const variantId = knownVariant(ctx, param(req, 0), 'path');
      const body = parseBody(reasonBody, await req.body());
      const tradingState = await tripKillSwitch(
        ctx.store,
        { variantId, why: body.reason ?? 'halted through the API', actor: API_ACTOR },
        ctx.clock.now(),
      );
      return ok({ tradingState });
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/variants\/([^/]+)\/reset$/,
    mutating: true,
    async handle(ctx, req) {
      const variantId = knownVariant(ctx, param(req, 0), 'path');
      const body = parseBody(reasonBody, await req.body());
      const tradingState = await resetTradingState(
        ctx.store,
        { variantId, actor: API_ACTOR, why: body.reason ?? 'reset through the API' },
        ctx.clock.now(),
      );
      return ok({ tradingState });
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/intents\/([^/]+)\/cancel$/,
    mutating: true,
    async handle(ctx, req) {
      const id = intentId(param(req, 0));
      const body = parseBody(reasonBody, await req.body());
      if (!(await ctx.store.getIntent(id))) throw new HttpError(404, `intent ${id} not found`);
      try {
        const intent = await markCancelled(
          ctx.store,
          id,
          workerId(API_ACTOR),
          body.reason ?? 'cancelled through the API',
          ctx.clock.now(),
        );
        return ok({ intent });
      } catch (error) {
        // Only pending and ready intents can be cancelled; anything further along is the workers' to finish.
        if (error instanceof IllegalTransitionError) throw new HttpError(409, error.message);
        throw error;
      }
    },
  },
];

function param(req: ApiRequest, index: number): string {
  const raw = req.params[index];
  if (raw === undefined) throw new HttpError(404, 'not found');
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new BadRequestError('path: malformed percent-encoding');
  }
}

/** A variant named in the path is a resource (404 when unknown); in the query it is a filter (400). */
function knownVariant(ctx: ApiContext, name: string, where: 'path' | 'query'): VariantId {
  const found = ctx.variants.find((variant) => variant === name);
  if (found) return found;
  if (where === 'path') throw new HttpError(404, `unknown variant "${name}"`);
  throw new BadRequestError(`variant: unknown variant "${name}"`);
}

/** A live bot snapshots every few minutes: the last day holds the latest; a stopped one, the whole series. */
async function latestEquity(ctx: ApiContext, variant: VariantId): Promise<EquitySnapshot | null> {
  const recent = await ctx.store.equitySnapshots(variant, ctx.clock.now() - 86_400_000);
  if (recent.length > 0) return recent.at(-1) ?? null;
  return (await ctx.store.equitySnapshots(variant)).at(-1) ?? null;
}
