// A command's logger, from the global --log-level / --log-format (else SIGIL_LOG_LEVEL / SIGIL_LOG_FORMAT,
// else info, pretty on a terminal and JSON lines otherwise), on stderr: stdout stays the command's output.
import type { Command } from 'commander';
import { logSettings } from '../logging/log-settings.ts';
import { createLogger, type Logger, type LoggerOptions, type LogStream } from '../logging/logger.ts';

export interface LogOptions {
  logLevel?: string;
  logFormat?: string;
  verbose?: boolean;
}

/**
 * `stream`: where the lines go, default stderr; a command drawing a progress bar passes the bar's
 * `writeAbove`, so a line never lands in the middle of the bar.
 */
export function commandLogger(
  command: Command,
  stream: LogStream = process.stderr,
  extra: Pick<LoggerOptions, 'barTime'> = {},
): Logger {
  const options = command.optsWithGlobals<LogOptions>();
  const settings = logSettings({
    level: options.logLevel,
    format: options.logFormat,
    env: process.env,
    isTTY: process.stderr.isTTY === true,
  });
  return createLogger({
    ...settings,
    stream: { write: (text) => stream.write(text), isTTY: process.stderr.isTTY === true },
    errorStacks: options.verbose === true,
    ...extra,
  });
}
