// A progress bar with an ETA, for work long enough to wonder about (a backtest, a replay, a folder of
// candle files): `replay ████████░░░░ 62% 1234/2000 ETA 1m05s  2021-06-03 14:00  12 signals, …`. Drawn on a
// terminal only: in a pipe or a file it writes nothing (cli-progress's own rule), since a log of redrawn
// lines helps no one and stdout, which scripts parse, is never touched.
import cliProgress from 'cli-progress';
import type { Params } from 'cli-progress';

export interface ProgressBar {
  /** `done`: work already behind when the bar starts (a resumed replay), so the ETA counts only what is new. */
  start(total: number, label: string, done?: number): void;
  /** `detail`: a few words after the ETA, e.g. the bar time and the trades so far. */
  update(done: number, detail?: string): void;
  /** Draws the last state and ends the line; idempotent. */
  stop(): void;
  /** Writes whole lines (a log record) above the bar, which is drawn again below them. */
  writeAbove(text: string): void;
}

/** A terminal (stderr), or a fake one in tests. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressBarOptions {
  stream?: ProgressStream;
  /** False for `--quiet` / `--no-progress`: nothing is drawn even on a terminal. */
  enabled?: boolean;
}

const BAR_WIDTH = 20;
/** Bars done over the last this many updates set the pace; a short window makes the ETA jump. */
const ETA_WINDOW = 100;
// cli-progress saves the cursor at start and returns to it at stop; after lines were written above the
// bar, the mark must move down with it.
const SAVE_CURSOR = '\x1b7';
const CLEAR_LINE = '\r\x1b[2K';

export function progressBar(options: ProgressBarOptions = {}): ProgressBar {
  const stream = options.stream ?? process.stderr;
  const drawn = options.enabled !== false && stream.isTTY === true;
  let bar: cliProgress.SingleBar | null = null;
  const stop = () => {
    bar?.stop();
    bar = null;
  };
  return {
    start(total, label, done = 0) {
      if (!drawn) return;
      stop();
      bar = new cliProgress.SingleBar({
        stream: stream as NodeJS.WritableStream,
        format: (_options, params, payload: { detail?: string }) => line(label, params, payload.detail),
        etaBuffer: ETA_WINDOW,
        // Redrawn at each tick even when unchanged, so the bar comes back at once under a line written above.
        forceRedraw: true,
        // Cut to the terminal's width, without switching the terminal's line wrapping off: an interrupted
        // process would leave it off.
        linewrap: true,
      });
      bar.start(total, done, { detail: '' });
    },
    update(done, detail) {
      bar?.update(done, detail === undefined ? {} : { detail });
    },
    stop,
    writeAbove(text) {
      const whole = text.endsWith('\n') ? text : `${text}\n`;
      stream.write(bar === null ? whole : `${CLEAR_LINE}${whole}${SAVE_CURSOR}`);
    },
  };
}

function line(label: string, params: Params, detail: string | undefined): string {
  const filled = Math.round(params.progress * BAR_WIDTH);
  const percent = `${Math.floor(params.progress * 100)}%`.padStart(4);
  const eta = params.value >= params.total ? '0s' : duration(params.eta);
  const text = `${label} ${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)} ${percent} ${params.value}/${params.total} ETA ${eta}`;
  return detail ? `${text}  ${detail}` : text;
}

/** `1h05m`, `3m07s`, `42s`; `--` before the pace is known (cli-progress says NULL or INF). */
function duration(seconds: number): string {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return '--';
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}
