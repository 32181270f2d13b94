// The process logger: pino's JSON lines (one record per line, for a collector) or pino-pretty's text
// (for a person at a terminal), never a secret in either. Records go to the stream given — stderr in the
// CLI, since stdout carries the output scripts parse.
//
// pino-pretty runs in this thread, as a plain function from a JSON line to text, rather than as pino's
// worker-thread transport: a transport buffers, and a process that exits right after logging (a failed
// command, `process.exit`) would lose its last lines.
import pino, { type DestinationStream, type Logger } from 'pino';
import { prettyFactory } from 'pino-pretty';
import type { LogSettings } from './log-settings.ts';
import { secretRedactor } from './redaction.ts';
import { CENSOR, scrubbed, SECRET_PATHS } from './secret-fields.ts';
import { CONTEXT_KEYS } from './log-context.ts';

export type { Logger };

/** Where records are written: a terminal, a file, a pipe, or memory in tests. */
export interface LogStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface LoggerOptions extends LogSettings {
  stream: LogStream;
  /** Secret-named variables (…_API_KEY, …_TOKEN, PGPASSWORD) whose values are scrubbed; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Pretty format: print errors with their stack (JSON always has it); default false, as the CLI's errors. */
  errorStacks?: boolean;
  /** Pretty format: colours; default when the stream is a terminal and NO_COLOR is unset. */
  colorize?: boolean;
  /** pino's `timestamp`: tests pass false or a fixed function. */
  timestamp?: boolean | (() => string);
  /**
   * A replay's simulated time, as the field `bar` of every record: a replay's lines are written in
   * seconds of wall time but are about bars of years ago, and the bar is what explains a trade.
   */
  barTime?: () => number | null;
}

export function createLogger(options: LoggerOptions): Logger {
  const env = options.env ?? process.env;
  // The environment's secrets are read again for each record, not once: commands load .env after the
  // logger may have been made. pino calls the `log` formatter first for every record, its message
  // serializer after, so the message is scrubbed with the same reading.
  let redact = secretRedactor([], env);
  const scrub = (text: string) => redact.text(text);
  const scrubRecord = <T extends object>(record: T) => {
    redact = secretRedactor([], env);
    return scrubbed(record, scrub) as T;
  };
  return pino(
    {
      level: options.level,
      redact: { paths: SECRET_PATHS, censor: CENSOR },
      formatters: { log: scrubRecord, bindings: scrubRecord },
      serializers: {
        // The message too: pino takes it from the error when the call gives none.
        msg: (text: unknown) => (typeof text === 'string' ? scrub(text) : text),
        // Errors were serialized (and scrubbed) with the rest of the record; pino's own serializer would
        // take the copy for an error again and call it an "Object".
        err: (error: unknown) => error,
      },
      ...(options.timestamp !== undefined ? { timestamp: options.timestamp } : {}),
      ...(options.barTime ? { mixin: barField(options.barTime) } : {}),
    },
    options.format === 'pretty' ? prettyStream(options, env) : (options.stream as DestinationStream),
  );
}

function barField(barTime: () => number | null): () => object {
  return () => {
    const at = barTime();
    return at === null ? {} : { bar: new Date(at).toISOString() };
  };
}

function prettyStream(options: LoggerOptions, env: NodeJS.ProcessEnv): DestinationStream {
  const prettify = prettyFactory({
    colorize: options.colorize ?? (options.stream.isTTY === true && env.NO_COLOR === undefined),
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: ['hostname', ...CONTEXT_KEYS, ...(options.errorStacks ? [] : ['err'])].join(','),
    // The context where the eye reads first: `[variant=baseline symbol=BTCUSDT] message`.
    messageFormat: (log, messageKey) => {
      const context = CONTEXT_KEYS.filter((key) => log[key] !== undefined).map(
        (key) => `${key}=${String(log[key])}`,
      );
      const message = String(log[messageKey] ?? '');
      return context.length === 0 ? message : `[${context.join(' ')}] ${message}`;
    },
  });
  return { write: (line: string) => void options.stream.write(prettify(line)) };
}
