// `sigil sweep` end to end, through the real binary: what a user types, the exit code, what it prints and
// writes. Each sweep is kept small — the reference strategy on two pairs of the bundled hourly candles
// over one to five months, at most two workers — so the file runs in well under a minute; the
// statistics themselves are tested in src/research/*.test.ts.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import type { SettingResult, SweepReport } from '../research/sweep-report.ts';
import { sigilAsync, type SigilRun } from '../../test/support/sigil-cli.ts';
import { tempDir } from '../../test/support/temp-dir.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(REPO, 'bin/sigil.js');
const PROBE = join(REPO, 'test/fixtures/sweep/probe.ts');
const VERDICTS = ['the best setting is likely real', 'the data cannot tell it from luck'];
const DAY = 86_400_000;
const utc = (day: string) => Date.parse(`${day}T00:00:00Z`);

/** The reference strategy as shipped, on two pairs of the bundled candles, with `changes` merged in. */
function referenceConfig(changes: Record<string, unknown> = {}): string {
  const values = parse(readFileSync(join(REPO, 'config/reference-strategy.yaml'), 'utf8')) as Record<
    string,
    Record<string, unknown>
  >;
  values['market'] = {
    ...values['market'],
    data: join(REPO, 'data/crypto/1h'),
    symbols: ['BTCUSDT', 'ETHUSDT'],
  };
  return stringify({ ...values, ...changes });
}

/** What must be equal between two runs of one sweep: everything but wall time and the worker count. */
function withoutTiming(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTiming);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== 'seconds' && key !== 'workers')
      .map(([key, v]) => [key, withoutTiming(v)]),
  );
}

function report(run: SigilRun): SweepReport {
  assert.equal(run.code, 0, run.err);
  return JSON.parse(run.out) as SweepReport;
}

/** A promise made on first use and shared by the tests that read it. */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
}

describe('sigil sweep', () => {
  const dir = tempDir('sigil-sweep-');
  const file = (name: string) => join(dir.path, name);
  const config = file('reference.yaml');
  const sweep = (args: readonly string[], configFile = config) =>
    sigilAsync(['--config', configFile, 'sweep', '--no-progress', ...args], dir.path);

  before(() => {
    writeFileSync(config, referenceConfig());
  });
  after(() => dir.remove());

  describe('a grid of six settings', () => {
    const GRID = '{scanner.breakout_lookback: [15, 20, 30], risk.trail_atr_multiplier: [2, 3]}';
    const SPAN = ['--from', '2023-01-01', '--to', '2023-02-01'];
    // A month of two pairs makes 26 to 42 trades a setting: all six are ranked above 20.
    const SWEEP = ['--grid', GRID, ...SPAN, '--min-trades', '20'];
    const html = file('sweep.html');
    const chosen = file('chosen.yaml');
    const onTwo = once(() =>
      sweep([...SWEEP, '--workers', '2', '--json', '--html', html, '--out-config', chosen]),
    );
    const onOne = once(() => sweep([...SWEEP, '--workers', '1', '--json']));

    it('ranks the settings beside the config as written and judges the best', async () => {
      const run = await onTwo();
      const r = report(run);
      assert.deepEqual(r.keys, ['scanner.breakout_lookback', 'risk.trail_atr_multiplier']);
      assert.deepEqual(r.symbols, ['BTCUSDT', 'ETHUSDT']);
      assert.deepEqual([r.from, r.to], [utc('2023-01-01'), utc('2023-02-01')]);
      assert.deepEqual([r.total, r.finished, r.interrupted], [6, 6, false]);
      assert.deepEqual(
        r.settings.map((s) => [s.index, s.status]),
        [0, 1, 2, 3, 4, 5].map((i) => [i, 'ok']),
      );

      const ranked = r.settings.filter((s) => s.rank !== null).sort((a, b) => rankOf(a) - rankOf(b));
      assert.equal(ranked.length, 6);
      assert.deepEqual(
        ranked.map(rankOf),
        ranked.map((_, i) => i + 1),
      );
      for (const s of r.settings) {
        const m = s.metrics;
        assert.ok(m);
        if (s.rank === null) assert.ok(m.trades < r.minTrades || s.objective === null, s.label);
        else assert.ok(m.trades >= r.minTrades && s.objective === m.expectancy, s.label);
      }
      const best = ranked[0] as SettingResult;
      assert.equal(r.best, best.index);
      assert.equal(best.objective, Math.max(...ranked.map((s) => s.objective as number)));
      assert.equal(
        best.label,
        `scanner.breakout_lookback=${String(best.values['scanner.breakout_lookback'])} risk.trail_atr_multiplier=${String(best.values['risk.trail_atr_multiplier'])}`,
      );
      assert.ok(r.bestEquity.length > 1 && r.ownEquity.length > 1);
      assert.equal(r.scatter.basis, 'halves');
      assert.equal(r.walkForward, null);

      assert.ok(r.own);
      assert.deepEqual(
        [r.own.index, r.own.label, r.own.status, r.own.rank],
        [-1, 'config as written', 'ok', null],
      );
      assert.ok((r.own.metrics?.trades ?? 0) > 0);
      // The config as written (lookback 20, trail 3) is setting 3 of the grid: run once, reported twice.
      const twin = r.settings.find((s) => s.index === 3);
      assert.deepEqual(twin?.values, { 'scanner.breakout_lookback': 20, 'risk.trail_atr_multiplier': 3 });
      assert.deepEqual([r.own.metrics, r.own.seconds], [twin?.metrics, twin?.seconds]);

      const stats = r.statistics;
      assert.ok(stats);
      assert.equal(stats.deflatedSharpe.trials, 6);
      assert.ok(stats.deflatedSharpe.value !== null && stats.deflatedSharpe.value >= 0);
      assert.ok(stats.deflatedSharpe.value <= 1);
      const { blocks, combinations } = stats.overfitting;
      assert.ok(blocks >= 2 && blocks % 2 === 0, `blocks ${blocks}`);
      assert.equal(combinations, choose(blocks, blocks / 2));
      assert.ok(stats.overfitting.value !== null && stats.overfitting.value >= 0);
      assert.ok(stats.overfitting.value <= 1);
      const boot = stats.bootstrap.best;
      assert.ok(boot);
      assert.deepEqual([boot.index, boot.trades], [best.index, best.metrics?.trades]);
      assert.ok(boot.ci[0] <= boot.expectancy && boot.expectancy <= boot.ci[1]);
      assert.equal(stats.bootstrap.comparison?.a, 'config as written');
      assert.equal(stats.bootstrap.comparison?.b, best.label);
      assert.ok(VERDICTS.includes(stats.verdict.text), stats.verdict.text);
      assert.equal(stats.verdict.likelyReal, stats.verdict.text === VERDICTS[0]);
      assert.ok(stats.verdict.reasons.length >= 3);

      assert.ok(readFileSync(html, 'utf8').includes(stats.verdict.text), 'the HTML report has the verdict');
      assert.match(run.err, /wrote .*chosen\.yaml with variant sweep_best \(scanner\.breakout_lookback=/);
    });

    it('writes the best setting as variant sweep_best, which sigil ab runs as the sweep did', async () => {
      const r = report(await onTwo());
      const best = r.settings.find((s) => s.index === r.best);
      const ab = await sigilAsync(
        ['--config', chosen, 'ab', '--variants', 'reference,sweep_best', ...SPAN, '--json'],
        dir.path,
      );
      assert.equal(ab.code, 0, ab.err);
      const variants = (JSON.parse(ab.out) as { variants: { variantId: string; trades: number }[] }).variants;
      const trades = Object.fromEntries(variants.map((v) => [v.variantId, v.trades]));
      assert.deepEqual(trades, { reference: r.own?.metrics?.trades, sweep_best: best?.metrics?.trades });
    });

    it('gives the same report on one worker as on two', async () => {
      const [two, one] = [report(await onTwo()), report(await onOne())];
      assert.deepEqual([two.workers, one.workers], [2, 1]);
      assert.deepEqual(withoutTiming(one), withoutTiming(two));
    });

    it('prints the ranked table with the swept keys as columns, and the verdict', async () => {
      const r = report(await onTwo());
      const run = await sweep([...SWEEP, '--workers', '2']);
      assert.equal(run.code, 0, run.err);
      const lines = run.out.split('\n');
      assert.match(lines[0] ?? '', /^Sweep of .*reference\.yaml \(variant reference\).*6 of 6 settings/);
      const header = lines.find((l) => l.startsWith('rank'));
      assert.match(header ?? '', /^rank +breakout_lookback +trail_atr_multiplier +trades +expectancy ▼/);
      const best = r.settings.find((s) => s.index === r.best);
      const first = lines[lines.indexOf(header ?? '') + 1] ?? '';
      const cells = first.split(/\s+/);
      assert.deepEqual(cells.slice(0, 4), [
        '1',
        String(best?.values['scanner.breakout_lookback']),
        String(best?.values['risk.trail_atr_multiplier']),
        String(best?.metrics?.trades),
      ]);
      assert.ok(lines.some((l) => /^own +as written +as written +\d+/.test(l)));
      assert.ok(lines.includes(`Verdict: ${r.statistics?.verdict.text}.`), run.out);
    });
  });

  it('walks forward: picks a setting on each training span and stitches the test spans', async () => {
    const r = report(
      await sweep([
        '--grid',
        '{scanner.breakout_lookback: [15, 20, 30]}',
        '--from',
        '2023-01-01',
        '--to',
        '2023-06-01',
        '--walk-forward',
        'train=2mo,test=1mo',
        '--workers',
        '2',
        '--json',
      ]),
    );
    const wf = r.walkForward;
    assert.ok(wf);
    assert.equal(wf.spec, 'train=2mo,test=1mo');
    assert.equal(r.scatter.basis, 'walk-forward');
    const months = ['2023-01-01', '2023-02-01', '2023-03-01', '2023-04-01', '2023-05-01', '2023-06-01'];
    assert.deepEqual(
      wf.windows.map((w) => [w.trainFrom, w.trainTo, w.testFrom, w.testTo]),
      [0, 1, 2].map((k) => [months[k], months[k + 2], months[k + 2], months[k + 3]].map((d) => utc(d ?? ''))),
    );
    // Every setting made the minimum on every training span, so each window scores all three.
    assert.equal(r.scatter.points.length, 3 * 3);
    wf.windows.forEach((w, k) => {
      const scored = r.scatter.points.slice(3 * k, 3 * k + 3);
      assert.ok(w.chosen !== null && w.test !== null, `window ${k} chose a setting`);
      assert.equal(w.trainObjective, Math.max(...scored.map((p) => p.inSample)));
      assert.equal(scored.find((p) => p.index === w.chosen)?.outOfSample, w.test.expectancy);
    });
    const testTrades = wf.windows.reduce((sum, w) => sum + (w.test?.trades ?? 0), 0);
    assert.equal(wf.outOfSample.trades, testTrades);
    assert.ok(wf.inSample.trades > 0);
    const best = r.settings.find((s) => s.index === r.best);
    assert.ok(wf.inSample.trades <= (best?.metrics?.trades ?? 0));
    assert.equal(wf.equity[0]?.time, utc('2023-03-01'));
    assert.equal(wf.equity.length, (utc('2023-06-01') - utc('2023-03-01')) / DAY);
    assert.ok(Math.abs((wf.equity.at(-1)?.outOfSample ?? NaN) - wf.outOfSample.totalPnl) < 1e-9);
    assert.ok(Math.abs((wf.equity.at(-1)?.inSample ?? NaN) - wf.inSample.totalPnl) < 1e-9);
    assert.ok(r.statistics?.verdict.reasons.some((reason) => reason.startsWith('Walk-forward')));
  });

  describe('refuses bad input with exit 2, naming the problem, before anything runs', () => {
    const twoVariants = file('two-variants.yaml');
    const daily = file('daily.yaml');
    const ok = ['--grid', '{scanner.breakout_lookback: [15, 30]}'];
    const span = ['--from', '2023-01-01', '--to', '2023-03-01'];
    const CASES: readonly (readonly [name: string, args: string[], message: RegExp, configFile?: string])[] =
      [
        ['an empty grid', ['--grid', '{}'], /--grid: the grid names no key/],
        [
          'an unknown key',
          ['--grid', '{risk.no_such_key: [1, 2]}'],
          /cannot sweep risk\.no_such_key: unknown key: risk has no key "no_such_key"/,
        ],
        [
          'a value the schema refuses',
          ['--grid', '{risk.hard_stop_multiplier: [1, -1]}'],
          /1 of 2 settings are not valid.*\n.*setting 1 \(risk\.hard_stop_multiplier=-1\):.*risk\.hard_stop_multiplier: Too small/,
        ],
        [
          'a word where a number goes',
          ['--grid', '{risk.hard_stop_multiplier: [1, wide]}'],
          /setting 1 \(risk\.hard_stop_multiplier=wide\):.*risk\.hard_stop_multiplier: expected number/,
        ],
        [
          'a key of another variant',
          ['--variant', 'a', '--grid', '{variants.b.risk.hard_stop_multiplier: [1, 2]}'],
          /cannot sweep variants\.b\.risk\.hard_stop_multiplier: the variant b is not the one swept \(a\).*--variant b/,
          twoVariants,
        ],
        [
          "a key the variant's overlay sets",
          ['--variant', 'b', '--grid', '{risk.hard_stop_multiplier: [1, 2]}'],
          /the variant b sets risk\.hard_stop_multiplier itself.*sweep variants\.b\.risk\.hard_stop_multiplier instead/,
          twoVariants,
        ],
        [
          'several variants and no --variant',
          ok,
          /two-variants\.yaml has several variants \(a, b\): name the one to sweep with --variant/,
          twoVariants,
        ],
        [
          'store.url',
          ['--grid', '{store.url: ["sqlite:a.db", "sqlite:b.db"]}'],
          /cannot sweep store\.url: store\.\* has no effect on a backtest/,
        ],
        [
          'a distribution without --samples',
          ['--grid', '{risk.hard_stop_multiplier: {uniform: [1, 2]}}'],
          /risk\.hard_stop_multiplier is a distribution \(uniform\): give --samples N/,
        ],
        [
          'overlapping walk-forward test spans',
          [...ok, ...span, '--walk-forward', 'train=2mo,test=2mo,step=1mo'],
          /--walk-forward train=2mo,test=2mo,step=1mo: the step is shorter than the test span/,
        ],
        [
          'a walk-forward test span shorter than one bar',
          [...ok, '--walk-forward', 'train=2mo,test=1h'],
          /--walk-forward train=2mo,test=1h: the test span is shorter than one bar/,
          daily,
        ],
        [
          'a walk-forward longer than the data',
          [...ok, ...span, '--walk-forward', 'train=2mo,test=1mo'],
          /the data runs 2023-01-01 → 2023-03-01, too short for one training span and its test span/,
        ],
        ['an unknown objective', [...ok, '--objective', 'nope'], /--objective <name>.*'nope' is invalid/],
        [
          'a heatmap key not swept',
          [
            '--grid',
            '{scanner.breakout_lookback: [15, 30], risk.hard_stop_multiplier: [1, 2]}',
            '--heatmap',
            'scanner.breakout_lookback,risk.trail_atr_multiplier',
          ],
          /--heatmap takes two of the swept keys/,
        ],
      ];
    const runs = new Map<string, SigilRun>();

    before(async () => {
      writeFileSync(
        twoVariants,
        referenceConfig({ variants: { a: null, b: { risk: { hard_stop_multiplier: 2 } } } }),
      );
      const values = parse(referenceConfig()) as Record<string, Record<string, unknown>>;
      values['market'] = { data: join(REPO, 'data/fx/1d'), timeframe: '1d', symbols: ['EURUSD'] };
      writeFileSync(daily, stringify(values));
      // Each refusal is a process start and little else: a few at a time.
      const queue = CASES.map(([name, args, , configFile], i) => async () => {
        runs.set(name, await sweep([...args, '--html', file(`refused-${i}.html`)], configFile));
      });
      const lane = async () => {
        for (let next = queue.shift(); next; next = queue.shift()) await next();
      };
      await Promise.all([lane(), lane(), lane()]);
    });

    for (const [name, , message] of CASES) {
      it(name, () => {
        const run = runs.get(name);
        assert.ok(run);
        assert.equal(run.code, 2, run.err);
        assert.match(run.err, message);
        assert.equal(run.out, '');
      });
    }

    it('wrote no report for any of them', () => {
      CASES.forEach((_, i) => assert.equal(existsSync(file(`refused-${i}.html`)), false));
    });

    it('a missing --config', async () => {
      const run = await sigilAsync(['sweep', ...ok], dir.path);
      assert.equal(run.code, 2);
      assert.match(run.err, /sweep needs the configuration to vary: --config FILE/);
      assert.equal(run.out, '');
    });
  });

  it('runs a grid of one setting, warning that there is nothing to choose between', async () => {
    const run = await sweep([
      '--grid',
      '{scanner.breakout_lookback: [30]}',
      '--from',
      '2023-01-01',
      '--to',
      '2023-02-01',
      '--min-trades',
      '5',
      '--workers',
      '1',
      '--json',
    ]);
    const r = report(run);
    assert.match(run.err, /the grid has one setting: there is nothing to choose between/);
    assert.deepEqual(
      r.settings.map((s) => [s.status, s.rank]),
      [['ok', 1]],
    );
    assert.equal(r.best, 0);
    assert.equal(r.statistics?.overfitting.value, null);
    assert.equal(r.statistics?.bootstrap.comparison?.a, 'config as written');
    assert.ok(VERDICTS.includes(r.statistics?.verdict.text ?? ''));
  });

  describe('with too few trades to rank any setting', () => {
    const args = ['--grid', '{scanner.breakout_lookback: [20, 30]}', '--from', '2023-01-01'];
    const few = [...args, '--to', '2023-02-01', '--min-trades', '100000', '--workers', '2'];

    it('ranks none and cannot tell the best from luck', async () => {
      const r = report(await sweep([...few, '--json']));
      assert.deepEqual(
        r.settings.map((s) => [s.status, s.rank, s.objective]),
        [
          ['ok', null, null],
          ['ok', null, null],
        ],
      );
      assert.ok(r.settings.every((s) => (s.metrics?.trades ?? 0) > 0));
      assert.equal(r.best, null);
      assert.equal(r.statistics?.verdict.likelyReal, false);
      assert.equal(r.statistics?.verdict.text, 'the data cannot tell it from luck');
      assert.match(r.statistics?.verdict.reasons.join('\n') ?? '', /minimum of 100000 trades/);
    });

    it('writes no --out-config, says why and exits 1', async () => {
      const out = file('never.yaml');
      const run = await sweep([...few, '--out-config', out]);
      assert.equal(run.code, 1, run.err);
      assert.match(
        run.err,
        /--out-config: nothing written to .*never\.yaml: no setting made the minimum of 100000 trades/,
      );
      assert.equal(existsSync(out), false);
      assert.match(run.out, /Verdict: the data cannot tell it from luck\./);
    });
  });

  it('reports a setting that throws as failed, with its reason, and runs the others', async () => {
    const strategy = file('probe.yaml');
    writeFileSync(
      strategy,
      referenceConfig({ scanner: { module: PROBE, params: { lookback: 20 } }, variants: { probe: null } }),
    );
    const r = report(
      await sweep(
        [
          '--grid',
          '{scanner.params.lookback: [20, 13]}',
          '--from',
          '2023-01-01',
          '--to',
          '2023-02-01',
          '--min-trades',
          '1',
          '--workers',
          '2',
          '--json',
        ],
        strategy,
      ),
    );
    assert.deepEqual(
      r.settings.map((s) => [s.label, s.status, s.error]),
      [
        ['scanner.params.lookback=20', 'ok', null],
        ['scanner.params.lookback=13', 'failed', 'lookback 13 is unlucky'],
      ],
    );
    const failed = r.settings[1];
    assert.deepEqual([failed?.metrics, failed?.objective, failed?.rank], [null, null, null]);
    assert.equal(r.best, 0);
    assert.equal(r.own?.status, 'ok');
    assert.deepEqual([r.finished, r.interrupted], [2, false]);
  });

  it('stops at Ctrl-C, reports the settings finished and exits 130', async () => {
    const strategy = file('probe-ctrl-c.yaml');
    const out = file('interrupted.yaml');
    writeFileSync(
      strategy,
      referenceConfig({ scanner: { module: PROBE, params: { lookback: 20 } }, variants: { probe: null } }),
    );
    const env = { ...process.env };
    delete env.SIGIL_DB;
    // 40 settings one after the other: some 20 s of work, stopped within a second or two of its start.
    const child = spawn(
      process.execPath,
      [
        BIN,
        '--config',
        strategy,
        'sweep',
        '--grid',
        '{scanner.params.lookback: {from: 14, to: 53, step: 1}}',
        '--from',
        '2023-01-01',
        '--to',
        '2023-03-01',
        '--workers',
        '1',
        '--no-progress',
        '--out-config',
        out,
      ],
      { cwd: dir.path, env },
    );
    let stdout = '';
    let stderr = '';
    let signalled = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      // One worker runs the config as written, then lookback 14, then 15: once 15 starts, the first
      // setting has finished and Sigil's own SIGINT handler is long in place.
      if (!signalled && stderr.includes('prepare lookback=15\n')) {
        signalled = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));

    assert.ok(signalled, `the sweep ended before it was interrupted: ${stderr}`);
    assert.equal(code, 130, stderr);
    const interrupted = /Interrupted: (\d+) of 40 settings finished\./.exec(stdout);
    assert.ok(interrupted, stdout);
    const finished = Number(interrupted[1]);
    assert.ok(finished >= 1 && finished < 40, `${finished} finished`);
    assert.match(stdout, /^\d+ +14 +\d+ /m, 'the finished setting is in the table');
    assert.doesNotMatch(stdout, /Verdict:/);
    assert.match(stderr, /stopping: the settings finished so far are reported/);
    assert.match(stderr, /--out-config: nothing written to .*: the sweep was interrupted/);
    assert.equal(existsSync(out), false);
  });
});

function rankOf(s: SettingResult): number {
  return s.rank ?? Number.POSITIVE_INFINITY;
}

/** n choose k. */
function choose(n: number, k: number): number {
  let result = 1;
  for (let i = 1; i <= k; i++) result = (result * (n - k + i)) / i;
  return result;
}
