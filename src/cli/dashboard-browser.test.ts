// The dashboard in a real browser (Debian's Chromium through playwright-core), served by a running
// `sigil run`: the address it prints opens a page that shows the running replay — its variants with
// their numbers, the charts, the pipeline — and the halt button trips a variant through the
// token-protected API. The page updates in place while the bot runs: an error stays until dismissed, a
// selection and the elements under it survive each refresh, the exit chart names each reason once, the
// candle markers filter by variant, and a phone-width page does not scroll sideways. Screenshots are
// kept in test-artifacts/ for a human to look at.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { loadConfigFile } from '../config/load-config.ts';
import { positionId, variantId } from '../domain/ids.ts';
import { EXIT_REASONS, type ExitReason } from '../domain/position.ts';
import { runReplay } from '../app/replay-bot.ts';
import { openStore } from '../store/open-store.ts';
import { launchChromium, type Browser } from '../../test/support/browser.ts';
import { sigilServing } from '../../test/support/sigil-cli.ts';
import { longAt100 } from '../../test/support/position-fixture.ts';
import { tempDir } from '../../test/support/temp-dir.ts';

const DATA = fileURLToPath(new URL('../../data/crypto/1h', import.meta.url));
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const TOKEN = 'dashboard-test-token-4f9c';
const CONFIG = `
market:
  data: ${DATA}
  symbols: [BTCUSDT, SOLUSDT]
scanner:
  breakout_lookback: 20
  min_volume_ratio: 0
variants:
  baseline:
  wide:
    risk:
      hard_stop_multiplier: 2.5
`;

async function text(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).first().textContent()) ?? '';
}

/** How many refreshes the page has completed (dashboard.js counts them on <body>). */
async function refreshes(page: Page): Promise<number> {
  return Number(await page.locator('body').getAttribute('data-refreshes'));
}

/**
 * Polls from here rather than with page.waitForFunction, whose predicates the page's
 * Content-Security-Policy (no 'unsafe-eval') refuses.
 */
async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (const start = performance.now(); !(await check());) {
    if (performance.now() - start > 30_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until the page has refreshed `count` more times: each one re-reads every endpoint. */
async function afterRefreshes(page: Page, count: number): Promise<void> {
  const target = (await refreshes(page)) + count;
  await until(async () => (await refreshes(page)) >= target, `${count} refreshes`);
}

describe('the dashboard in Chromium, served by a running bot', () => {
  const dir = tempDir('sigil-dashboard-');
  const configFile = join(dir.path, 'sigil.yaml');
  const db = `sqlite:${join(dir.path, 'sigil.db')}`;
  let browser: Browser;
  let run: ChildProcess;
  let url: string;

  before(async () => {
    writeFileSync(configFile, CONFIG);
    // A short replay first, so the page has trades, exits and equity to draw.
    const config = loadConfigFile(configFile);
    const { store } = await openStore(db, { now: '2021-04-01T00:00:00Z' });
    try {
      await runReplay({
        store,
        config,
        variants: config.variants,
        speed: 0,
        until: Date.parse('2021-05-01T00:00:00Z'),
        signal: new AbortController().signal,
        sleep: async () => undefined,
      });
      // An operator's lock on one symbol, as `sigil lock` writes it, for the locks panel.
      await store.upsertProtection(
        {
          variantId: variantId('wide'),
          symbol: 'SOLUSDT',
          kind: 'manual',
          until: Date.parse('2100-01-01T00:00:00Z'),
          reason: 'news at 14:30 (operator:cli)',
        },
        Date.parse('2021-05-01T00:00:00Z'),
      );
      // A position the operator will close by hand from the page. Marked as having taken every bar up
      // to 2100 (trailedAt), so the bot's own exits leave it alone while the test looks at it.
      const held = await store.openPosition(
        longAt100(
          'hand-sol',
          { variant: 'baseline', symbol: 'SOLUSDT', openedAt: Date.parse('2021-04-30T00:00:00Z') },
          { entryPrice: 40, initialStop: 1, currentStop: 1, peakPrice: 40 },
        ),
      );
      await store.advancePosition(held, {
        currentStop: 1,
        peakPrice: 40,
        troughPrice: 40,
        barsHeld: 1,
        barAt: Date.parse('2100-01-01T00:00:00Z'),
      });
    } finally {
      await store.close();
    }
    // Then the bot resumes slowly, so it is still running while the browser looks at it.
    ({ child: run, url } = await sigilServing(
      ['--db', db, '--config', configFile, 'run', '--quiet', '--speed', '20', '--dashboard-port', '0'],
      dir.path,
      { SIGIL_API_TOKEN: TOKEN },
    ));
    browser = await launchChromium();
  });

  after(async () => {
    run?.kill('SIGINT');
    await browser?.close();
    if (run && run.exitCode === null) await new Promise((resolve) => run.once('exit', resolve));
    dir.remove();
  });

  /** A fresh tab (its own session storage: no token) on the dashboard, loaded once. */
  async function openDashboard(
    errors: string[],
    viewport?: { width: number; height: number },
  ): Promise<Page> {
    const page = await browser.context.newPage();
    page.on('pageerror', (error) => errors.push(error.message));
    if (viewport) await page.setViewportSize(viewport);
    await page.goto(`${url}/`);
    await page.waitForSelector('body[data-loaded="true"]', { timeout: 30_000 });
    return page;
  }

  it('shows the variants, the charts and the pipeline, and halts a variant with the token', async () => {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const response = await page.goto(`${url}/`);
    assert.equal(response?.status(), 200);
    await page.waitForSelector('body[data-loaded="true"]', { timeout: 30_000 });

    // The running bot: its replay clock is in the data's past, not today.
    assert.match(await text(page, '#bot-time'), /bot time 2021-/);
    const cards = page.locator('.card.variant');
    assert.deepEqual(await cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-variant'))), [
      'baseline',
      'wide',
    ]);
    const trades = Number(await text(page, '[data-variant="baseline"] dd:nth-of-type(5)'));
    assert.ok(trades > 0, `baseline shows ${trades} trades`);
    assert.match(await text(page, '#pipeline'), /closed/);
    // lightweight-charts draws the time series on canvases; the exit chart is SVG bars.
    for (const chart of ['#equity-chart', '#candle-chart']) {
      assert.ok((await page.locator(`${chart} canvas`).count()) > 0, `${chart} has a canvas`);
    }
    assert.ok((await page.locator('#exits-chart svg rect').count()) > 0);
    assert.match(await text(page, '#candle-note'), /\d+ bars, [1-9]\d* entries\/exits/);
    assert.match(await text(page, '#ab'), /baseline vs wide/);
    assert.equal(await page.locator('#heartbeats tbody tr').count(), 2);
    assert.match(
      await text(page, '#locks tr[data-variant="wide"][data-kind="manual"]'),
      /SOLUSDT.*manual.*2100-01-01 00:00.*news at 14:30/,
    );

    // Halt needs the token: without it the button is disabled.
    const halt = page.locator('[data-variant="wide"] button[data-action="halt"]');
    assert.equal(await halt.isDisabled(), true);
    await page.fill('#token', TOKEN);
    await page.waitForSelector('[data-variant="wide"] button[data-action="halt"]:not([disabled])');
    page.once('dialog', (dialog) => void dialog.accept());
    await halt.click();
    await page.waitForSelector('[data-variant="wide"] .state-halted', { timeout: 10_000 });
    // The token stays in the page's session storage; the server never put it into the page.
    assert.ok(!(await (await page.request.get(`${url}/`)).text()).includes(TOKEN));

    const { store } = await openStore(db, { now: '2021-05-01T00:00:00Z' });
    try {
      const state = await store.tradingState(variantId('wide'));
      assert.equal(state.state, 'halted');
      assert.equal(state.actor, 'api');
      assert.equal((await store.tradingState(variantId('baseline'))).state, 'active');
    } finally {
      await store.close();
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
    assert.deepEqual(errors, []);
  });

  it('filters the candle markers by variant and merges the trades of one bar into one marker', async () => {
    const errors: string[] = [];
    const page = await openDashboard(errors);
    await page.waitForSelector('#marker-variants input[value="wide"]');
    // One synchronous step in the page (no refresh can land in between): all variants, then baseline
    // alone, then all again, as the note under the filter counts them.
    const notes = await page.evaluate<string[]>(`(() => {
      const note = () => document.getElementById('candle-note').textContent;
      const wide = document.querySelector('#marker-variants input[value="wide"]');
      const before = note();
      wide.click();
      const baselineOnly = note();
      wide.click();
      return [before, baselineOnly, note()];
    })()`);
    const counts = notes.map((n) => {
      const match = /(\d+) entries\/exits on (\d+) markers/.exec(n);
      assert.ok(match, n);
      return { events: Number(match[1]), markers: Number(match[2]) };
    });
    const [all, baseline, again] = counts;
    assert.ok(all && baseline && again);
    // Both variants trade the same signals: their entries share bars, one marker each.
    assert.ok(baseline.events > 0 && all.events > baseline.events, notes.join(' | '));
    assert.ok(all.markers < all.events, `${all.markers} markers for ${all.events} trades' entries/exits`);
    assert.deepEqual(again, all);

    // Pointing at a bar with trades lists them in full under the chart (the markers carry short labels).
    const hint = await text(page, '#candle-events');
    // The pointer only reaches what is on screen: the chart sits below the positions and trades.
    await page.locator('#candle-chart').scrollIntoViewIfNeeded();
    const box = await page.locator('#candle-chart').boundingBox();
    assert.ok(box);
    for (let x = box.x + 2; x < box.x + box.width - 60; x += 3) {
      await page.mouse.move(x, box.y + box.height / 2);
      if ((await text(page, '#candle-events')) !== hint) break;
    }
    assert.match(
      await text(page, '#candle-events'),
      /^\d{4}-\d\d-\d\d \d\d:\d\d: (baseline|wide) (long|short|\w+ [+-]\d+\.\d\d)( · |$)/,
    );
    await page.mouse.move(0, 0);

    // The filter is the operator's: it survives the refreshes.
    await page.locator('#marker-variants input[value="wide"]').uncheck();
    await afterRefreshes(page, 2);
    assert.equal(await page.locator('#marker-variants input[value="wide"]').isChecked(), false);
    assert.equal(await page.locator('#marker-variants input[value="baseline"]').isChecked(), true);

    // The merging itself: four variants entering on one bar make one arrow; exits sum their P&L.
    const merged = await page.evaluate(`(() => {
      const entry = (variant) => ({
        time: 100, position: 'belowBar', shape: 'arrowUp', color: '#2962ff',
        text: variant + ' long', variant, kind: 'entry', pnl: 0,
      });
      const exit = (variant, pnl) => ({
        time: 200, position: 'aboveBar', shape: 'circle', color: '#2b8a3e',
        text: variant + ' atr_trail ' + pnl, variant, kind: 'exit', pnl,
      });
      const markers = ['a', 'b', 'c', 'd'].map(entry)
        .concat([exit('a', 1.5), exit('b', -0.5), exit('c', 2), exit('d', -4)]);
      const colorOf = (v) => 'color-' + v;
      return [
        SigilCharts.declutter(markers, null, colorOf),
        SigilCharts.declutter(markers, ['c'], colorOf),
      ];
    })()`);
    assert.deepEqual(merged, [
      [
        { time: 100, position: 'belowBar', shape: 'arrowUp', color: '#495057', text: '4\u00d7' },
        { time: 200, position: 'aboveBar', shape: 'circle', color: '#c92a2a', text: '\u22121.00 (4)' },
      ],
      [
        { time: 100, position: 'belowBar', shape: 'arrowUp', color: 'color-c', text: '' },
        { time: 200, position: 'aboveBar', shape: 'circle', color: '#2b8a3e', text: '+2.00' },
      ],
    ]);
    assert.deepEqual(errors, []);
  });

  it('keeps a halt refused for a wrong token on screen until it is dismissed', async () => {
    const errors: string[] = [];
    const page = await openDashboard(errors);
    await page.fill('#token', 'not-the-token');
    const halt = page.locator('[data-variant="baseline"] button[data-action="halt"]');
    await page.waitForSelector('[data-variant="baseline"] button[data-action="halt"]:not([disabled])');
    page.once('dialog', (dialog) => void dialog.accept());
    await halt.click();
    const shown = page.locator('#errors .error');
    await shown.waitFor({ timeout: 10_000 });
    const message = /Halt baseline: invalid bearer token \(HTTP 401/;
    assert.match((await shown.textContent()) ?? '', message);

    // Three refreshes later (each re-reads every endpoint successfully), it is still there.
    const since = performance.now();
    await afterRefreshes(page, 3);
    assert.ok(performance.now() - since > 2000);
    assert.equal(await shown.count(), 1);
    assert.ok(await shown.isVisible());
    assert.match((await shown.textContent()) ?? '', message);
    assert.equal(await text(page, '[data-variant="baseline"] .state'), 'active');

    await page.click('#errors button.dismiss');
    assert.equal(await page.locator('#errors .error').count(), 0);
    await afterRefreshes(page, 1);
    assert.equal(await page.locator('#errors .error').count(), 0);
    assert.deepEqual(errors, []);
  });

  it('updates in place: a selection and the elements under it survive the refreshes', async () => {
    const errors: string[] = [];
    const page = await openDashboard(errors);
    // Select a variant's name in the heartbeats table and keep hold of a few elements.
    await page.evaluate(`(() => {
      const cell = document.querySelector('#heartbeats tr[data-variant="baseline"] td');
      const range = document.createRange();
      range.selectNodeContents(cell);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      window.kept = [
        cell,
        document.querySelector('[data-variant="baseline"] button[data-action="halt"]'),
        document.querySelector('.card.variant[data-variant="wide"]'),
        document.querySelector('#pipeline tbody tr'),
      ];
    })()`);
    const botTime = await text(page, '#bot-time');
    await afterRefreshes(page, 2);
    // The bot moved on meanwhile, so the page did change…
    await until(async () => (await text(page, '#bot-time')) !== botTime, 'the bot time to move');
    // …and yet the same elements are on the page, and the selection is whole.
    const after = await page.evaluate(`({
      selected: getSelection().toString(),
      kept: window.kept.map((e) => e !== null && e.isConnected),
      sameButton: window.kept[1] === document.querySelector('[data-variant="baseline"] button[data-action="halt"]'),
    })`);
    assert.deepEqual(after, { selected: 'baseline', kept: [true, true, true, true], sameButton: true });
    assert.deepEqual(errors, []);
  });

  it('names each exit reason once in the exit chart, one bar per variant beside it', async () => {
    const errors: string[] = [];
    const page = await openDashboard(errors);
    const labels = await page.locator('#exits-chart text.reason').allTextContents();
    assert.ok(labels.length >= 2, labels.join(', '));
    for (const label of labels) {
      assert.equal(labels.filter((l) => l === label).length, 1, `${label} appears once`);
      assert.ok(EXIT_REASONS.includes(label as ExitReason), label);
    }
    // Reasons both variants exited for have a bar of each, in the variants' colours.
    const bars = await page
      .locator('#exits-chart rect')
      .evaluateAll((rects) =>
        rects.map((r) => [r.getAttribute('data-reason'), r.getAttribute('data-variant')]),
      );
    for (const reason of labels) {
      assert.ok(
        bars.some(([r]) => r === reason),
        `a bar for ${reason}`,
      );
    }
    assert.ok(bars.filter(([r]) => r === 'hard_stop').length === 2, JSON.stringify(bars));
    assert.deepEqual(errors, []);
  });

  it('lists the open positions and closes one by hand with the token, refusing a wrong one', async () => {
    const errors: string[] = [];
    const page = await openDashboard(errors);
    const row = page.locator('#positions tr[data-position="hand-sol"]');
    await row.waitFor({ timeout: 10_000 });
    assert.match((await row.textContent()) ?? '', /baseline.*SOLUSDT.*long.*2021-04-30 00:00.*40/);
    assert.match(await text(page, '#positions-note'), /\d+ open; last prices: the last closed bar/);
    // The unrealised P&L is the last close less the entry: a number, not a dash.
    assert.match(
      await text(page, '#positions tr[data-position="hand-sol"] td:nth-child(9)'),
      /^-?[\d,]+\.\d\d$/,
    );
    const exit = page.locator('#positions tr[data-position="hand-sol"] button[data-action="exit"]');
    assert.equal(await exit.isDisabled(), true, 'no token, no exit');

    await page.fill('#token', 'not-the-token');
    await page.waitForSelector(
      '#positions tr[data-position="hand-sol"] button[data-action="exit"]:not([disabled])',
    );
    page.once('dialog', (dialog) => void dialog.accept());
    await exit.click();
    const shown = page.locator('#errors .error');
    await shown.waitFor({ timeout: 10_000 });
    assert.match((await shown.textContent()) ?? '', /Exit baseline SOLUSDT: invalid bearer token \(HTTP 401/);
    await afterRefreshes(page, 1);
    assert.equal(await row.count(), 1, 'still open');
    await page.click('#errors button.dismiss');

    await page.fill('#token', TOKEN);
    await page.waitForSelector(
      '#positions tr[data-position="hand-sol"] button[data-action="exit"]:not([disabled])',
    );
    let asked = '';
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      void dialog.accept();
    });
    await exit.click();
    await until(async () => (await row.count()) === 0, 'the position to leave the open positions');
    assert.equal(asked, 'Close baseline SOLUSDT at the market now?');
    const { store } = await openStore(db, { now: '2021-05-01T00:00:00Z' });
    try {
      const closed = await store.getPosition(positionId('hand-sol'));
      assert.equal(closed?.exitReason, 'manual');
      assert.equal(closed?.exitTag, 'operator:api: closed from the dashboard');
      assert.ok((closed?.exitPrice ?? 0) > 0);
    } finally {
      await store.close();
    }
    assert.equal(await page.locator('#errors .error').count(), 0);
    assert.deepEqual(errors, []);
  });

  it('sorts the closed trades by a column and pages through them', async () => {
    const errors: string[] = [];
    const page = await openDashboard(errors);
    await page.waitForSelector('#trades tbody tr');
    const range = async () => {
      const match = /^(\d+)–(\d+) of (\d+)$/.exec(await text(page, '#trades-range'));
      assert.ok(match, await text(page, '#trades-range'));
      return match.slice(1).map(Number) as [number, number, number];
    };
    const [first, last, total] = await range();
    assert.equal(first, 1);
    assert.ok(total > 10, `baseline has ${total} closed trades`);
    assert.equal(last, 10);
    const pnls = async () =>
      (
        await page
          .locator('#trades tbody tr')
          .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-pnl')))
      ).map(Number);

    // P&L, highest first; again, lowest first.
    await page.click('#trades button[data-sort="pnl"]');
    await until(
      async () =>
        (await page.locator('#trades th[aria-sort="descending"] button[data-sort="pnl"]').count()) === 1,
      'the sort',
    );
    await until(async () => {
      const shown = await pnls();
      return shown.every((v, i) => i === 0 || (shown[i - 1] ?? 0) >= v);
    }, 'the trades sorted by P&L, highest first');
    const best = (await pnls())[0] ?? 0;
    await page.click('#trades button[data-sort="pnl"]');
    await until(async () => {
      const shown = await pnls();
      return (shown[0] ?? 0) < best && shown.every((v, i) => i === 0 || (shown[i - 1] ?? 0) <= v);
    }, 'the trades sorted by P&L, lowest first');

    // The next page: the next ten, still in that order, and the previous one back.
    const lowest = await pnls();
    await page.click('#trades-next');
    await until(async () => (await range())[0] === 11, 'the second page');
    const second = await pnls();
    assert.ok((second[0] ?? 0) >= (lowest.at(-1) ?? 0), `${String(second)} follows ${String(lowest)}`);
    // The page and order are the operator's: they survive the refreshes.
    await afterRefreshes(page, 2);
    assert.equal((await range())[0], 11);
    await page.click('#trades-prev');
    await until(async () => (await range())[0] === 1, 'the first page again');
    assert.deepEqual(errors, []);
  });

  it('fits a 390 px phone screen: no sideways page scroll, wide tables scroll in their own box', async () => {
    const errors: string[] = [];
    const page = await openDashboard(errors, { width: 390, height: 844 });
    await page.waitForSelector('#intents tbody tr');
    const widths = await page.evaluate<{
      page: number;
      screen: number;
      tables: { table: number; box: number; overflow: string }[];
    }>(`({
      page: document.documentElement.scrollWidth,
      screen: document.documentElement.clientWidth,
      tables: [...document.querySelectorAll('.table-scroll')].map((box) => ({
        table: box.scrollWidth,
        box: box.clientWidth,
        overflow: getComputedStyle(box).overflowX,
      })),
    })`);
    assert.equal(widths.screen, 390);
    assert.ok(
      widths.page <= widths.screen,
      `the page is ${widths.page} px wide on a ${widths.screen} px screen`,
    );
    // The intents table is wider than the phone: it scrolls inside its box.
    const intents = await page.evaluate<{ table: number; box: number }>(`(() => {
      const box = document.getElementById('intents').parentElement;
      return { table: box.scrollWidth, box: box.clientWidth };
    })()`);
    assert.ok(intents && intents.table > intents.box, JSON.stringify(intents));
    assert.ok(widths.tables.every((t) => t.overflow === 'auto'));
    // The exit chart still names each reason once, turned to fit.
    const labels = await page.locator('#exits-chart text.reason').allTextContents();
    assert.equal(new Set(labels).size, labels.length);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-phone.png'), fullPage: true });
    assert.deepEqual(errors, []);
  });
});
