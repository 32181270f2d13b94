// The Match-Trader client against a stateful fake Platform API server on 127.0.0.1, through the real
// global fetch: login and renewal, the trading round trip, and every row of the client's error table.
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { afterEach, describe, it } from 'node:test';
import { FakeMatchTrader, type FakeMatchTraderOptions } from '../../../test/support/fake-match-trader.ts';
import {
  FatalError,
  RejectedError,
  RetryableError,
  UnknownOutcomeError,
  type SigilError,
} from '../../domain/errors.ts';
import { MatchTraderClient, type MatchTraderClientOptions, type MtCall } from './match-trader-client.ts';
import { closedPositionsAnswer, openPositionsAnswer, parseWire, balanceAnswer } from './match-trader-wire.ts';

const T0 = Date.UTC(2026, 10, 2, 9, 0, 0);
const MIN = 60_000;

interface Rig {
  fake: FakeMatchTrader;
  client: MatchTraderClient;
  calls: MtCall[];
  clock: { t: number };
}

const started: FakeMatchTrader[] = [];

async function rig(
  clientOptions: Partial<MatchTraderClientOptions> = {},
  fakeOptions: FakeMatchTraderOptions = {},
): Promise<Rig> {
  const clock = { t: T0 };
  const now = () => clock.t;
  const fake = await FakeMatchTrader.start({ now, ...fakeOptions });
  started.push(fake);
  const calls: MtCall[] = [];
  const client = new MatchTraderClient({
    baseUrl: fake.url,
    brokerId: '2',
    email: 'trader@example.com',
    password: fakeOptions.password ?? 'secret',
    timeoutMs: 2_000,
    now,
    onRequest: (call) => {
      calls.push(call);
    },
    ...clientOptions,
  });
  return { fake, client, calls, clock };
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((fake) => fake.close()));
});

async function failure(promise: Promise<unknown>): Promise<SigilError> {
  try {
    await promise;
  } catch (error) {
    return error as SigilError;
  }
  assert.fail('expected the call to fail');
}

function routes(fake: FakeMatchTrader): string[] {
  return fake.requests.map((r) => `${r.route}:${r.status}`);
}

describe('MatchTraderClient: session', () => {
  it('logs in lazily, picks the only account and reads the balance sent as strings', async () => {
    const { fake, client, calls } = await rig();
    assert.equal(fake.requests.length, 0);
    const balance = await client.balance();
    assert.deepEqual(balance, { balance: 50_000, equity: 50_000, freeMargin: 50_000, currency: 'USD' });
    assert.deepEqual(routes(fake), ['login:200', 'balance:200']);
    const login = fake.requests[0];
    assert.deepEqual(login?.body, { email: 'trader@example.com', password: 'secret', brokerId: '2' });
    const read = fake.requests[1];
    assert.equal(read?.path, `/mtr-api/${fake.systemUuid}/balance`);
    assert.match(read?.headers['auth-trading-api'] ?? '', /^tat-123456-/);
    assert.match(read?.headers.cookie ?? '', /^co-auth=[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.deepEqual(
      calls.map((c) => c.kind),
      ['auth', 'read'],
    );
    await client.balance();
    assert.deepEqual(routes(fake), ['login:200', 'balance:200', 'balance:200'], 'one login per session');
  });

  it('refuses to guess between several accounts, and uses the one named', async () => {
    const several = await rig({}, { otherAccountIds: ['777'] });
    const error = await failure(several.client.balance());
    assert.ok(error instanceof FatalError);
    assert.equal(error.code, 'mt_account');
    assert.match(error.message, /123456, 777/);

    const chosen = await rig({ accountId: '777' }, { otherAccountIds: ['777'] });
    await chosen.client.balance();
    assert.match(chosen.fake.requests[1]?.headers['auth-trading-api'] ?? '', /^tat-777-/);

    const missing = await rig({ accountId: '999' });
    const notFound = await failure(missing.client.balance());
    assert.ok(notFound instanceof FatalError);
    assert.match(notFound.message, /no trading account 999 \(accounts: 123456\)/);
  });

  it('wrong credentials are fatal', async () => {
    const { client } = await rig({ password: 'wrong' });
    const error = await failure(client.balance());
    assert.ok(error instanceof FatalError);
    assert.equal(error.code, 'auth');
  });

  it('renews with refresh-token before the session expires, without ever seeing a 401', async () => {
    const { fake, client, clock, calls } = await rig();
    await client.balance();
    clock.t += 11 * MIN; // 4 min before exp: not yet inside the 3-min renewal window
    await client.balance();
    assert.equal(fake.requests.filter((r) => r.route === 'refresh').length, 0);
    clock.t += 1.5 * MIN; // 2.5 min before exp
    await client.balance();
    clock.t += 10 * MIN; // past the first token's exp; the refreshed one still holds
    await client.balance();
    assert.deepEqual(routes(fake), [
      'login:200',
      'balance:200',
      'balance:200',
      'refresh:200',
      'balance:200',
      'balance:200',
    ]);
    assert.deepEqual(
      calls.map((c) => `${c.kind} ${c.path}`).filter((c) => c.startsWith('auth')),
      ['auth /manager/co-login', 'auth /manager/refresh-token'],
    );
  });

  it('falls back to a full login when the refresh fails, and logs in directly once the token is expired', async () => {
    const { fake, client, clock } = await rig();
    await client.balance();
    fake.fault('refresh', { kind: 'status', status: 500 });
    clock.t += 13 * MIN;
    await client.balance();
    clock.t += 20 * MIN; // long past exp: a refresh could only fail
    await client.balance();
    assert.deepEqual(routes(fake), [
      'login:200',
      'balance:200',
      'refresh:500',
      'login:200',
      'balance:200',
      'login:200',
      'balance:200',
    ]);
  });

  it('a 401 from an expired session is healed by one login and the call is retried once', async () => {
    const { fake, client } = await rig();
    await client.balance();
    fake.expireSessions();
    const balance = await client.balance();
    assert.equal(balance.balance, 50_000);
    assert.deepEqual(routes(fake), ['login:200', 'balance:200', 'balance:401', 'login:200', 'balance:200']);
  });

  it('a second 401 in a row is fatal', async () => {
    const { fake, client } = await rig();
    fake.fault('open-positions', { kind: 'expired_session' }, 2);
    const error = await failure(client.openPositions());
    assert.ok(error instanceof FatalError);
    assert.equal(error.code, 'auth');
    assert.deepEqual(routes(fake), ['login:200', 'open-positions:401', 'login:200', 'open-positions:401']);
  });
});

describe('MatchTraderClient: trading', () => {
  it('lists instruments with their broker symbols (trailing dot) and caches them', async () => {
    const { fake, client } = await rig();
    const instruments = await client.instruments();
    assert.deepEqual(instruments, [
      {
        symbol: 'EURUSD.',
        volumeMin: 0.01,
        volumeStep: 0.01,
        volumeMax: 50,
        contractSize: 100_000,
        pricePrecision: 5,
      },
      {
        symbol: 'XAUUSD.',
        volumeMin: 0.01,
        volumeStep: 0.01,
        volumeMax: 20,
        contractSize: 100,
        pricePrecision: 2,
      },
    ]);
    await client.instruments();
    assert.equal(fake.requests.filter((r) => r.route === 'instruments').length, 1);
  });

  it('opens, lists, edits and closes a position, which then shows in the closed positions with its profit', async () => {
    const { fake, client, clock, calls } = await rig();
    fake.setPrice('EURUSD.', 1.1, 1.1002);
    const opened = await client.openPosition({
      instrument: 'EURUSD.',
      orderSide: 'BUY',
      volume: 0.1,
      slPrice: 1.095,
      tpPrice: 0,
    });
    assert.equal(opened.status, 'OK');
    assert.equal(opened.errorMessage, null);
    assert.ok(opened.orderId);
    assert.deepEqual(fake.requests.at(-1)?.body, {
      instrument: 'EURUSD.',
      orderSide: 'BUY',
      volume: 0.1,
      slPrice: 1.095,
      tpPrice: 0,
      isMobile: false,
    });

    const [position, ...others] = await client.openPositions();
    assert.equal(others.length, 0);
    assert.ok(position);
    assert.deepEqual(
      { ...position, profit: undefined },
      {
        id: position.id,
        symbol: 'EURUSD.',
        side: 'BUY',
        volume: 0.1,
        openPrice: 1.1002, // a BUY fills at the ask
        stopLoss: 1.095,
        takeProfit: null, // 0 on the wire
        profit: undefined,
        openTime: T0,
      },
    );
    assert.equal(position.profit, -2); // marked at the bid

    const edited = await client.editPosition({
      id: position.id,
      instrument: 'EURUSD.',
      orderSide: 'BUY',
      volume: 0.1,
      slPrice: 1.098,
      tpPrice: 1.12,
    });
    assert.equal(edited.status, 'OK');
    assert.deepEqual(
      fake.openPositions().map((p) => [p.stopLoss, p.takeProfit]),
      [[1.098, 1.12]],
    );

    clock.t += 5 * MIN; // inside the session: no renewal in the call kinds below
    fake.setPrice('EURUSD.', 1.1052, 1.1054);
    const closed = await client.closePosition({
      positionId: position.id,
      instrument: 'EURUSD.',
      orderSide: 'BUY',
      volume: 0.1,
    });
    assert.equal(closed.status, 'OK');
    assert.equal(
      (fake.requests.at(-1)?.body as { volume: unknown }).volume,
      '0.1',
      'close sends volume as a string',
    );
    assert.deepEqual(await client.openPositions(), []);

    const history = await client.closedPositions(T0, T0 + 60 * MIN);
    assert.deepEqual(history, [
      {
        id: history[0]?.id,
        positionId: position.id,
        symbol: 'EURUSD.',
        side: 'BUY',
        volume: 0.1,
        openPrice: 1.1002,
        closePrice: 1.1052,
        openTime: T0,
        closeTime: T0 + 5 * MIN,
        profit: 50,
        netProfit: 50,
        closeReason: 'CLOSE',
      },
    ]);
    assert.deepEqual(await client.closedPositions(T0 + 6 * MIN, T0 + 60 * MIN), [], 'filtered by close time');
    assert.equal((await client.balance()).balance, 50_050);
    assert.deepEqual(
      calls.map((c) => c.kind),
      ['auth', 'open', 'read', 'modify', 'close', 'read', 'read', 'read', 'read'],
    );
  });

  it('a SELL profits when the price falls, and floating profit moves equity', async () => {
    const { fake, client } = await rig();
    await client.openPosition({
      instrument: 'XAUUSD.',
      orderSide: 'SELL',
      volume: 0.5,
      slPrice: 2020,
      tpPrice: 1950,
    });
    fake.setPrice('XAUUSD.', 1990);
    const balance = await client.balance();
    assert.deepEqual([balance.balance, balance.equity], [50_000, 50_500]);
    assert.equal(balance.freeMargin, 50_500 - (0.5 * 100 * 2000) / 100);
  });

  it('returns REJECTED answers instead of throwing', async () => {
    const { fake, client } = await rig();
    const base = { instrument: 'EURUSD.', orderSide: 'BUY', slPrice: 0, tpPrice: 0 } as const;
    for (const volume of [0.015, 0.001, 60]) {
      const answer = await client.openPosition({ ...base, volume });
      assert.deepEqual(answer, {
        status: 'REJECTED',
        orderId: null,
        errorMessage: 'Invalid volume',
        nativeCode: 'INVALID_VOLUME',
      });
    }
    assert.equal(
      (await client.openPosition({ ...base, instrument: 'EURUSD', volume: 0.01 })).status,
      'REJECTED',
    );
    const stops = await client.openPosition({ ...base, volume: 0.01, slPrice: 1.2 });
    assert.equal(stops.errorMessage, 'Invalid stops');
    const unknown = await client.closePosition({
      positionId: 'P999',
      instrument: 'EURUSD.',
      orderSide: 'BUY',
      volume: 1,
    });
    assert.equal(unknown.status, 'REJECTED');
    fake.fault('open', { kind: 'rejected', message: 'Market closed', nativeCode: 'MARKET_CLOSED' });
    const scripted = await client.openPosition({ ...base, volume: 0.01 });
    assert.deepEqual([scripted.status, scripted.nativeCode], ['REJECTED', 'MARKET_CLOSED']);
    assert.deepEqual(fake.openPositions(), []);
  });

  it('refuses a nonsensical order locally, without a request', async () => {
    const { fake, client } = await rig();
    const error = await failure(
      client.openPosition({
        instrument: 'EURUSD.',
        orderSide: 'BUY',
        volume: Number.NaN,
        slPrice: 0,
        tpPrice: 0,
      }),
    );
    assert.ok(error instanceof RejectedError);
    assert.equal(fake.requests.length, 0);
  });

  it('closes on SL and TP when the price crosses them, at the stop price', async () => {
    const { fake, client } = await rig();
    await client.openPosition({
      instrument: 'EURUSD.',
      orderSide: 'BUY',
      volume: 1,
      slPrice: 1.095,
      tpPrice: 0,
    });
    await client.openPosition({
      instrument: 'EURUSD.',
      orderSide: 'SELL',
      volume: 1,
      slPrice: 0,
      tpPrice: 1.096,
    });
    fake.setPrice('EURUSD.', 1.0949);
    assert.deepEqual(await client.openPositions(), []);
    const history = await client.closedPositions(T0, T0);
    assert.deepEqual(
      history.map((c) => [c.side, c.closeReason, c.closePrice, c.profit]),
      [
        ['BUY', 'SL', 1.095, -500],
        ['SELL', 'TP', 1.096, 400],
      ],
    );
    assert.equal((await client.balance()).balance, 49_900);
  });

  it('shows a position the broker closed (a stop-out) in the closed positions', async () => {
    const { fake, client } = await rig();
    await client.openPosition({ instrument: 'XAUUSD.', orderSide: 'BUY', volume: 1, slPrice: 0, tpPrice: 0 });
    const [position] = fake.openPositions();
    fake.setPrice('XAUUSD.', 1980);
    fake.closeOnBroker(position?.id ?? '', 'STOP_OUT');
    const [closed] = await client.closedPositions(T0 - MIN, T0 + MIN);
    assert.deepEqual(
      [closed?.positionId, closed?.closeReason, closed?.profit],
      [position?.id, 'STOP_OUT', -2000],
    );
  });
});

describe('MatchTraderClient: error table', () => {
  const order = { instrument: 'EURUSD.', orderSide: 'BUY', volume: 0.01, slPrice: 0, tpPrice: 0 } as const;

  it('500 on open: unknown outcome (here nothing was applied)', async () => {
    const { fake, client } = await rig();
    fake.fault('open', { kind: 'status', status: 500 });
    const error = await failure(client.openPosition(order));
    assert.ok(error instanceof UnknownOutcomeError);
    assert.match(error.message, /HTTP 500.*reconcile/);
    assert.deepEqual(await client.openPositions(), []);
  });

  it('timeout after the server accepted the open: unknown outcome, and the position IS open', async () => {
    const { fake, client } = await rig({ timeoutMs: 200 });
    fake.fault('open', { kind: 'timeout_after_accept' });
    const error = await failure(client.openPosition(order));
    assert.ok(error instanceof UnknownOutcomeError);
    assert.match(error.message, /timeout/);
    const positions = await client.openPositions();
    assert.deepEqual(
      positions.map((p) => [p.symbol, p.volume]),
      [['EURUSD.', 0.01]],
    );
  });

  it('timeout before the server accepted: unknown outcome, nothing open', async () => {
    const { fake, client } = await rig({ timeoutMs: 200 });
    fake.fault('close', { kind: 'timeout_before_accept' });
    await client.openPosition(order);
    const [position] = await client.openPositions();
    const error = await failure(
      client.closePosition({
        positionId: position?.id ?? '',
        instrument: 'EURUSD.',
        orderSide: 'BUY',
        volume: 0.01,
      }),
    );
    assert.ok(error instanceof UnknownOutcomeError);
    assert.equal((await client.openPositions()).length, 1, 'the position is still open');
  });

  it('5xx, timeout and garbage on a read are retryable', async () => {
    const { fake, client } = await rig({ timeoutMs: 200 });
    fake.fault('balance', { kind: 'status', status: 503 });
    fake.fault('open-positions', { kind: 'timeout_before_accept' });
    fake.fault('instruments', { kind: 'status', status: 200, body: '<html>challenge</html>' });
    fake.fault('closed-positions', { kind: 'status', status: 200, body: { operations: [{ id: 1 }] } });
    for (const read of [
      () => client.balance(),
      () => client.openPositions(),
      () => client.instruments(),
      () => client.closedPositions(T0, T0),
    ]) {
      const error = await failure(read());
      assert.ok(error instanceof RetryableError, String(error));
    }
    assert.equal((await client.balance()).balance, 50_000, 'the next read succeeds');
  });

  it('garbage on a mutation is an unknown outcome', async () => {
    const { fake, client } = await rig();
    fake.fault('edit', { kind: 'status', status: 200, body: { status: 'WHATEVER' } });
    const error = await failure(client.editPosition({ id: 'P1', ...order }));
    assert.ok(error instanceof UnknownOutcomeError);
  });

  it('a refused connection is retryable on a read and an unknown outcome on a mutation', async () => {
    const { fake, client } = await rig();
    await client.balance();
    await fake.close();
    assert.ok((await failure(client.balance())) instanceof RetryableError);
    assert.ok((await failure(client.openPosition(order))) instanceof UnknownOutcomeError);
  });

  it('429 is retryable, even on a mutation (the server did not process it)', async () => {
    const { fake, client } = await rig();
    fake.fault('open', { kind: 'status', status: 429 });
    fake.fault('balance', { kind: 'status', status: 429 });
    const open = await failure(client.openPosition(order));
    assert.ok(open instanceof RetryableError);
    assert.equal(open.code, 'mt_throttled');
    assert.ok((await failure(client.balance())) instanceof RetryableError);
    assert.deepEqual(fake.openPositions(), []);
  });

  it('403 is fatal and points at Cloudflare and the headers option', async () => {
    const { fake, client } = await rig();
    fake.fault('login', { kind: 'status', status: 403 });
    const error = await failure(client.balance());
    assert.ok(error instanceof FatalError);
    assert.match(error.message, /Cloudflare/);
    assert.match(error.message, /`headers`/);
  });

  it('another 4xx is a rejection', async () => {
    const { fake, client } = await rig();
    fake.fault('edit', { kind: 'status', status: 400, body: { errorMessage: 'Bad request body' } });
    const error = await failure(client.editPosition({ id: 'P1', ...order }));
    assert.ok(error instanceof RejectedError);
    assert.match(error.message, /HTTP 400: Bad request body/);
  });
});

describe('MatchTraderClient: onRequest, headers, secrets', () => {
  it('onRequest can veto a request, which then never reaches the server', async () => {
    const { fake, client, calls } = await rig({
      onRequest: (call) => {
        calls.push(call);
        if (call.kind === 'open') throw new RetryableError('budget_exhausted', 'daily request budget spent');
      },
    });
    const error = await failure(
      client.openPosition({
        ...{ instrument: 'EURUSD.', orderSide: 'BUY' },
        volume: 0.01,
        slPrice: 0,
        tpPrice: 0,
      }),
    );
    assert.equal(error.code, 'budget_exhausted');
    assert.deepEqual(routes(fake), ['login:200']);
    assert.deepEqual(
      calls.map((c) => [c.kind, c.method, c.path]),
      [
        ['auth', 'POST', '/manager/co-login'],
        ['open', 'POST', `/mtr-api/${fake.systemUuid}/position/open`],
      ],
    );
  });

  it('sends the configured browser-like headers on every request, keeping their cookies', async () => {
    const { fake, client } = await rig({
      headers: {
        'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64)',
        Origin: 'https://mtr.example.com',
        Cookie: 'cf_clearance=abc',
      },
    });
    await client.balance();
    fake.expireSessions();
    await client.openPositions();
    assert.equal(fake.requests.length, 5); // login, balance, 401, login, open-positions
    for (const request of fake.requests) {
      assert.equal(request.headers['user-agent'], 'Mozilla/5.0 (X11; Linux x86_64)');
      assert.equal(request.headers.origin, 'https://mtr.example.com');
      assert.match(request.headers.cookie ?? '', /^cf_clearance=abc/);
    }
    assert.match(fake.requests[1]?.headers.cookie ?? '', /^cf_clearance=abc; co-auth=/);
  });

  it('never puts the e-mail, the password, the session token or the tradingApiToken in an error', async () => {
    const password = 'pä"ss\\word-42';
    const { fake, client } = await rig({ timeoutMs: 200 }, { password });
    await client.balance();
    const sessionToken = /co-auth=([^;]+)/.exec(fake.requests[1]?.headers.cookie ?? '')?.[1] ?? '';
    const apiToken = fake.requests[1]?.headers['auth-trading-api'] ?? '';
    assert.ok(sessionToken.length > 20 && apiToken.length > 20);
    const secrets = [password, sessionToken, apiToken, 'trader@example.com'];
    const echo = `echo ${secrets.join(' ')}`;

    fake.fault('balance', { kind: 'status', status: 400, body: { errorMessage: echo } });
    fake.fault('open-positions', { kind: 'status', status: 502, body: echo });
    fake.fault('open', { kind: 'status', status: 500, body: { message: echo, secrets } });
    fake.fault('edit', { kind: 'timeout_before_accept' });
    fake.fault('instruments', { kind: 'status', status: 403, body: echo });
    fake.fault('closed-positions', { kind: 'status', status: 200, body: echo });
    const errors = [
      await failure(client.balance()),
      await failure(client.openPositions()),
      await failure(
        client.openPosition({
          instrument: 'EURUSD.',
          orderSide: 'BUY',
          volume: 0.01,
          slPrice: 0,
          tpPrice: 0,
        }),
      ),
      await failure(
        client.editPosition({
          id: 'P1',
          instrument: 'EURUSD.',
          orderSide: 'BUY',
          volume: 0.01,
          slPrice: 0,
          tpPrice: 0,
        }),
      ),
      await failure(client.instruments()),
      await failure(client.closedPositions(T0, T0)),
    ];
    fake.fault('open-positions', { kind: 'status', status: 401, body: echo }, 2);
    errors.push(await failure(client.openPositions()));
    const wrong = await rig({ password: `${password}-typo` }, { password });
    errors.push(await failure(wrong.client.balance()));
    secrets.push(`${password}-typo`);

    assert.deepEqual(
      errors.map((e) => e.constructor.name),
      [
        'RejectedError',
        'RetryableError',
        'UnknownOutcomeError',
        'UnknownOutcomeError',
        'FatalError',
        'RetryableError',
        'FatalError',
        'FatalError',
      ],
    );
    assert.ok(
      errors.some((e) => e.message.includes('[redacted]')),
      'echoed secrets were cut out',
    );
    for (const error of errors) {
      for (const text of [String(error), error.stack ?? '', inspect(error, { depth: 10 })]) {
        for (const secret of secrets) assert.ok(!text.includes(secret), `secret leaked in: ${text}`);
      }
    }
  });
});

describe('Match-Trader wire parsing', () => {
  it('accepts numeric strings, slPrice/tpPrice aliases, ms times and the bare-array form', () => {
    const parsed = parseWire(openPositionsAnswer, [
      {
        id: 17,
        symbol: 'EURUSD.',
        side: 'sell',
        volume: '0.30',
        openPrice: '1.10000',
        slPrice: '1.11',
        tpPrice: 0,
        profit: '-1.5',
        openTime: T0,
      },
    ]);
    assert.deepEqual(parsed, {
      ok: true,
      value: [
        {
          id: '17',
          symbol: 'EURUSD.',
          side: 'SELL',
          volume: 0.3,
          openPrice: 1.1,
          stopLoss: 1.11,
          takeProfit: null,
          profit: -1.5,
          openTime: T0,
        },
      ],
    });
  });

  it('names the problem without echoing values', () => {
    const parsed = parseWire(balanceAnswer, { balance: 'lots', equity: '1', currency: 'USD' });
    assert.deepEqual(parsed, { ok: false, problem: 'balance: expected a number or a numeric string' });
    const closed = parseWire(closedPositionsAnswer, {
      operations: [
        {
          id: 'D1',
          symbol: 'X',
          side: 'BUY',
          volume: 1,
          openPrice: 1,
          closePrice: 2,
          openTime: '2026-11-02T09:00:00.000Z',
          closeTime: String(T0),
          profit: 1,
        },
      ],
    });
    assert.ok(closed.ok);
    assert.deepEqual(
      closed.value.map((c) => [c.positionId, c.openTime, c.closeTime, c.closeReason]),
      [['D1', T0, T0, '']],
    );
  });
});
