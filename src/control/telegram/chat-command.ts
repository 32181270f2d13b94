// What a chat message asks for, parsed once: a read (answered from the store), a change (halt, reset,
// stop entries, exit — each confirmed first), or a reason it is neither. Pure: the variants a command
// may name are given, so an unknown one is refused here, before anyone is asked to confirm it.

export const READ_COMMANDS = [
  'status',
  'positions',
  'trades',
  'profit',
  'daily',
  'balance',
  'locks',
  'help',
] as const;
export type ReadCommandName = (typeof READ_COMMANDS)[number];

export const CHANGE_COMMANDS = ['halt', 'reset', 'stopentries', 'exit'] as const;
export type ChangeCommandName = (typeof CHANGE_COMMANDS)[number];

/** `/exit VARIANT all` closes every open position of the variant. */
export const ALL_POSITIONS = 'all';

/** `/profit` and `/daily` look back at most this far; `/trades` lists at most this many. */
export const MAX_DAYS = 3650;
export const MAX_TRADES = 50;
export const DEFAULT_TRADES = 10;
export const DEFAULT_DAILY_DAYS = 7;

export type ReadCommand =
  | { kind: 'read'; name: Exclude<ReadCommandName, 'profit' | 'trades' | 'daily'> }
  | { kind: 'read'; name: 'profit'; days: number | null }
  | { kind: 'read'; name: 'daily'; days: number }
  | { kind: 'read'; name: 'trades'; count: number };

export type ChangeCommand =
  | { kind: 'change'; name: Exclude<ChangeCommandName, 'exit'>; variant: string }
  | { kind: 'change'; name: 'exit'; variant: string; symbol: string };

export type ChatCommand =
  | ReadCommand
  | ChangeCommand
  /** A command the bot knows, used wrongly: `message` says how to use it. */
  | { kind: 'invalid'; message: string }
  /** Not a command the bot knows (or not a command at all). */
  | { kind: 'unknown'; text: string };

const USAGE: Record<ReadCommandName | ChangeCommandName, string> = {
  status: '/status',
  positions: '/positions',
  trades: `/trades [count, up to ${MAX_TRADES}]`,
  profit: '/profit [days]',
  daily: `/daily [days, default ${DEFAULT_DAILY_DAYS}]`,
  balance: '/balance',
  locks: '/locks',
  help: '/help',
  halt: '/halt VARIANT',
  reset: '/reset VARIANT',
  stopentries: '/stopentries VARIANT',
  exit: '/exit VARIANT SYMBOL|all',
};

export function usageOf(name: ReadCommandName | ChangeCommandName): string {
  return USAGE[name];
}

export function parseChatCommand(text: string, variants: readonly string[]): ChatCommand {
  const words = text.trim().split(/\s+/);
  const head = words[0] ?? '';
  // `/status@SigilBot` in a group names the bot the command is for.
  const match = /^\/([A-Za-z_]+)(?:@\w+)?$/.exec(head);
  if (!match) return { kind: 'unknown', text: text.trim() };
  const name = (match[1] ?? '').toLowerCase();
  const args = words.slice(1);
  if (name === 'start') return { kind: 'read', name: 'help' };
  if (isReadName(name)) return readCommand(name, args);
  if (isChangeName(name)) return changeCommand(name, args, variants);
  return { kind: 'unknown', text: head };
}

/** The same change typed twice reads the same: the second one within the window confirms the first. */
export function changeKey(command: ChangeCommand): string {
  return command.name === 'exit'
    ? `exit ${command.variant} ${command.symbol}`
    : `${command.name} ${command.variant}`;
}

function readCommand(name: ReadCommandName, args: readonly string[]): ChatCommand {
  const usage = () => ({ kind: 'invalid' as const, message: `usage: ${USAGE[name]}` });
  if (name === 'profit' || name === 'daily' || name === 'trades') {
    if (args.length > 1) return usage();
    const limit = name === 'trades' ? MAX_TRADES : MAX_DAYS;
    const given = args[0] === undefined ? null : wholeNumber(args[0], limit);
    if (given === undefined) return usage();
    if (name === 'profit') return { kind: 'read', name, days: given };
    if (name === 'daily') return { kind: 'read', name, days: given ?? DEFAULT_DAILY_DAYS };
    return { kind: 'read', name, count: given ?? DEFAULT_TRADES };
  }
  if (args.length > 0) return usage();
  return { kind: 'read', name };
}

function changeCommand(
  name: ChangeCommandName,
  args: readonly string[],
  variants: readonly string[],
): ChatCommand {
  const wanted = name === 'exit' ? 2 : 1;
  if (args.length !== wanted) return { kind: 'invalid', message: `usage: ${USAGE[name]}` };
  const variant = args[0] ?? '';
  if (!variants.includes(variant)) {
    return {
      kind: 'invalid',
      message: `no variant "${variant}" in this process; its variants: ${variants.join(', ')}`,
    };
  }
  if (name !== 'exit') return { kind: 'change', name, variant };
  const symbol = args[1] ?? '';
  return {
    kind: 'change',
    name,
    variant,
    symbol: symbol.toLowerCase() === ALL_POSITIONS ? ALL_POSITIONS : symbol,
  };
}

/** A whole number from 1 to `max`; undefined when the word is anything else. */
function wholeNumber(word: string, max: number): number | undefined {
  if (!/^\d{1,6}$/.test(word)) return undefined;
  const value = Number(word);
  return value >= 1 && value <= max ? value : undefined;
}

function isReadName(name: string): name is ReadCommandName {
  return (READ_COMMANDS as readonly string[]).includes(name);
}

function isChangeName(name: string): name is ChangeCommandName {
  return (CHANGE_COMMANDS as readonly string[]).includes(name);
}
