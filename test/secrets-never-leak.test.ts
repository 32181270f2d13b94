// Known fake secrets planted in every place a secret lives — the environment variables the config's
// `*_env` keys name (LLM key, decision-service token, exchange and Match-Trader credentials, alert bot
// token and webhook URL), the API token, a PostgreSQL password, a URL with a user and password — then a
// real run of the `sigil` binary against fake services on 127.0.0.1 that quote those secrets back (a
// refused key echoed in a 401, a token in a 403, a webhook URL in a 400). The store's bytes and rows,
// the logs, every API route's answer and every command's output are searched: no secret may appear.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { ROUTES } from '../src/api/routes.ts';
import type { Route } from '../src/api/route.ts';
import { FakeChatServer } from './support/fake-chat.ts';
import { buyingVerdict, FakeLlmServer, type LlmReply, type RecordedLlmRequest } from './support/fake-llm.ts';
import { closeServer, listenOnLoopback, readBody, sendJson } from './support/local-server.ts';
import { testPostgresBaseUrl } from './support/postgres.ts';
import { sigilAsync, sigilServing, type SigilRun } from './support/sigil-cli.ts';
import { tempDir } from './support/temp-dir.ts';

const DATA = fileURLToPath(new URL('../data/crypto/1h', import.meta.url));

/** Every planted secret carries PLANTED, so a cut or partly redacted one is caught too. */
const MARK = 'PLANTED';
const SECRETS = {
  llmKey: 'llmkey-PLANTED-good-a1b2c3d4',
  llmKeyRefused: 'llmkey-PLANTED-refused-e5f6a7b8',
  deciderToken: 'decider-PLANTED-77aa88bb99',
  hookPath: '/hooks/PLANTEDhookpath0011223344',
  hookSig: 'PLANTEDsig55667788',
  telegramToken: '987654321:AAPLANTEDtelegramTokenValue_0123456789',
  exchangeKey: 'PLANTEDexchangeKey0102',
  exchangeSecret: 'PLANTEDexchangeSecret0304',
  exchangePassword: 'PLANTEDexchangePass0506',
  mtEmail: 'trader.PLANTED@example.com',
  mtPassword: 'PLANTEDmtPassword0708',
  apiToken: 'PLANTEDapiToken0910111213',
  userinfo: 'PLANTEDuserinfo1415',
} as const;
/** The PostgreSQL password of a --db URL; the harness's server may or may not check it. */
const PG_PASSWORD = 'hunter2secret';

/** Variable names with no secret shape of their own: only the config's `*_env` keys say they are secret. */
const ENV = {
  SIGIL_LLM_CREDENTIAL: SECRETS.llmKey,
  SIGIL_LLM_CREDENTIAL_B: SECRETS.llmKeyRefused,
  SIGIL_DECIDER_BEARER: SECRETS.deciderToken,
  SIGIL_HOOK_ENDPOINT: '',
  SIGIL_TG_BOT: SECRETS.telegramToken,
  SIGIL_X_ID: SECRETS.exchangeKey,
  SIGIL_X_SIGNING: SECRETS.exchangeSecret,
  SIGIL_X_PHRASE: SECRETS.exchangePassword,
  SIGIL_MT_LOGIN: SECRETS.mtEmail,
  SIGIL_MT_PHRASE: SECRETS.mtPassword,
  SIGIL_API_TOKEN: SECRETS.apiToken,
  OPENAI_API_KEY: '',
};

/** Where a planted secret (or its distinctive part) appears in `text`, or null. */
function leakIn(text: string): string | null {
  for (const needle of [MARK, MARK.toLowerCase(), PG_PASSWORD, ...Object.values(SECRETS)]) {
    const at = text.indexOf(needle);
    if (at >= 0) return text.slice(Math.max(0, at - 120), at + needle.length + 60);
  }
  return null;
}

function assertClean(what: string, text: string): void {
  const leak = leakIn(text);
  assert.equal(leak, null, `${what} holds a planted secret: …${leak}…`);
}

function assertCleanRun(what: string, run: SigilRun): void {
  assertClean(`${what} (stdout)`, run.out);
  assertClean(`${what} (stderr)`, run.err);
}

/**
 * The provider: the good key gets answers; any other is refused the way a proxy in front of one might,
 * quoting the key it was given back in the error.
 */
function model(request: RecordedLlmRequest): LlmReply {
  const key = String(request.headers.authorization ?? '').replace(/^Bearer /, '');
  if (key !== SECRETS.llmKey)
    return { kind: 'status', status: 401, message: `Incorrect API key provided: ${key}` };
  if (!request.promptText.includes('final verdict')) return { kind: 'text', text: 'Momentum is positive.' };
  return { kind: 'json', value: buyingVerdict(request.promptText) };
}

/**
 * The decision service and the alert webhook on one server. The service checks its bearer token and
 * refuses every other request quoting it back; the webhook refuses every alert quoting its own URL after
 * enough text that a cut at 200 characters falls inside the secret.
 */
async function servicesServer() {
  const { server, url } = await listenOnLoopback();
  let decisions = 0;
  let hooks = 0;
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    void (async () => {
      const body = await readBody(request);
      const path = request.url ?? '/';
      if (path.startsWith('/decide')) {
        const authorization = String(request.headers.authorization ?? '');
        decisions += 1;
        if (authorization !== `Bearer ${SECRETS.deciderToken}` || decisions % 2 === 0) {
          return sendJson(response, 403, { error: `token ${authorization} may not decide` });
        }
        const brief = JSON.parse(body) as { market: { referencePrice: number } };
        return sendJson(response, 200, buyingVerdict(`at about ${brief.market.referencePrice}`));
      }
      hooks += 1;
      const echoed = `${'x'.repeat(150)} no hook at ${url}${path}`;
      return sendJson(response, 400, { error: echoed });
    })().catch(() => response.destroy());
  });
  return { url, close: () => closeServer(server), counts: () => ({ decisions, hooks }) };
}

interface Listed {
  id: string;
  variantId: string;
  agentState: { source?: string; fallbackReason?: string } | null;
}

/** A concrete path for a route of the API table; values by the segment before each parameter. */
function pathOf(route: Route, values: { intent: string; variant: string; symbol: string }): string {
  const byName: Record<string, string> = {
    intents: values.intent,
    variants: values.variant,
    equity: values.variant,
    candles: values.symbol,
  };
  const path = route.pattern.source
    .replace(/^\^/, '')
    .replace(/\$$/, '')
    .replace(/\\\//g, '/')
    .replace(/\\\./g, '.')
    .replace(/([a-z]+)\/\(\[\^\/\]\+\)/g, (_all, name: string) => `${name}/${byName[name] ?? '?'}`);
  assert.ok(
    route.pattern.test(path),
    `teach this test a path for the route ${route.method} ${route.pattern}`,
  );
  return path;
}

describe('secrets never leak: store, logs, API answers and CLI output', () => {
  const dir = tempDir('sigil-secrets-');
  const db = join(dir.path, 'secrets.db');
  const store = `sqlite:${db}`;
  const config = join(dir.path, 'secrets.yaml');
  const outputs: [string, SigilRun][] = [];
  let llm: FakeLlmServer;
  let chat: FakeChatServer;
  let services: Awaited<ReturnType<typeof servicesServer>>;
  let env: Record<string, string>;

  const cli = async (args: string[]): Promise<SigilRun> => {
    const run = await sigilAsync(['--config', config, ...args], dir.path, env);
    outputs.push([`sigil ${args.join(' ')}`, run]);
    return run;
  };

  before(async () => {
    llm = await FakeLlmServer.start({ script: model });
    chat = await FakeChatServer.start({ telegramToken: SECRETS.telegramToken });
    services = await servicesServer();
    env = { ...ENV, SIGIL_HOOK_ENDPOINT: `${services.url}${SECRETS.hookPath}?sig=${SECRETS.hookSig}` };
    const llmVariant = (keyEnv: string, extra = '') =>
      `{ kind: llm, base_url: "${llm.openaiUrl}", api_key_env: ${keyEnv}, quick_model: m1, deep_model: m2, roles: [market], debate_rounds: 0${extra} }`;
    writeFileSync(
      config,
      [
        'market:',
        `  data: ${DATA}`,
        '  symbols: [BTCUSDT, ETHUSDT, SOLUSDT]',
        'api:',
        '  enabled: false',
        'broker:',
        '  api_key_env: SIGIL_X_ID',
        '  secret_env: SIGIL_X_SIGNING',
        '  password_env: SIGIL_X_PHRASE',
        '  email_env: SIGIL_MT_LOGIN',
        '  mt_password_env: SIGIL_MT_PHRASE',
        'alerts:',
        '  max_retries: 0',
        '  sinks:',
        '    - type: telegram',
        '      token_env: SIGIL_TG_BOT',
        '      chat_id: -100200300',
        `      api_url: ${chat.telegramBaseUrl}`,
        '      min_severity: info',
        '    - type: webhook',
        '      url_env: SIGIL_HOOK_ENDPOINT',
        '      min_severity: info',
        'variants:',
        `  chain: { analyst: ${llmVariant('SIGIL_LLM_CREDENTIAL')} }`,
        `  refused: { analyst: ${llmVariant('SIGIL_LLM_CREDENTIAL_B', ', fallback_ok: true')} }`,
        `  service: { analyst: { kind: http, url: "${services.url}/decide", token_env: SIGIL_DECIDER_BEARER, max_retries: 0, fallback_ok: true } }`,
        '',
      ].join('\n'),
    );
    const run = await cli([
      '--db',
      store,
      '--log-level',
      'debug',
      '--log-format',
      'json',
      'run',
      '--quiet',
      '--until',
      '2021-04-08T00:00:00Z',
    ]);
    assert.equal(run.code, 0, `run failed:\n${run.out}\n${run.err}`);
  });

  after(async () => {
    await Promise.all([llm.close(), chat.close(), services.close()]);
    dir.remove();
  });

  it('the fakes were reached: the chain decided, the refused key and the service token were quoted back', () => {
    assert.ok(llm.requests.some((r) => r.headers.authorization === `Bearer ${SECRETS.llmKey}`));
    assert.ok(llm.requests.some((r) => r.headers.authorization === `Bearer ${SECRETS.llmKeyRefused}`));
    assert.ok(services.counts().decisions >= 2, 'the decision service was asked, and refused once');
    assert.ok(services.counts().hooks >= 1, 'an alert reached the webhook and was refused');
  });

  it('the store holds no secret: not in its bytes, not in any row of any table', () => {
    const files = readdirSync(dir.path).filter((name) => name.startsWith('secrets.db'));
    for (const name of files)
      assertClean(`store file ${name}`, readFileSync(join(dir.path, name)).toString('latin1'));
    const sqlite = new Database(db, { readonly: true });
    try {
      const tables = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as {
        name: string;
      }[];
      let intentsWithState = 0;
      for (const { name } of tables) {
        const rows = sqlite.prepare(`SELECT * FROM "${name}"`).all();
        assertClean(`table ${name}`, JSON.stringify(rows));
        if (name === 'intents') {
          intentsWithState = (rows as { agent_state: string | null }[]).filter((r) =>
            r.agent_state?.includes('fallbackReason'),
          ).length;
        }
      }
      // Not vacuous: decisions fell back with the provider's and the service's refusals as their reason.
      assert.ok(intentsWithState > 0, 'no intent records a fallback');
    } finally {
      sqlite.close();
    }
  });

  it('no command prints one: every read of the store, the trading commands, a backtest, a config check', async () => {
    const listed = await cli(['--db', store, 'intents', 'list', '--json', '--limit', '1000']);
    assert.equal(listed.code, 0, listed.err);
    const intents = JSON.parse(listed.out) as Listed[];
    assert.ok(intents.length > 0);
    // Each variant's first decision and its first fallback (a process per intent would take minutes),
    // then every other command; a chain that changes the store runs in order.
    const shows = ['chain', 'refused', 'service'].flatMap((variant) => {
      const own = intents.filter((i) => i.variantId === variant);
      assert.ok(own.length > 0, `no intent of ${variant}`);
      const fallback = own.find((i) => i.agentState?.fallbackReason !== undefined);
      return [...new Set([own[0], fallback])].flatMap((i) => (i === undefined ? [] : [i.id]));
    });
    // The service decided with the token it was sent as a bearer, and refused the next request.
    assert.ok(intents.some((i) => i.variantId === 'service' && i.agentState?.source === 'http'));
    assert.ok(intents.some((i) => i.variantId === 'service' && i.agentState?.source === 'fallback'));
    const onStore = (...args: string[]) => ['--db', store, ...args];
    const chains: string[][][] = [
      ...shows.map((id) => [onStore('intents', 'show', id, '--prompts')]),
      [onStore('status')],
      [onStore('status', '--json')],
      [onStore('intents', 'list')],
      [onStore('locks', '--json')],
      [onStore('stats', 'exits')],
      [onStore('compliance', '--json')],
      [onStore('probe', '--json')],
      [onStore('halt', 'refused', '--reason', 'secrets test'), onStore('reset', 'refused')],
      [onStore('lock', 'chain', 'BTCUSDT', '--hours', '1'), onStore('unlock', 'chain', 'BTCUSDT')],
      [onStore('scan', '--at', '2021-04-08T00:00:00Z')],
      [onStore('backup', join(dir.path, 'backup.db'))],
      [['backtest', '--to', '2021-04-05T00:00:00Z', '--no-progress', '--json']],
      [['config', 'check', config]],
      [['strategy', 'list']],
    ];
    // Three at a time: each is a Node process of its own.
    const queue = [...chains];
    await Promise.all(
      [1, 2, 3].map(async () => {
        for (let chain = queue.shift(); chain !== undefined; chain = queue.shift()) {
          for (const args of chain) await cli(args);
        }
      }),
    );
    for (const [what, run] of outputs) {
      if (what.includes('intents show') || what.endsWith(' status'))
        assert.equal(run.code, 0, `${what}: ${run.err}`);
    }
    if (existsSync(join(dir.path, 'backup.db'))) {
      assertClean('the backup file', readFileSync(join(dir.path, 'backup.db')).toString('latin1'));
    }
    for (const [what, run] of outputs) assertCleanRun(what, run);
  });

  it('no API route answers one: every route of the table, read without a token, changed with it', async () => {
    const listed = await sigilAsync(
      ['--db', store, 'intents', 'list', '--json', '--limit', '1000'],
      dir.path,
      env,
    );
    const intents = JSON.parse(listed.out) as { id: string }[];
    const { child, url } = await sigilServing(
      ['--config', config, '--db', store, 'dashboard', '--port', '0'],
      dir.path,
      env,
    );
    let logs = '';
    child.stdout?.on('data', (chunk: Buffer) => (logs += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (logs += chunk.toString()));
    try {
      const values = { intent: intents[0]?.id ?? 'none', variant: 'refused', symbol: 'BTCUSDT' };
      const answers: [string, string][] = [];
      for (const route of ROUTES) {
        const path = pathOf(route, values);
        const init: RequestInit = route.mutating
          ? {
              method: route.method,
              headers: { authorization: `Bearer ${SECRETS.apiToken}`, 'content-type': 'application/json' },
              body: JSON.stringify({ reason: 'secrets test' }),
            }
          : { method: route.method };
        const response = await fetch(`${url}${path}`, init);
        answers.push([`${route.method} ${path} (${response.status})`, await response.text()]);
        if (route.mutating) {
          const refused = await fetch(`${url}${path}`, {
            method: route.method,
            headers: { authorization: 'Bearer wrong' },
          });
          answers.push([
            `${route.method} ${path} with a wrong token (${refused.status})`,
            await refused.text(),
          ]);
        }
      }
      for (const intent of intents) {
        const response = await fetch(`${url}/api/intents/${intent.id}`);
        assert.equal(response.status, 200);
        answers.push([`GET /api/intents/${intent.id}`, await response.text()]);
      }
      for (const [what, text] of answers) assertClean(what, text);
    } finally {
      child.kill('SIGINT');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    assertClean('the dashboard process output', logs);
  });

  it('a URL carrying a user and password is refused by config check, without the password', async () => {
    const withUserinfo = join(dir.path, 'userinfo.yaml');
    writeFileSync(
      withUserinfo,
      `analyst:\n  kind: llm\n  base_url: http://llmuser:${SECRETS.userinfo}@127.0.0.1:11434/v1\n`,
    );
    const checked = await sigilAsync(['config', 'check', withUserinfo], dir.path, env);
    assert.equal(checked.code, 2);
    assert.match(checked.err, /analyst\.base_url: must not carry credentials.*analyst\.api_key_env/);
    assertCleanRun('sigil config check (userinfo)', checked);
  });

  it('a PostgreSQL --db with a password never prints it, whatever goes wrong', async () => {
    const server = new URL(testPostgresBaseUrl());
    const wrong = `postgres://postgres:${PG_PASSWORD}@${server.host}/sigil_no_such_database_x`;
    const unreachable = `postgres://postgres:${PG_PASSWORD}@127.0.0.1:1/sigil`;
    const malformed = `postgres://postgres:${PG_PASSWORD}@127.0.0.1:notaport/sigil`;
    const cases: [string, string[]][] = [
      [wrong, ['status']],
      [wrong, ['intents', 'list', '--verbose']],
      [unreachable, ['status', '--verbose']],
      [malformed, ['locks']],
    ];
    const runs = await Promise.all(
      cases.map(([url, args]) => sigilAsync(['--db', url, ...args], dir.path, env)),
    );
    runs.forEach((run, i) => {
      const [url, args] = cases[i] ?? ['', []];
      const what = `sigil --db ${url.replace(PG_PASSWORD, '…')} ${args.join(' ')}`;
      assert.notEqual(run.code, 0, `${what} succeeded`);
      assertCleanRun(what, run);
    });
  });
});
