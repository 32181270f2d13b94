// `sigil run` and `sigil backtest` with `analyst: llm`, as a user runs them: the real binary in a child
// process, pointed at an OpenAI-compatible server on 127.0.0.1 (as it would be at Ollama), then
// `sigil intents show` reading the debate back, and a backtest answered from the cache.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { collect } from '../../test/support/child.ts';
import { buyingModel, FakeLlmServer } from '../../test/support/fake-llm.ts';
import { sigil } from '../../test/support/sigil-cli.ts';
import { tempDir } from '../../test/support/temp-dir.ts';

const BIN = fileURLToPath(new URL('../../bin/sigil.js', import.meta.url));
const DATA = fileURLToPath(new URL('../../data/crypto/1h', import.meta.url));

/** The CLI in a child process without blocking this one, which serves the fake provider. */
function sigilAsync(args: string[], cwd: string): Promise<string> {
  const env = { ...process.env };
  delete env.SIGIL_DB;
  delete env.OPENAI_API_KEY;
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  return collect(child);
}

describe('sigil run and backtest with an LLM analyst', () => {
  const dir = tempDir('sigil-llm-cli-');
  let server: FakeLlmServer;
  let config: string;
  const db = `sqlite:${join(dir.path, 'sigil.db')}`;
  before(async () => {
    server = await FakeLlmServer.start({ script: buyingModel });
    config = join(dir.path, 'llm.yaml');
    writeFileSync(
      config,
      [
        'market:',
        `  data: ${DATA}`,
        '  timeframe: 1h',
        '  symbols: [BTCUSDT, ETHUSDT, SOLUSDT, DOGEUSDT]',
        'pipeline:',
        '  intent_expiry_hours: 4',
        'analyst:',
        '  kind: llm',
        `  base_url: ${server.openaiUrl}`,
        '  quick_model: llama3.1:8b',
        '  deep_model: llama3.1:70b',
        '  roles: [market, trader]',
        '  debate_rounds: 0',
        '  prices:',
        "    'llama3.1:8b': { input_per_mtok: 0.1, output_per_mtok: 0.2 }",
        "    'llama3.1:70b': { input_per_mtok: 1, output_per_mtok: 2 }",
        'variants:',
        '  aggressive: { scanner: { posture: aggressive } }',
        '',
      ].join('\n'),
    );
  });
  after(async () => {
    await server.close();
    dir.remove();
  });

  it('runs end to end: every intent decided by the chain, positions opened on its verdicts', async () => {
    const out = await sigilAsync(
      [
        '--config',
        config,
        '--db',
        db,
        'run',
        '--quiet',
        '--dashboard-port',
        '0',
        '--until',
        '2021-04-20T00:00:00Z',
      ],
      dir.path,
    );
    assert.ok(server.requests.length > 0, 'the provider was asked');
    assert.match(out, /aggressive: decisions by llm (\d+); LLM cost \$\d+\.\d{4}/);
    const listed = sigil(['--db', db, 'intents', 'list', '--json', '--limit', '1000'], dir.path);
    const intents = JSON.parse(listed.out) as {
      id: string;
      status: string;
      agentState: { source: string };
    }[];
    assert.ok(intents.length > 0);
    // Each decision took three calls (market, trader, verdict): the chain configured, nothing more.
    const decided = intents.filter((i) => i.agentState?.source === 'llm');
    assert.equal(server.requests.length, decided.length * 3);
    assert.ok(intents.some((i) => i.status === 'opened' || i.status === 'closed'));
    // The model's stop, 2 % under the price, is the one the position was given (inside the risk band).
    assert.ok(intents.some((i) => (i as { suggestedSlPrice?: number }).suggestedSlPrice));
    const shown = sigil(['--db', db, 'intents', 'show', decided[0]?.id ?? ''], dir.path);
    assert.equal(shown.code, 0, shown.err);
    assert.match(shown.out, /Analysis: llm via openai:http:\/\/127\.0\.0\.1:\d+\/v1, decided by llm/);
    assert.match(
      shown.out,
      /── market · llama3\.1:8b · \d+ in \/ \d+ out · \$0\.\d{4}, \d+ ms\n {2}Momentum is positive\./,
    );
    assert.match(shown.out, /── verdict · llama3\.1:70b .*\n {2}\{\n {4}"side": "BUY"/);
  });

  it('backtests the same period from the cache in the store: no provider call, the same decisions', async () => {
    const asked = server.requests.length;
    const out = await sigilAsync(
      ['--config', config, '--db', db, 'backtest', '--to', '2021-04-20T00:00:00Z', '--no-progress'],
      dir.path,
    );
    assert.equal(server.requests.length, asked);
    assert.match(out, /aggressive: decisions by cache \d+; LLM cost \$0\.0000/);
  });
});
