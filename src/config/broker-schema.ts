// The broker section of a variant: the account it trades. Paper by default. Secrets are never keys
// here: the section names the environment variables that hold them.
import { z } from 'zod';
import { credentialFreeUrl, envName } from './secret-keys.ts';

export const BrokerSchema = z.strictObject({
  kind: z
    .enum(['paper', 'ccxt', 'match_trader'])
    .default('paper')
    .describe('paper: simulated fills; ccxt: a crypto exchange account; match_trader: a prop-firm account.'),
  exchange: z.string().min(1).default('binance').describe('ccxt: the exchange id (binance, bybit, okx…).'),
  sandbox: z.boolean().default(false).describe("ccxt: trade on the exchange's testnet (its own keys)."),
  api_key_env: envName('SIGIL_EXCHANGE_API_KEY')
    .default('SIGIL_EXCHANGE_API_KEY')
    .describe('ccxt: variable holding the API key.'),
  secret_env: envName('SIGIL_EXCHANGE_SECRET')
    .default('SIGIL_EXCHANGE_SECRET')
    .describe('ccxt: variable holding the API secret.'),
  password_env: envName('SIGIL_EXCHANGE_PASSWORD')
    .nullable()
    .default(null)
    .describe('ccxt: variable holding the API passphrase, for exchanges that have one (OKX, KuCoin).'),
  url: credentialFreeUrl(
    'credentials go in the environment variables broker.api_key_env and broker.secret_env (ccxt) or broker.email_env and broker.mt_password_env (match_trader) name',
  )
    .nullable()
    .default(null)
    .describe("ccxt: replaces the exchange's API origin; match_trader: the broker's web origin (required)."),
  broker_id: z.string().min(1).default('2').describe("match_trader: the broker's id at login (E8: 2)."),
  account_id: z
    .string()
    .min(1)
    .nullable()
    .default(null)
    .describe('match_trader: the trading account id; null = the only account of the login.'),
  email_env: envName('SIGIL_MT_EMAIL')
    .default('SIGIL_MT_EMAIL')
    .describe('match_trader: variable holding the login e-mail.'),
  mt_password_env: envName('SIGIL_MT_PASSWORD')
    .default('SIGIL_MT_PASSWORD')
    .describe('match_trader: variable holding the password.'),
  headers: z
    .record(z.string(), z.string())
    .default({})
    .describe(
      'match_trader: extra browser-like headers (User-Agent, Origin…) for origins behind Cloudflare.',
    ),
  timeout_s: z
    .number()
    .positive()
    .max(120)
    .default(10)
    .describe('Seconds before a broker request is given up.'),
});
export type BrokerSettings = z.infer<typeof BrokerSchema>;
