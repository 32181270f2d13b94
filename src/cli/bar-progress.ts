// The progress bar of a run over bars (a replay, a backtest): fed after each bar, it shows the bar's
// time and what the run has done so far — signals, positions opened and closed — beside the percentage
// and the ETA.
import type { BarSummary } from '../engine/trading-engine.ts';
import type { ProgressBar } from './progress-bar.ts';

export function barProgress(
  bar: ProgressBar,
  label: string,
): (summary: BarSummary, done: number, total: number) => void {
  const totals = { signals: 0, opened: 0, closed: 0 };
  let started = false;
  return (summary, done, total) => {
    totals.signals += summary.signals;
    totals.opened += summary.opened;
    totals.closed += summary.closed.length;
    if (!started) {
      // A resumed replay starts part way: the ETA counts only the bars this run steps through.
      bar.start(total, label, done - 1);
      started = true;
    }
    const at = new Date(summary.at).toISOString().slice(0, 16).replace('T', ' ');
    bar.update(done, `${at}  ${totals.signals} signals, ${totals.opened} opened, ${totals.closed} closed`);
  };
}
