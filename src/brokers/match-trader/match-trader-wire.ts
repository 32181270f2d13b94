// Match-Trader Platform API wire format: the request bodies the client sends and zod schemas that turn the
// server's answers into plain typed values. Answers vary between brokers and versions (numbers as strings,
// stopLoss vs slPrice, times in ms or ISO), so every schema accepts the variants listed in the domain reference §1.3.
import { z } from 'zod';

export interface MtBalance {
  balance: number;
  equity: number;
  freeMargin: number;
  currency: string;
}

export interface MtInstrument {
  symbol: string;
  volumeMin: number;
  volumeStep: number;
  volumeMax: number;
  contractSize: number;
  pricePrecision: number;
}

export interface MtPosition {
  id: string;
  symbol: string;
  side: 'BUY' | 'SELL';
  volume: number;
  openPrice: number;
  /** null when the position has no stop loss (the wire says 0 or null). */
  stopLoss: number | null;
  takeProfit: number | null;
  profit: number;
  /** Epoch ms. */
  openTime: number;
}

export interface MtClosedPosition {
  id: string;
  positionId: string;
  symbol: string;
  side: 'BUY' | 'SELL';
  volume: number;
  openPrice: number;
  closePrice: number;
  openTime: number;
  closeTime: number;
  profit: number;
  /** Profit after the broker's commission and swap: what the balance moved by. */
  netProfit: number;
  closeReason: string;
}

/** One bar as the candles endpoint sends it: `time` is the bar's open time, epoch ms. */
export interface MtCandle {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** The status object every trading call answers; REJECTED is a business refusal delivered with HTTP 200. */
export interface MtTradeAnswer {
  status: 'OK' | 'REJECTED' | 'PARTIAL_SUCCESS';
  orderId: string | null;
  errorMessage: string | null;
  nativeCode: string | null;
}

/** One trading account offered by the login answer; fields a broker may omit are optional until chosen. */
export interface MtLoginAccount {
  tradingAccountId: string;
  tradingApiToken: string | undefined;
  systemUuid: string | undefined;
}

export interface MtLoginAnswer {
  token: string | undefined;
  accounts: MtLoginAccount[];
}

// Request bodies, as documented (0 = no SL/TP; close takes its volume as a string).
export interface MtOpenRequest {
  instrument: string;
  orderSide: 'BUY' | 'SELL';
  volume: number;
  slPrice: number;
  tpPrice: number;
  isMobile: boolean;
}
export interface MtEditRequest extends MtOpenRequest {
  id: string;
}
export interface MtCloseRequest {
  positionId: string;
  instrument: string;
  orderSide: 'BUY' | 'SELL';
  volume: string;
}
export interface MtClosedPositionsRequest {
  from: string;
  to: string;
}

/** A number sent as a number or as a numeric string ("50000.00"); anything else is an issue, never NaN. */
export const wireNumber = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const parsed = typeof value === 'number' ? value : value.trim() === '' ? Number.NaN : Number(value);
  if (!Number.isFinite(parsed)) {
    ctx.addIssue({ code: 'custom', message: 'expected a number or a numeric string' });
    return z.NEVER;
  }
  return parsed;
});

/** An SL/TP price: 0 and null both mean "none"; undefined means the field was absent (try its alias). */
const wirePrice = z
  .union([wireNumber, z.null()])
  .optional()
  .transform((value) => (value === undefined ? undefined : value === null || value === 0 ? null : value));

/** Epoch ms from a number (ms), a numeric string (ms) or an ISO-8601 string. */
export const wireTime = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const ms =
    typeof value === 'number' ? value : /^\s*\d+\s*$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) {
    ctx.addIssue({ code: 'custom', message: 'expected epoch ms or an ISO-8601 time' });
    return z.NEVER;
  }
  return ms;
});

const wireId = z.union([z.string(), z.number()]).transform(String);
const wireSide = z
  .string()
  .transform((side) => side.toUpperCase())
  .pipe(z.enum(['BUY', 'SELL']));

/** A list that arrives bare or wrapped in an object under `key`. */
function listOf<T extends z.ZodType>(item: T, key: string) {
  const unwrap = (value: unknown) =>
    typeof value === 'object' && value !== null && !Array.isArray(value) && key in value
      ? (value as Record<string, unknown>)[key]
      : value;
  return z.preprocess(unwrap, z.array(item));
}

export const balanceAnswer = z
  .object({
    balance: wireNumber,
    equity: wireNumber,
    freeMargin: wireNumber.optional(),
    currency: z.string(),
  })
  .transform((raw): MtBalance => ({
    balance: raw.balance,
    equity: raw.equity,
    // Some deployments omit it; with no margin figure, equity is the most that could be free.
    freeMargin: raw.freeMargin ?? raw.equity,
    currency: raw.currency,
  }));

const instrument = z.object({
  symbol: z.string(),
  volumeMin: wireNumber,
  volumeStep: wireNumber,
  volumeMax: wireNumber,
  contractSize: wireNumber,
  pricePrecision: wireNumber,
});
export const instrumentsAnswer: z.ZodType<MtInstrument[], unknown> = listOf(instrument, 'instruments');

const position = z
  .object({
    id: wireId,
    symbol: z.string(),
    side: wireSide,
    volume: wireNumber,
    openPrice: wireNumber,
    stopLoss: wirePrice,
    slPrice: wirePrice,
    takeProfit: wirePrice,
    tpPrice: wirePrice,
    profit: wireNumber,
    openTime: wireTime,
  })
  .transform((raw): MtPosition => ({
    id: raw.id,
    symbol: raw.symbol,
    side: raw.side,
    volume: raw.volume,
    openPrice: raw.openPrice,
    stopLoss: raw.stopLoss !== undefined ? raw.stopLoss : (raw.slPrice ?? null),
    takeProfit: raw.takeProfit !== undefined ? raw.takeProfit : (raw.tpPrice ?? null),
    profit: raw.profit,
    openTime: raw.openTime,
  }));
export const openPositionsAnswer: z.ZodType<MtPosition[], unknown> = listOf(position, 'positions');

const closedPosition = z
  .object({
    id: wireId,
    positionId: wireId.optional(),
    symbol: z.string(),
    side: wireSide,
    volume: wireNumber,
    openPrice: wireNumber,
    closePrice: wireNumber,
    openTime: wireTime,
    time: wireTime.optional(),
    closeTime: wireTime.optional(),
    profit: wireNumber,
    netProfit: wireNumber.optional(),
    closeReason: z.string().nullish(),
  })
  .refine((raw) => raw.time !== undefined || raw.closeTime !== undefined, {
    message: 'a closed position needs its close time (time or closeTime)',
  })
  .transform((raw): MtClosedPosition => ({
    id: raw.id,
    // Older answers carry no positionId: the operation is then the position's only record.
    positionId: raw.positionId ?? raw.id,
    symbol: raw.symbol,
    side: raw.side,
    volume: raw.volume,
    openPrice: raw.openPrice,
    closePrice: raw.closePrice,
    openTime: raw.openTime,
    closeTime: raw.time ?? raw.closeTime ?? 0,
    profit: raw.profit,
    // After commission and swap; an answer without it is taken at its gross profit.
    netProfit: raw.netProfit ?? raw.profit,
    closeReason: raw.closeReason ?? '',
  }));
export const closedPositionsAnswer: z.ZodType<MtClosedPosition[], unknown> = listOf(
  closedPosition,
  'operations',
);

// The candles answer is known only from one third-party fixture (domain reference §1.3), so it gets the same
// tolerance as the rest: numbers as strings, time as ms or ISO, the list bare or under `candles`.
const candle = z.object({
  time: wireTime,
  open: wireNumber,
  high: wireNumber,
  low: wireNumber,
  close: wireNumber,
  volume: wireNumber,
});
export const candlesAnswer: z.ZodType<MtCandle[], unknown> = listOf(candle, 'candles');

export const tradeAnswer = z
  .object({
    status: z.enum(['OK', 'REJECTED', 'PARTIAL_SUCCESS']),
    orderId: wireId.nullish(),
    errorMessage: z.string().nullish(),
    nativeCode: wireId.nullish(),
  })
  .transform((raw): MtTradeAnswer => ({
    status: raw.status,
    orderId: raw.orderId ?? null,
    errorMessage: raw.errorMessage ?? null,
    nativeCode: raw.nativeCode ?? null,
  }));

export const loginAnswer = z
  .object({
    token: z.string().optional(),
    accounts: z.array(
      z.object({
        tradingAccountId: wireId,
        tradingApiToken: z.string().optional(),
        offer: z.object({ system: z.object({ uuid: z.string() }).optional() }).optional(),
      }),
    ),
  })
  .transform((raw): MtLoginAnswer => ({
    token: raw.token,
    accounts: raw.accounts.map((account) => ({
      tradingAccountId: account.tradingAccountId,
      tradingApiToken: account.tradingApiToken,
      systemUuid: account.offer?.system?.uuid,
    })),
  }));

/** Some brokers answer a refresh with the token in JSON, others only in Set-Cookie (then the body may be empty). */
export const refreshAnswer = z.object({ token: z.string().optional() }).transform((raw) => raw.token);

export type WireParse<T> = { ok: true; value: T } | { ok: false; problem: string };

/**
 * Parses an answer without throwing. The problem names paths and expectations only — zod issues carry no
 * input values, so a secret in the answer (a token) cannot leak into an error message built from it.
 */
export function parseWire<S extends z.ZodType>(schema: S, value: unknown): WireParse<z.output<S>> {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  const problem = result.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
  return { ok: false, problem };
}
