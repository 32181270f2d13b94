-- Sigil's first schema. Times are epoch milliseconds (BIGINT); JSON is stored as TEXT, as in SQLite.
CREATE TABLE intents (
  id                    TEXT PRIMARY KEY,
  variant_id            TEXT NOT NULL,
  symbol                TEXT NOT NULL,
  trade_date            TEXT NOT NULL,
  source                TEXT NOT NULL CHECK (source IN ('scanner', 'manual')),
  idempotency_key       TEXT NOT NULL UNIQUE,
  scanner_score         DOUBLE PRECISION NOT NULL DEFAULT 0,
  scanner_confidence    TEXT NOT NULL DEFAULT 'medium' CHECK (scanner_confidence IN ('high', 'medium', 'low')),
  scanner_score_gap     DOUBLE PRECISION NOT NULL DEFAULT 0,
  scanner_drop_distance DOUBLE PRECISION NOT NULL DEFAULT 0,
  scanner_topk_spread   DOUBLE PRECISION NOT NULL DEFAULT 0,
  atr_at_signal         DOUBLE PRECISION,
  suggested_side        TEXT CHECK (suggested_side IN ('BUY', 'SELL', 'HOLD')),
  suggested_sl_price    DOUBLE PRECISION,
  suggested_tp_price    DOUBLE PRECISION,
  suggested_sl_pips     DOUBLE PRECISION,
  suggested_tp_pips     DOUBLE PRECISION,
  agent_risk_report     TEXT NOT NULL DEFAULT '',
  agent_state           TEXT,
  status                TEXT NOT NULL DEFAULT 'pending' CHECK (status IN
                          ('pending', 'claimed', 'ready_for_exec', 'executing', 'opened', 'rejected',
                           'failed', 'cancelled', 'timed_out', 'closed')),
  status_reason         TEXT NOT NULL DEFAULT '',
  claim_worker_id       TEXT,
  claim_ts              BIGINT,
  claim_ttl_minutes     INTEGER NOT NULL DEFAULT 30 CHECK (claim_ttl_minutes > 0),
  claim_expires_at      BIGINT,
  attempts              INTEGER NOT NULL DEFAULT 0,
  expires_at            BIGINT,
  position_id           TEXT,
  executed_at           BIGINT,
  execution_error       TEXT,
  compliance_snapshot   TEXT,
  created_at            BIGINT NOT NULL,
  updated_at            BIGINT NOT NULL
);
-- Leading with trade_date, the natural key also serves queries by date.
CREATE UNIQUE INDEX intents_natural_key ON intents (trade_date, symbol, source, variant_id);
-- Partial indexes: only the queues claimers read, and only leases the janitor sweeps. Every index a
-- transition does not touch is a page the commit does not write. One index per queue, because SQLite
-- uses a partial index only when the query repeats its WHERE term exactly.
CREATE INDEX intents_pending ON intents (created_at, id) WHERE status = 'pending';
CREATE INDEX intents_ready ON intents (created_at, id) WHERE status = 'ready_for_exec';
CREATE INDEX intents_lease ON intents (claim_expires_at) WHERE status = 'claimed';

CREATE TABLE decision_records (
  seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  intent_id   TEXT NOT NULL REFERENCES intents (id),
  from_status TEXT,
  to_status   TEXT NOT NULL,
  event       TEXT NOT NULL,
  actor       TEXT NOT NULL,
  reason      TEXT NOT NULL DEFAULT '',
  snapshot    TEXT,
  at          BIGINT NOT NULL
);
CREATE INDEX decision_records_intent ON decision_records (intent_id, seq);

CREATE TABLE positions (
  id            TEXT PRIMARY KEY,
  intent_id     TEXT,
  variant_id    TEXT NOT NULL,
  symbol        TEXT NOT NULL,
  side          TEXT NOT NULL CHECK (side IN ('long', 'short')),
  status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  qty           DOUBLE PRECISION NOT NULL CHECK (qty > 0),
  entry_price   DOUBLE PRECISION NOT NULL CHECK (entry_price > 0),
  atr_at_entry  DOUBLE PRECISION,
  initial_stop  DOUBLE PRECISION NOT NULL,
  current_stop  DOUBLE PRECISION NOT NULL,
  take_profit   DOUBLE PRECISION,
  opened_at     BIGINT NOT NULL,
  closed_at     BIGINT,
  exit_price    DOUBLE PRECISION,
  exit_reason   TEXT,
  fees          DOUBLE PRECISION NOT NULL DEFAULT 0,
  pnl           DOUBLE PRECISION
);
-- The last backstop against a second open position of one variant in one symbol.
CREATE UNIQUE INDEX positions_one_open_per_symbol ON positions (symbol, variant_id) WHERE status = 'open';
CREATE INDEX positions_variant ON positions (variant_id, opened_at);

CREATE TABLE symbol_protections (
  variant_id TEXT NOT NULL,
  symbol     TEXT NOT NULL,
  kind       TEXT NOT NULL,
  until      BIGINT NOT NULL,
  reason     TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (variant_id, symbol, kind)
);

CREATE TABLE scanner_heartbeat (
  variant_id      TEXT PRIMARY KEY,
  last_scan_start BIGINT,
  last_scan_end   BIGINT,
  last_error      TEXT,
  updated_at      BIGINT NOT NULL
);

CREATE TABLE jobs (
  name        TEXT PRIMARY KEY,
  next_run_at BIGINT NOT NULL,
  last_run_at BIGINT,
  owner       TEXT,
  lease_until BIGINT,
  created_at  BIGINT NOT NULL,
  updated_at  BIGINT NOT NULL
);

CREATE TABLE equity_snapshots (
  variant_id     TEXT NOT NULL,
  at             BIGINT NOT NULL,
  balance        DOUBLE PRECISION NOT NULL,
  equity         DOUBLE PRECISION NOT NULL,
  open_positions INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (variant_id, at)
);

CREATE TABLE api_calls (
  account TEXT NOT NULL,
  day     TEXT NOT NULL,
  kind    TEXT NOT NULL,
  count   INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (account, day, kind)
);
