// The progress bar on a fake terminal: percentage, counts, ETA and detail are drawn, stop() ends the line,
// lines written above keep the bar whole; on a pipe or with --quiet nothing is written at all.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stripVTControlCharacters } from 'node:util';
import { progressBar, type ProgressStream } from './progress-bar.ts';

function fakeStream(isTTY: boolean): ProgressStream & { text: string } {
  const stream = {
    isTTY,
    columns: 120,
    text: '',
    write(chunk: string) {
      stream.text += chunk;
      return true;
    },
  };
  return stream;
}

/** What a person would read: escape sequences (cursor moves, line clears) out. */
const visible = (text: string) => stripVTControlCharacters(text);

describe('progressBar', () => {
  it('draws the label, percentage, done/total, an ETA and the detail, and ends the line at stop()', () => {
    const stream = fakeStream(true);
    const bar = progressBar({ stream });
    bar.start(200, 'backtest');
    bar.update(50, '2021-05-03 14:00  closed 7');
    bar.stop();
    const shown = visible(stream.text);
    assert.match(shown, /backtest [█░]{20} +25% 50\/200 ETA (\d+[hms]|\d+m\d\ds|--)/);
    assert.match(shown, /2021-05-03 14:00 {2}closed 7/);
    assert.ok(stream.text.endsWith('\n'), 'stop() ends the line');
    const length = stream.text.length;
    bar.stop();
    assert.equal(stream.text.length, length, 'stop() twice writes nothing more');
  });

  it('writes lines above a running bar and draws it again below them', () => {
    const stream = fakeStream(true);
    const bar = progressBar({ stream });
    bar.start(10, 'replay');
    bar.writeAbove('{"level":40,"msg":"store unavailable"}\n');
    bar.update(10);
    bar.stop();
    const shown = visible(stream.text);
    const logAt = shown.indexOf('store unavailable');
    assert.ok(logAt > 0);
    assert.match(shown.slice(logAt), /\nreplay █{20} 100% 10\/10 ETA 0s\n$/);
  });

  it('writes nothing on a stream that is not a terminal, and does not throw', () => {
    const stream = fakeStream(false);
    const bar = progressBar({ stream });
    bar.start(3, 'reading');
    bar.update(1, 'BTCUSDT');
    bar.update(3);
    bar.stop();
    assert.equal(stream.text, '');
    bar.writeAbove('a log line\n');
    assert.equal(stream.text, 'a log line\n', 'lines written above still go through');
  });

  it('writes nothing when disabled (--quiet, --no-progress), even on a terminal', () => {
    const stream = fakeStream(true);
    const bar = progressBar({ stream, enabled: false });
    bar.start(3, 'replay');
    bar.update(2);
    bar.stop();
    assert.equal(stream.text, '');
  });
});
