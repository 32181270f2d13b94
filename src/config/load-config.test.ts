import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../../test/support/temp-dir.ts';
import { ConfigError } from './config-error.ts';
import { configJsonSchema } from './json-schema.ts';
import { defaultConfig, loadConfigFile, loadDotEnv, parseConfig } from './load-config.ts';

function problemsOf(text: string): string {
  try {
    parseConfig(text, 'sigil.yaml');
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.message;
  }
  assert.fail('expected a ConfigError');
}

describe('configuration', () => {
  it('resolves each variant as the base settings with its overlay', () => {
    const config = parseConfig(
      `
store:
  url: sqlite:data/bot.db
pipeline:
  claim_ttl_minutes: 20
  retention_days: 14
variants:
  baseline:
  patient:
    pipeline:
      claim_ttl_minutes: 90
  brief:
    pipeline:
      retention_days: 7
`,
      'sigil.yaml',
    );
    assert.equal(config.storeUrl, 'sqlite:data/bot.db');
    assert.deepEqual(
      config.variants.map((v) => [
        v.id,
        v.settings.pipeline.claim_ttl_minutes,
        v.settings.pipeline.retention_days,
      ]),
      [
        ['baseline', 20, 14],
        ['patient', 90, 14],
        ['brief', 20, 7],
      ],
      "an overlay's missing keys keep the base's values, not the defaults",
    );
  });

  it('falls back to one baseline variant with the documented defaults', () => {
    const config = defaultConfig();
    assert.deepEqual(config.variants, [
      {
        id: 'baseline',
        settings: {
          pipeline: {
            claim_ttl_minutes: 30,
            max_claim_attempts: 3,
            intent_expiry_hours: 4,
            retention_days: 30,
            heartbeat_stale_minutes: 25,
            waiting_alert_minutes: 15,
          },
          scanner: {
            rule: 'breakout',
            posture: 'baseline',
            top_k: 2,
            train_window: 63,
            high_gap: 0.0005,
            medium_gap: 0.00015,
            max_error_bars: 3,
          },
          risk: {
            hard_stop_floor_pct: 3,
            hard_stop_multiplier: 1.5,
            hard_stop_cap_pct: 6,
            trail_atr_multiplier: 2,
            trail_activation_pct: 0,
            take_profit_pct: 0,
            time_stop_hours: 0,
            signal_exit: 'none',
            momentum_period: 3,
            momentum_decel_bars: 2,
            channel_exit_lookback: 10,
            risk_per_trade_usd: 5,
            max_open_trades: null,
            max_position_usd: 50,
            position_pct: 10,
            stop_anchor: 'fill',
          },
          protections: {
            cooldown_hours: 6,
            cooldown_after_exit_hours: 0,
            stoploss_guard_trades: 0,
            stoploss_guard_lookback_hours: 24,
            stoploss_guard_lock_hours: 12,
            stoploss_guard_scope: 'symbol',
            max_drawdown_pct: 0,
            max_drawdown_trades: 1,
            max_drawdown_lookback_hours: 48,
            max_drawdown_lock_hours: 12,
            low_profit_trades: 0,
            low_profit_lookback_hours: 72,
            low_profit_lock_hours: 24,
            low_profit_required_usd: 0,
            kill_switch_drawdown_pct: 0,
          },
          account: { starting_balance_usd: 1000 },
          paper: { fee_pct: 0.1, slippage_pct: 0 },
          analyst: {
            kind: 'rules',
            min_confidence: 'low',
            provider: 'openai',
            base_url: null,
            api_key_env: null,
            quick_model: 'gpt-4o-mini',
            deep_model: 'gpt-4o',
            temperature: 0,
            max_output_tokens: 800,
            structured_output: true,
            roles: ['market', 'bull', 'bear', 'trader', 'risk_manager'],
            debate_rounds: 1,
            candles: 30,
            call_timeout_s: 60,
            decision_timeout_s: 600,
            max_retries: 2,
            prices: {},
            daily_token_budget: null,
            daily_cost_budget_usd: null,
            fallback: 'rules',
            fallback_ok: false,
            cache: true,
            sample: 1,
            url: null,
            token_env: null,
          },
          compliance: { preset: 'none' },
          broker: {
            kind: 'paper',
            exchange: 'binance',
            sandbox: false,
            api_key_env: 'SIGIL_EXCHANGE_API_KEY',
            secret_env: 'SIGIL_EXCHANGE_SECRET',
            password_env: null,
            url: null,
            broker_id: '2',
            account_id: null,
            email_env: 'SIGIL_MT_EMAIL',
            mt_password_env: 'SIGIL_MT_PASSWORD',
            headers: {},
            timeout_s: 10,
          },
        },
      },
    ]);
    assert.deepEqual(
      { ...config.market, data: config.market.data.replace(/.*\/data\//, 'data/') },
      {
        data: 'data/crypto/1h',
        timeframe: '1h',
        symbols: [],
        calendar: 'continuous',
        instruments: {},
        feed: 'ccxt',
        exchange: 'binance',
        warmup_bars: 100,
      },
    );
    assert.deepEqual(config.alerts, {
      dedup_minutes: 10,
      rate_limit_per_minute: 20,
      max_retries: 5,
      sinks: [],
    });
    assert.deepEqual(config.api, { enabled: true, host: '127.0.0.1', port: 8700, allow_remote: false });
    assert.deepEqual(parseConfig('', 'empty.yaml').variants, config.variants);
  });

  it('names the file, the key path, the bad value and what was expected', () => {
    assert.equal(
      problemsOf('pipeline:\n  claim_ttl_minutes: thirty\n'),
      'sigil.yaml: pipeline.claim_ttl_minutes: expected number, received string, got "thirty"',
    );
    assert.match(
      problemsOf('variants:\n  fast:\n    pipeline:\n      max_claim_attempts: 0\n'),
      /^sigil.yaml: variants.fast.pipeline.max_claim_attempts: .*>=1.*, got 0$/,
    );
  });

  it('refuses analyst settings that cannot work: a service without a URL, a cost budget without prices', () => {
    assert.equal(
      problemsOf('analyst:\n  kind: http\n'),
      'sigil.yaml: variants.baseline.analyst.url: kind http needs the URL of the service, got null',
    );
    assert.equal(
      problemsOf(
        'analyst:\n  kind: llm\n  daily_cost_budget_usd: 2\n  prices:\n    gpt-4o: { input_per_mtok: 2.5, output_per_mtok: 10 }\n',
      ),
      'sigil.yaml: variants.baseline.analyst.prices: a cost budget needs the price of gpt-4o-mini, got {"gpt-4o":{"input_per_mtok":2.5,"output_per_mtok":10}}',
    );
    assert.match(
      problemsOf('analyst:\n  roles: [market, market]\n'),
      /analyst.roles: expected each role once/,
    );
    assert.match(
      problemsOf('analyst:\n  base_url: localhost\n'),
      /analyst.base_url: .*URL.*, got "localhost"/,
    );
  });

  it('refuses risk settings that cannot make a stop: a cap below the floor, a negative step, a negative price', () => {
    assert.equal(
      problemsOf(
        'risk:\n  hard_stop_floor_pct: 4\nvariants:\n  tight:\n    risk:\n      hard_stop_cap_pct: 2\n',
      ),
      'sigil.yaml: variants.tight.risk.hard_stop_cap_pct: must be at least hard_stop_floor_pct (4), got 2',
    );
    assert.match(
      problemsOf("market:\n  instruments:\n    '*':\n      qty_step: -0.01\n"),
      /^sigil.yaml: market.instruments.\*.qty_step: .*>=0.*, got -0.01$/,
    );
    assert.equal(
      problemsOf("market:\n  instruments:\n    '*':\n      quote_currency: USD\n"),
      "sigil.yaml: market.instruments.*.quote_currency: is set per symbol, not under '*' (each symbol's quote currency is its own), got \"USD\"",
    );
    assert.match(
      problemsOf('market:\n  instruments:\n    US30:\n      quote_currency: dollars\n'),
      /^sigil.yaml: market.instruments.US30.quote_currency: a currency code such as USD or JPY/,
    );
    assert.match(
      problemsOf('risk:\n  hard_stop_floor_pct: -1\n'),
      /^sigil.yaml: risk.hard_stop_floor_pct: .*>0.*, got -1$/,
    );
    assert.match(
      problemsOf('risk:\n  signal_exit: rsi\n'),
      /risk.signal_exit: .*"momentum_decel".*, got "rsi"/,
    );
  });

  it('refuses a typo as an unknown key', () => {
    assert.equal(
      problemsOf('pipeline:\n  claim_tll_minutes: 5\n'),
      'sigil.yaml: pipeline.claim_tll_minutes: unknown key',
    );
    assert.equal(problemsOf('pipelines: {}\n'), 'sigil.yaml: pipelines: unknown key');
  });

  it('reports a YAML syntax error with its line', () => {
    assert.match(
      problemsOf('pipeline:\n  claim_ttl_minutes: [1, 2\n'),
      /^sigil.yaml: line \d+, column \d+: /,
    );
  });

  it('refuses a password in the YAML and a bad variant name', () => {
    assert.match(
      problemsOf('store:\n  url: postgres://sigil:hunter2@db:5432/sigil\n'),
      /store.url: must not contain a password/,
    );
    assert.match(problemsOf('variants:\n  Fast!: {}\n'), /variants.Fast!: variant names are/);
  });

  it('says when the file is missing', () => {
    assert.throws(
      () => loadConfigFile('/nonexistent/sigil.yaml'),
      /\/nonexistent\/sigil.yaml: cannot read the configuration \(no such file\)/,
    );
  });

  it('loads .env without overriding the real environment', () => {
    const dir = tempDir();
    try {
      const file = join(dir.path, '.env');
      writeFileSync(file, 'SIGIL_TEST_FROM_DOTENV=from-file\nSIGIL_TEST_ALREADY_SET=from-file\n');
      process.env.SIGIL_TEST_ALREADY_SET = 'from-env';
      assert.deepEqual(loadDotEnv(file), ['SIGIL_TEST_FROM_DOTENV']);
      assert.equal(process.env.SIGIL_TEST_FROM_DOTENV, 'from-file');
      assert.equal(process.env.SIGIL_TEST_ALREADY_SET, 'from-env');
    } finally {
      dir.remove();
    }
  });

  it('exports a JSON Schema that editors can use', () => {
    const schema = configJsonSchema() as {
      properties: Record<string, { properties?: Record<string, unknown> }>;
      additionalProperties: boolean;
    };
    assert.equal(schema.additionalProperties, false);
    assert.deepEqual(Object.keys(schema.properties).sort(), [
      'account',
      'alerts',
      'analyst',
      'api',
      'broker',
      'compliance',
      'control',
      'engine',
      'market',
      'paper',
      'pipeline',
      'protections',
      'risk',
      'scanner',
      'store',
      'variants',
    ]);
    assert.deepEqual(Object.keys(schema.properties.pipeline?.properties ?? {}), [
      'claim_ttl_minutes',
      'max_claim_attempts',
      'intent_expiry_hours',
      'retention_days',
      'heartbeat_stale_minutes',
      'waiting_alert_minutes',
    ]);
  });
});
