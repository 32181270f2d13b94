// The dashboard in a real browser (Debian's Chromium through playwright-core), served by a running
// `sigil run`: the address it prints opens a page that shows the running replay — its variants with
// their numbers, the charts, the pipeline — and the halt button trips a variant through the
// token-protected API. A screenshot is kept in test-artifacts/ for a human to look at.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { loadConfigFile } from '../config/load-config.ts';
import { variantId } from '../domain/ids.ts';
import { runReplay } from '../app/replay-bot.ts';
import { openStore } from '../store/open-store.ts';
import { launchChromium, type Browser } from '../../test/support/browser.ts';
import { sigilServing } from '../../test/support/sigil-cli.ts';
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
    // lightweight-charts draws on canvases: the equity, exit and candle charts each have some.
    for (const chart of ['#equity-chart', '#exits-chart', '#candle-chart']) {
      assert.ok((await page.locator(`${chart} canvas`).count()) > 0, `${chart} has a canvas`);
    }
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
});
