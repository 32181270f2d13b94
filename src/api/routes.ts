// The API's route table: each route reads or changes the store through the Store port and the risk
// module's kill switch, so the API does nothing an operator could not do with the CLI.
import { isAgentState } from '../analyst/transcript.ts';
import { markCancelled } from '../domain/intent-commands.ts';
import { intentId, workerId } from '../domain/ids.ts';
import { IllegalTransitionError, INTENT_STATUSES } from '../domain/intent-lifecycle.ts';
import { checkLiveness } from '../monitoring/dead-man.ts';
import { resetTradingState, tripKillSwitch } from '../risk/kill-switch.ts';
import { CANDLE_ROUTES } from './candle-routes.ts';
import { COMPLIANCE_ROUTES } from './compliance-routes.ts';
import { DASHBOARD_ROUTES } from './dashboard-routes.ts';
import { metricsInput } from './metrics-input.ts';
import { METRICS_CONTENT_TYPE, renderMetrics } from './metrics.ts';
import { REPORT_ROUTES } from './report-routes.ts';
import { POSITION_ROUTES } from './position-routes.ts';
import { API_ACTOR, HttpError, knownVariant, ok, param, type Route } from './route.ts';
import {
  emptyQuery,
  equityQuery,
  intentsQuery,
  locksQuery,
  parseBody,
  parseQuery,
  reasonBody,
} from './validation.ts';

const CORE_ROUTES: readonly Route[] = [
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
      return ok({
        now: ctx.clock.now(),
        variants: ctx.variants,
        statuses: INTENT_STATUSES,
        symbols: ctx.candles?.symbols ?? [],
        mutationsEnabled: ctx.mutationsEnabled,
        intents,
        tradingStates,
      });
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
        const profile = ctx.profile(name);
        const realised = await ctx.store.realizedTotal(name);
        variants.push({
          name,
          startingBalance: profile.startingBalance,
          realisedPnl: realised,
          balance: profile.startingBalance + realised,
          preset: profile.compliance?.name ?? null,
          tradingState: await ctx.store.tradingState(name),
          heartbeat: heartbeats.get(name) ?? null,
          latestEquity: (await ctx.store.equityHeadline(name)).latest,
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
        newestFirst: query.order === 'newest',
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
      // The analyst's transcript (each agent's prompt and answer) when an LLM chain decided the intent.
      const transcript = isAgentState(intent.agentState) ? intent.agentState.transcript : null;
      return ok({ intent, decisionRecords: await ctx.store.decisionRecords(id), transcript });
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
      const stored = await ctx.store.heartbeats();
      // Stale as the probe judges it: one bar plus the variant's heartbeat_stale_minutes since its last scan.
      const liveness = checkLiveness({
        variants: ctx.variants.map((id) => ({
          variantId: id,
          staleAfterMinutes: ctx.profile(id).staleAfterMinutes,
        })),
        heartbeats: stored,
        variantsWithIntents: new Set(),
        requireAll: false,
        now,
      });
      const heartbeats = stored.map((hb) => {
        const last = hb.lastScanEnd ?? hb.lastScanStart;
        const judged = liveness.find((l) => l.variantId === hb.variantId);
        return {
          ...hb,
          ageSeconds: last === null ? null : Math.max(0, (now - last) / 1000),
          staleAfterMinutes: judged?.staleAfterMinutes ?? null,
          stale: judged?.stale ?? false,
        };
      });
      return ok({ now, heartbeats });
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/locks$/,
    mutating: false,
    async handle(ctx, req) {
      const query = parseQuery(locksQuery, req.query);
      const variant = query.variant === undefined ? undefined : knownVariant(ctx, query.variant, 'query');
      const now = ctx.clock.now();
      const locks = (await ctx.store.protectionsInForce(now, variant)).filter((lock) =>
        ctx.variants.includes(lock.variantId),
      );
      return ok({ now, locks });
    },
  },
  {
    method: 'GET',
    pattern: /^\/metrics$/,
    mutating: false,
    async handle(ctx) {
      const text = await renderMetrics(await metricsInput(ctx), ctx.processMetrics);
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
      const why = body.reason ?? 'halted through the API';
      const now = ctx.clock.now();
      const tradingState = await tripKillSwitch(ctx.store, { variantId, why, actor: API_ACTOR }, now);
      ctx.onEvent?.({ type: 'kill_switch_tripped', at: now, variantId, actor: API_ACTOR, why });
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
      const why = body.reason ?? 'reset through the API';
      const now = ctx.clock.now();
      const before = await ctx.store.tradingState(variantId);
      const tradingState = await resetTradingState(ctx.store, { variantId, actor: API_ACTOR, why }, now);
      if (before.state !== 'active') {
        ctx.onEvent?.({
          type: 'kill_switch_reset',
          at: now,
          variantId,
          actor: API_ACTOR,
          why,
          from: before.state,
        });
      }
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

export const ROUTES: readonly Route[] = [
  ...CORE_ROUTES,
  ...POSITION_ROUTES,
  ...REPORT_ROUTES,
  ...COMPLIANCE_ROUTES,
  ...CANDLE_ROUTES,
  ...DASHBOARD_ROUTES,
];
