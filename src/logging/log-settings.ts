// How loud and in what shape a process logs: a flag, else the environment, else the default — JSON
// lines for a collector when stderr is a file or a pipe, pretty text for a person at a terminal.
import { FatalError } from '../domain/errors.ts';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface LogSettings {
  level: LogLevel;
  format: LogFormat;
}

export interface LogSettingSources {
  /** `--log-level` / `--log-format`, when given. */
  level?: string | undefined;
  format?: string | undefined;
  /** Read for SIGIL_LOG_LEVEL and SIGIL_LOG_FORMAT. */
  env: NodeJS.ProcessEnv;
  /** Whether the log's stream is a terminal: pretty by default if so. */
  isTTY: boolean;
}

export function logSettings(sources: LogSettingSources): LogSettings {
  const level = sources.level ?? sources.env.SIGIL_LOG_LEVEL;
  const format = sources.format ?? sources.env.SIGIL_LOG_FORMAT;
  return {
    level:
      level === undefined || level === '' ? 'info' : oneOf(LOG_LEVELS, level, 'log level', sources.level),
    format:
      format === undefined || format === ''
        ? sources.isTTY
          ? 'pretty'
          : 'json'
        : oneOf(LOG_FORMATS, format, 'log format', sources.format),
  };
}

function oneOf<T extends string>(
  allowed: readonly T[],
  value: string,
  what: string,
  flag: string | undefined,
): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  const source =
    flag === undefined ? `SIGIL_${what.replace(' ', '_').toUpperCase()}` : `--${what.replace(' ', '-')}`;
  // Code 'config': a bad setting stops the command before it runs (exit 2), like a bad config key.
  throw new FatalError('config', `${source} must be one of ${allowed.join(', ')}, got "${value}"`);
}
