import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../cli/cli-error.ts';
import { parseWalkForward, walkForward, walkForwardWindows, type SettingTrades } from './walk-forward.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const JAN = Date.UTC(2023, 0, 1);
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);

/** A setting whose trades are [entry day, close day, pnl] from JAN. */
function setting(index: number, trades: [number, number, number][]): SettingTrades {
  return {
    index,
    startingBalance: 1000,
    trades: {
      openedAt: Float64Array.from(trades, ([d]) => JAN + d * DAY),
      closedAt: Float64Array.from(trades, ([, c]) => JAN + c * DAY),
      pnl: Float64Array.from(trades, ([, , p]) => p),
    },
  };
}

describe('walk-forward windows', () => {
  it('roll by calendar months, the step defaulting to the test span', () => {
    const spec = parseWalkForward('train=2mo,test=1mo');
    const windows = walkForwardWindows(spec, JAN, Date.UTC(2023, 5, 1), HOUR);
    assert.deepEqual(
      windows.map(([train, test]) => [iso(train.from), iso(train.to), iso(test.to)]),
      [
        ['2023-01-01', '2023-03-01', '2023-04-01'],
        ['2023-02-01', '2023-04-01', '2023-05-01'],
        ['2023-03-01', '2023-05-01', '2023-06-01'],
      ],
    );
    const yearly = walkForwardWindows(
      parseWalkForward('train=1y,test=2w,step=30d'),
      JAN,
      Date.UTC(2024, 3, 1),
      HOUR,
    );
    assert.equal(iso(yearly[0]?.[1]?.from ?? 0), '2024-01-01');
    assert.equal(iso(yearly[1]?.[0]?.from ?? 0), '2023-01-31');
  });

  it('keep the day of the month, or the month’s last when it has fewer', () => {
    const windows = walkForwardWindows(
      parseWalkForward('train=1mo,test=1mo'),
      Date.UTC(2023, 0, 31),
      Date.UTC(2023, 4, 1),
      HOUR,
    );
    assert.deepEqual(
      windows.map(([train]) => iso(train.to)),
      ['2023-02-28', '2023-03-28'],
    );
  });

  it('refuse what cannot be walked, naming the problem', () => {
    const refused = (spec: string, message: RegExp, end = Date.UTC(2024, 0, 1)) =>
      assert.throws(
        () => walkForwardWindows(parseWalkForward(spec), JAN, end, HOUR),
        (e: unknown) => e instanceof UsageError && message.test(e.message),
      );
    refused('train=2mo,test=2mo,step=1mo', /test spans would overlap/);
    refused('train=2mo,test=0h', /test span is shorter than one bar/);
    refused('train=0d,test=1mo', /training span is shorter than one bar/);
    refused('train=12mo,test=3mo', /too short for one training span/, Date.UTC(2023, 6, 1));
    for (const bad of [
      'train=12m,test=3mo',
      'train=12mo',
      'test=1mo',
      'train=1.5mo,test=1mo',
      'train=1mo,train=2mo,test=1mo',
      'window=3',
    ]) {
      assert.throws(() => parseWalkForward(bad), UsageError, bad);
    }
    // A gap between test spans is allowed: nothing is counted twice.
    assert.equal(
      walkForwardWindows(parseWalkForward('train=1mo,test=1mo,step=2mo'), JAN, Date.UTC(2023, 6, 1), HOUR)
        .length,
      3,
    );
  });
});

describe('walk-forward results', () => {
  // Setting 0 wins in January and loses after; setting 1 the other way round.
  const early = setting(0, [
    [1, 2, 10],
    [5, 6, 10],
    [33, 34, -5],
    [40, 41, -5],
    [62, 63, -5],
  ]);
  const late = setting(1, [
    [1, 2, -1],
    [5, 6, -1],
    [33, 34, 4],
    [40, 41, 4],
    [62, 63, 4],
  ]);
  const spec = parseWalkForward('train=1mo,test=1mo');
  const windows = walkForwardWindows(spec, JAN, Date.UTC(2023, 3, 1), HOUR);
  const walk = (settings: SettingTrades[], best: number | null, minTrades = 1) =>
    walkForward({ spec, windows, settings, best, objective: 'total_pnl', minTrades });

  it('choose on each training span, trade the span after it, and stitch the test spans', () => {
    const { result, points } = walk([early, late], 0);
    // January: 0 made 20, 1 lost 2 → 0 is chosen and loses 10 in February. February: 1 made 8 → chosen, makes 4 in March.
    assert.deepEqual(
      result.windows.map((w) => w.chosen),
      [0, 1],
    );
    assert.deepEqual(
      result.windows.map((w) => w.trainObjective),
      [20, 8],
    );
    assert.deepEqual(
      result.windows.map((w) => w.test?.totalPnl),
      [-10, 4],
    );
    assert.equal(result.outOfSample.totalPnl, -6);
    assert.equal(result.outOfSample.trades, 3);
    // Hindsight's best (setting 0) over the same test spans.
    assert.equal(result.inSample.totalPnl, -15);
    assert.equal(result.equity.at(-1)?.outOfSample, -6);
    assert.equal(result.equity.at(-1)?.inSample, -15);
    assert.deepEqual(
      points.map((p) => [p.index, p.inSample, p.outOfSample]),
      [
        [0, 20, -10],
        [1, -2, 8],
        [0, -10, -5],
        [1, 8, 4],
      ],
    );
  });

  it('choose nothing where no setting has the minimum of trades, and the earlier of equals', () => {
    const { result } = walk([early, late], null, 3);
    assert.deepEqual(
      result.windows.map((w) => w.chosen),
      [null, null],
    );
    assert.equal(result.outOfSample.trades, 0);
    const twin = { ...early, index: 5 };
    const tie = walk([early, twin], 0);
    assert.deepEqual(
      tie.result.windows.map((w) => w.chosen),
      [0, 0],
    );
  });
});
