// Reads an LLM analyst's final answer (JSON, fenced or broken JSON, a tool input, or plain prose) into a
// validated verdict. Junk values are coerced or refused with a note saying why; sizing never comes from here.
import { jsonrepair } from 'jsonrepair';
import { z } from 'zod';
import type { Side } from '../domain/intent.ts';

export const RATINGS = ['Buy', 'Overweight', 'Hold', 'Underweight', 'Sell'] as const;
export type Rating = (typeof RATINGS)[number];

const RATING_SIDE: Record<Rating, Side> = {
  Buy: 'BUY',
  Overweight: 'BUY',
  Hold: 'HOLD',
  Underweight: 'SELL',
  Sell: 'SELL',
};

/** Buy, Overweight → BUY; Hold → HOLD; Underweight, Sell → SELL. Deterministic. */
export function sideOfRating(rating: Rating): Side {
  return RATING_SIDE[rating];
}

/** The shape the model is asked for; its JSON schema (verdictJsonSchema) is sent for structured output.
 *  Strict structured output wants every property required, so optional values are nullable instead. */
export const VerdictSchema = z
  .object({
    side: z.enum(['BUY', 'SELL', 'HOLD']).describe('BUY to go long, SELL to go short, HOLD to stay out.'),
    confidence: z
      .number()
      .min(0)
      .max(1)
      .describe('How sure you are of the side, from 0 (a coin flip) to 1 (certain).'),
    stop_loss: z
      .number()
      .nullable()
      .describe(
        'Stop-loss price: below the current price for BUY, above it for SELL. null when given in pips or not at all.',
      ),
    take_profit: z
      .number()
      .nullable()
      .describe(
        'Take-profit price: above the current price for BUY, below it for SELL. null when given in pips or not at all.',
      ),
    stop_loss_pips: z
      .number()
      .nullable()
      .describe(
        'Stop-loss distance from the current price in pips (a positive number); null when a price is given.',
      ),
    take_profit_pips: z
      .number()
      .nullable()
      .describe(
        'Take-profit distance from the current price in pips (a positive number); null when a price is given.',
      ),
    rationale: z.string().describe('Why: the evidence and the main risk, in a few sentences.'),
  })
  .describe('The final trading decision. Position size is not part of it: the risk layer sizes trades.');

/** The schema sent for structured output / tool input; strict modes refuse schemas that allow extra keys. */
export function verdictJsonSchema(): Record<string, unknown> {
  // `$schema` is dropped: strict structured-output validators accept only the schema itself.
  const { $schema: _dialect, ...schema } = z.toJSONSchema(VerdictSchema);
  return { ...schema, additionalProperties: false };
}

export interface Verdict {
  side: Side;
  /** The 5-tier rating when the model answered with one. */
  rating: Rating | null;
  /** 0..1, or null when absent or refused. */
  confidence: number | null;
  /** Prices after pips were converted and wrong-side / implausible levels refused. */
  stopLoss: number | null;
  takeProfit: number | null;
  /** As the model gave them (after coercion), null when absent. */
  stopLossPips: number | null;
  takeProfitPips: number | null;
  rationale: string;
  /** One line per value coerced or refused, e.g. "confidence 70 read as 0.70". */
  notes: string[];
  /** How the answer was read: 'json' (parsed as is), 'repaired' (fence/prose stripped or jsonrepair needed),
   *  'prose' (no JSON; side read from the text). */
  readAs: 'json' | 'repaired' | 'prose';
}
export type VerdictResult = { ok: true; verdict: Verdict } | { ok: false; reason: string };

export interface VerdictContext {
  /** The last close: levels are checked against it and pips converted from it. null = unknown (skip those
   *  checks; pips stay unconverted with a note). */
  referencePrice: number | null;
  /** Price of one pip (0.0001 for EURUSD, 0.01 for USDJPY); null = pips cannot be converted (note). */
  pipSize: number | null;
  /** Levels farther than this fraction of the price are refused as implausible (default 0.5). */
  maxLevelDistance?: number;
}

const DEFAULT_MAX_LEVEL_DISTANCE = 0.5;
const RATIONALE_MAX = 2000;
const PROSE_RATIONALE_MAX = 500;

/** `answer` is the model's raw text, or an already-parsed object (a tool_use input / structured output). */
export function readVerdict(answer: string | unknown, context: VerdictContext): VerdictResult {
  if (typeof answer !== 'string') {
    return isPlainObject(answer) ? fromObject(answer, 'json', context) : notAnObject();
  }
  const found = findJson(answer);
  if (found === 'not-object') return notAnObject();
  if (found === null) return fromProse(answer, []);
  const result = fromObject(found.value, found.readAs, context);
  // JSON inside prose can be an incidental snippet; the decision may still be stated in the text.
  if (!result.ok && found.readAs === 'repaired' && result.reason === NO_SIDE) {
    const prose = fromProse(answer, ['the JSON in the answer has no side']);
    if (prose.ok) return prose;
  }
  return result;
}

// ---- finding the JSON ----

type Found = { value: Record<string, unknown>; readAs: 'json' | 'repaired' } | 'not-object' | null;

function findJson(text: string): Found {
  const whole = tryParse(text.trim());
  if (whole.ok) return isPlainObject(whole.value) ? { value: whole.value, readAs: 'json' } : 'not-object';

  const fenced = fencedBlock(text);
  if (fenced !== null) {
    const parsed = tryParse(fenced);
    if (parsed.ok)
      return isPlainObject(parsed.value) ? { value: parsed.value, readAs: 'repaired' } : 'not-object';
  }

  const source = fenced ?? text;
  const start = source.indexOf('{');
  const end = source.lastIndexOf('}');
  if (start < 0 || end <= start) return null;
  const braces = source.slice(start, end + 1);
  let parsed = tryParse(braces);
  if (!parsed.ok) {
    try {
      parsed = tryParse(jsonrepair(braces));
    } catch {
      return null;
    }
  }
  if (!parsed.ok) return null;
  return isPlainObject(parsed.value) ? { value: parsed.value, readAs: 'repaired' } : 'not-object';
}

/** The first fenced block's content, preferring one that holds an object. */
function fencedBlock(text: string): string | null {
  const blocks = [...text.matchAll(/```[a-zA-Z]*[ \t]*\r?\n?([\s\S]*?)```/g)].map((m) => (m[1] ?? '').trim());
  if (blocks.length === 0) return null;
  return blocks.find((b) => b.includes('{')) ?? blocks[0] ?? null;
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function notAnObject(): VerdictResult {
  return { ok: false, reason: 'the verdict is not a JSON object' };
}

// ---- prose ----

const SIDE_TOKEN = String.raw`\**\s*(BUY|SELL|HOLD)\b`;
const TIER_TOKEN = String.raw`\**\s*(strong\s+buy|strong\s+sell|buy|overweight|hold|underweight|sell)\b`;
const PROSE_PATTERNS: { pattern: RegExp; kind: 'side' | 'tier' }[] = [
  { pattern: new RegExp(String.raw`FINAL\s+TRANSACTION\s+PROPOSAL\s*:\s*` + SIDE_TOKEN, 'gi'), kind: 'side' },
  { pattern: new RegExp(String.raw`\b(?:rating|recommendation)\**\s*:\s*` + TIER_TOKEN, 'gi'), kind: 'tier' },
  {
    pattern: new RegExp(String.raw`\b(?:side|action|decision|signal)\**\s*:\s*` + SIDE_TOKEN, 'gi'),
    kind: 'side',
  },
];

function fromProse(text: string, leadingNotes: string[]): VerdictResult {
  const trimmed = text.trim();
  for (const { pattern, kind } of PROSE_PATTERNS) {
    // The last statement wins: models restate their decision at the end, after quoting other opinions.
    const word = [...trimmed.matchAll(pattern)].at(-1)?.[1];
    if (word === undefined) continue;
    const notes = [...leadingNotes, 'no JSON: side read from the text'];
    let side: Side;
    let rating: Rating | null = null;
    if (kind === 'side') {
      side = word.toUpperCase() as Side;
    } else {
      const tier = parseTier(word);
      if (tier === null) continue;
      rating = tier.rating;
      side = sideOfRating(rating);
      if (tier.note) notes.push(`rating ${JSON.stringify(word)} read as ${rating}`);
    }
    return { ok: true, verdict: proseVerdict(trimmed, side, rating, notes) };
  }
  // A bare "BUY" / "**SELL**." answer is still a decision.
  const bare = parseSideWord(trimmed.replace(/[.!]+$/, ''));
  if (bare !== null) {
    return {
      ok: true,
      verdict: proseVerdict(trimmed, bare, null, [...leadingNotes, 'no JSON: side read from the text']),
    };
  }
  const start = trimmed.replace(/\s+/g, ' ').slice(0, 80);
  return { ok: false, reason: `no verdict in the answer: "${start}"` };
}

function proseVerdict(text: string, side: Side, rating: Rating | null, notes: string[]): Verdict {
  return {
    side,
    rating,
    confidence: null,
    stopLoss: null,
    takeProfit: null,
    stopLossPips: null,
    takeProfitPips: null,
    rationale: text.slice(0, PROSE_RATIONALE_MAX),
    notes,
    readAs: 'prose',
  };
}

// ---- words ----

const SIDE_WORDS: Record<string, Side> = {
  buy: 'BUY',
  long: 'BUY',
  bullish: 'BUY',
  'enter long': 'BUY',
  'go long': 'BUY',
  sell: 'SELL',
  short: 'SELL',
  bearish: 'SELL',
  'enter short': 'SELL',
  'go short': 'SELL',
  hold: 'HOLD',
  neutral: 'HOLD',
  wait: 'HOLD',
  flat: 'HOLD',
  none: 'HOLD',
  'no trade': 'HOLD',
};

/** Lowercase, ** and quotes stripped, _ and - read as spaces: "**Enter_Long**" → "enter long". */
function normalizeWord(value: string): string {
  return value
    .trim()
    .replace(/^[*"'`\s]+|[*"'`\s]+$/g, '')
    .replace(/[_-]+/g, ' ')
    .replace(/\s+/g, ' ')
    .toLowerCase();
}

function parseSideWord(value: string): Side | null {
  return SIDE_WORDS[normalizeWord(value)] ?? null;
}

/** A 5-tier rating; `note` when it had to be read ("strong buy" → Buy). */
function parseTier(value: string): { rating: Rating; note: boolean } | null {
  const word = normalizeWord(value);
  const exact = RATINGS.find((r) => r.toLowerCase() === word);
  if (exact) return { rating: exact, note: false };
  if (word === 'strong buy') return { rating: 'Buy', note: true };
  if (word === 'strong sell') return { rating: 'Sell', note: true };
  return null;
}

// ---- the object ----

/** Keys are compared lowercased with _ - and spaces removed, so stop_loss, stopLoss and Stop-Loss match. */
function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[\s_-]+/g, '');
}

const ALIASES = {
  side: ['side', 'action', 'decision', 'signal', 'direction'],
  recommendation: ['recommendation'],
  rating: ['rating'],
  confidence: ['confidence', 'conviction', 'probability'],
  stopLoss: ['stoploss', 'stop', 'sl', 'stoplossprice', 'slprice'],
  takeProfit: ['takeprofit', 'target', 'tp', 'pricetarget', 'targetprice', 'takeprofitprice', 'tpprice'],
  stopLossPips: ['stoplosspips', 'slpips'],
  takeProfitPips: ['takeprofitpips', 'tppips'],
  rationale: ['rationale', 'reasoning', 'reason', 'summary', 'executivesummary', 'thesis'],
} as const;
type Field = keyof typeof ALIASES;

const SIZING_KEYS = new Set([
  'size',
  'qty',
  'quantity',
  'lot',
  'lots',
  'lotsize',
  'units',
  'positionsize',
  'positionsizing',
  'positionqty',
  'positionquantity',
]);

const NO_SIDE = 'the verdict has no side';

function fromObject(
  raw: Record<string, unknown>,
  readAs: 'json' | 'repaired',
  context: VerdictContext,
): VerdictResult {
  const notes: string[] = [];
  const byKey = new Map<string, unknown>();
  for (const [key, value] of Object.entries(raw)) {
    const k = normalizeKey(key);
    if (!byKey.has(k)) byKey.set(k, value);
  }
  const get = (field: Field): unknown => {
    for (const alias of ALIASES[field]) {
      const value = byKey.get(alias);
      if (value !== undefined && value !== null) return value;
    }
    return undefined;
  };
  if ([...byKey.keys()].some((k) => SIZING_KEYS.has(k))) {
    notes.push('position_sizing ignored: the risk layer sizes trades');
  }

  const decided = readSide(get('side'), get('rating'), get('recommendation'), notes);
  if (!decided.ok) return decided;
  const { side, rating } = decided;

  const confidence = readConfidence(get('confidence'), notes);
  const rationale = readRationale(get('rationale'), notes);

  // HOLD opens nothing, so its levels mean nothing and are not worth a note.
  let levels: Levels = { stopLoss: null, takeProfit: null, stopLossPips: null, takeProfitPips: null };
  if (side !== 'HOLD') {
    levels = readLevels(
      side,
      get('stopLoss'),
      get('takeProfit'),
      get('stopLossPips'),
      get('takeProfitPips'),
      context,
      notes,
    );
  }

  return { ok: true, verdict: { side, rating, confidence, ...levels, rationale, notes, readAs } };
}

function readSide(
  sideValue: unknown,
  ratingValue: unknown,
  recommendation: unknown,
  notes: string[],
): { ok: true; side: Side; rating: Rating | null } | { ok: false; reason: string } {
  let side: Side | null = null;
  let rating: Rating | null = null;

  if (sideValue !== undefined) {
    const text = typeof sideValue === 'string' ? sideValue : JSON.stringify(sideValue);
    side = typeof sideValue === 'string' ? parseSideWord(sideValue) : null;
    if (side === null) {
      const tier = typeof sideValue === 'string' ? parseTier(sideValue) : null;
      if (tier === null)
        return { ok: false, reason: `side ${JSON.stringify(text)} is not BUY, SELL or HOLD` };
      rating = tier.rating;
      side = sideOfRating(tier.rating);
      notes.push(`side ${JSON.stringify(text)} read as rating ${tier.rating}: ${side}`);
    }
  }

  if (ratingValue !== undefined) {
    const text = typeof ratingValue === 'string' ? ratingValue : JSON.stringify(ratingValue);
    const tier = typeof ratingValue === 'string' ? parseTier(ratingValue) : null;
    if (tier === null) {
      const reason = `rating ${JSON.stringify(text)} is not ${RATINGS.join(', ')}`;
      if (side === null) return { ok: false, reason };
      notes.push(`rating ${JSON.stringify(text)} refused: not ${RATINGS.join(', ')}`);
    } else {
      if (tier.note) notes.push(`rating ${JSON.stringify(text)} read as ${tier.rating}`);
      rating = tier.rating;
    }
  }

  // "recommendation" carries a side word or a tier; it only fills what the dedicated keys left empty.
  if (recommendation !== undefined && (side === null || rating === null)) {
    const text = typeof recommendation === 'string' ? recommendation : JSON.stringify(recommendation);
    const tier = typeof recommendation === 'string' ? parseTier(recommendation) : null;
    const word = typeof recommendation === 'string' ? parseSideWord(recommendation) : null;
    if (tier !== null && rating === null) {
      if (tier.note) notes.push(`recommendation ${JSON.stringify(text)} read as ${tier.rating}`);
      rating = tier.rating;
    } else if (word !== null && side === null) {
      side = word;
    } else if (tier === null && word === null && side === null && rating === null) {
      return { ok: false, reason: `recommendation ${JSON.stringify(text)} is neither a side nor a rating` };
    }
  }

  if (side !== null && rating !== null && side !== sideOfRating(rating)) {
    return { ok: false, reason: `side ${side} contradicts rating ${rating}` };
  }
  if (side === null && rating !== null) side = sideOfRating(rating);
  if (side === null) return { ok: false, reason: NO_SIDE };
  return { ok: true, side, rating };
}

const CONFIDENCE_WORDS: Record<string, number> = { high: 0.8, medium: 0.5, low: 0.2 };

function readConfidence(value: unknown, notes: string[]): number | null {
  if (value === undefined) return null;
  const shown = show(value);
  const refuse = (why: string): null => {
    notes.push(`confidence ${shown} refused: ${why}`);
    return null;
  };
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return refuse('not a number');
    if (value >= 0 && value <= 1) return value;
    if (value > 1 && value <= 100) {
      notes.push(`confidence ${shown} read as ${(value / 100).toFixed(2)}`);
      return value / 100;
    }
    return refuse('not between 0 and 1 or a percentage');
  }
  if (typeof value !== 'string') return refuse('not a number');

  const text = value.trim().toLowerCase();
  const word = CONFIDENCE_WORDS[text];
  if (word !== undefined) {
    notes.push(`confidence ${shown} read as ${word.toFixed(2)}`);
    return word;
  }
  const match = /^(\d+(?:\.\d+)?|\.\d+)\s*(%?)$/.exec(text);
  if (!match) return refuse('not a number, a percentage or high/medium/low');
  const n = Number(match[1]);
  // "70%" is always a percentage; a bare "70" is read like the number 70.
  const read = match[2] === '%' || n > 1 ? n / 100 : n;
  if (read > 1) return refuse('not between 0 and 1 or a percentage');
  notes.push(`confidence ${shown} read as ${read.toFixed(2)}`);
  return read;
}

function readRationale(value: unknown, notes: string[]): string {
  const text =
    value === undefined ? '' : typeof value === 'string' ? value.trim() : JSON.stringify(value).trim();
  if (text === '') {
    notes.push('no rationale given');
    return '';
  }
  if (text.length > RATIONALE_MAX) {
    notes.push(`rationale cut to ${RATIONALE_MAX} characters (was ${text.length})`);
    return text.slice(0, RATIONALE_MAX);
  }
  return text;
}

// ---- levels ----

interface Levels {
  stopLoss: number | null;
  takeProfit: number | null;
  stopLossPips: number | null;
  takeProfitPips: number | null;
}

type Kind = 'stop' | 'target';
const NAMES: Record<Kind, { price: string; pips: string }> = {
  stop: { price: 'stop_loss', pips: 'stop_loss_pips' },
  target: { price: 'take_profit', pips: 'take_profit_pips' },
};

function readLevels(
  side: 'BUY' | 'SELL',
  stopValue: unknown,
  targetValue: unknown,
  stopPipsValue: unknown,
  targetPipsValue: unknown,
  context: VerdictContext,
  notes: string[],
): Levels {
  const ref = usable(context.referencePrice);
  const pip = usable(context.pipSize);
  const maxDistance = context.maxLevelDistance ?? DEFAULT_MAX_LEVEL_DISTANCE;
  const stop = readLevel('stop', side, stopValue, stopPipsValue, ref, pip, maxDistance, notes);
  const target = readLevel('target', side, targetValue, targetPipsValue, ref, pip, maxDistance, notes);
  return {
    stopLoss: stop.price,
    takeProfit: target.price,
    stopLossPips: stop.pips,
    takeProfitPips: target.pips,
  };
}

function usable(n: number | null): number | null {
  return n !== null && Number.isFinite(n) && n > 0 ? n : null;
}

function readLevel(
  kind: Kind,
  side: 'BUY' | 'SELL',
  priceValue: unknown,
  pipsValue: unknown,
  ref: number | null,
  pip: number | null,
  maxDistance: number,
  notes: string[],
): { price: number | null; pips: number | null } {
  const names = NAMES[kind];
  let price: number | null = null;
  let pips = readPips(names.pips, pipsValue, notes);

  if (priceValue !== undefined) {
    const read = readPrice(names.price, priceValue, notes);
    if (read.pips !== null) {
      if (pips === null) pips = read.pips;
      else if (pips !== read.pips)
        notes.push(`${names.price} ${show(priceValue)} ignored: ${names.pips} was given`);
    }
    price = read.price;
  }

  if (price !== null && pips !== null) {
    notes.push(`${names.pips} ignored: a price was given`);
  } else if (price === null && pips !== null) {
    if (ref === null) notes.push(`${names.pips} ${pips} not converted: the reference price is unknown`);
    else if (pip === null) notes.push(`${names.pips} ${pips} not converted: the pip size is unknown`);
    else {
      // Away from the price on the losing side for a stop, the winning side for a target.
      const direction = (side === 'BUY') === (kind === 'target') ? 1 : -1;
      price = Number((ref + direction * pips * pip).toFixed(10));
      notes.push(`${names.price} ${price} from ${pips} pips`);
      if (price <= 0) {
        notes.push(`${names.price} ${price} refused: not a positive price`);
        price = null;
      }
    }
  }

  if (price !== null && ref !== null) price = checkAgainstPrice(kind, side, price, ref, maxDistance, notes);
  return { price, pips };
}

/** A price field's value; "35 pips" in it is read as pips. */
function readPrice(
  name: string,
  value: unknown,
  notes: string[],
): { price: number | null; pips: number | null } {
  const shown = show(value);
  const none = { price: null, pips: null };
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value > 0) return { price: value, pips: null };
    notes.push(`${name} ${shown} refused: not a positive price`);
    return none;
  }
  if (typeof value === 'string') {
    const text = value.trim();
    const pipsMatch = /^(-?\d+(?:\.\d+)?)\s*pips?$/i.exec(text);
    if (pipsMatch) {
      const n = Number(pipsMatch[1]);
      if (n > 0) {
        notes.push(`${name} ${shown} read as ${n} pips`);
        return { price: null, pips: n };
      }
      notes.push(`${name} ${shown} refused: not a positive number of pips`);
      return none;
    }
    const n = numeric(text.replace(/^\$\s*/, ''));
    if (n !== null && n > 0) {
      notes.push(`${name} ${shown} read as ${n}`);
      return { price: n, pips: null };
    }
  }
  notes.push(`${name} ${shown} refused: not a positive price`);
  return none;
}

function readPips(name: string, value: unknown, notes: string[]): number | null {
  if (value === undefined) return null;
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string'
        ? numeric(value.trim().replace(/\s*pips?$/i, ''))
        : null;
  if (n !== null && Number.isFinite(n) && n > 0) {
    if (typeof value === 'string') notes.push(`${name} ${show(value)} read as ${n}`);
    return n;
  }
  notes.push(`${name} ${show(value)} refused: not a positive number of pips`);
  return null;
}

/** A plain decimal number ("1.0850", "-3"); Number() alone would also take "", "0x10" and "1e3". */
function numeric(text: string): number | null {
  return /^-?(\d+(\.\d*)?|\.\d+)$/.test(text) ? Number(text) : null;
}

function checkAgainstPrice(
  kind: Kind,
  side: 'BUY' | 'SELL',
  price: number,
  ref: number,
  maxDistance: number,
  notes: string[],
): number | null {
  const name = NAMES[kind].price;
  const mustBeAbove = (side === 'BUY') === (kind === 'target');
  if (mustBeAbove ? price <= ref : price >= ref) {
    const where = price === ref ? 'at' : price > ref ? 'above' : 'below';
    notes.push(`${name} ${price} refused: ${where} the price ${ref} for a ${side}`);
    return null;
  }
  const distance = Math.abs(price - ref) / ref;
  if (distance > maxDistance) {
    notes.push(
      `${name} ${price} refused: ${(distance * 100).toFixed(1)}% from the price ${ref} ` +
        `(implausible beyond ${(maxDistance * 100).toFixed(0)}%)`,
    );
    return null;
  }
  return price;
}

/** A value as it appears in a note: numbers bare, everything else as JSON ("35 pips" quoted). */
function show(value: unknown): string {
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value) ?? String(value);
}
