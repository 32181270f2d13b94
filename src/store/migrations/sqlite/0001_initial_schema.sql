-- Sigil's first schema. Times are epoch milliseconds (INTEGER); JSON is stored as TEXT.
CREATE TABLE intents (
  id                    TEXT PRIMARY KEY,
  variant_id            TEXT NOT NULL,
  symbol                TEXT NOT NULL,
  trade_date            TEXT NOT NULL,
  source                TEXT NOT NULL CHECK (source IN ('scanner', 'manual')),
  idempotency_key       TEXT NOT NULL UNIQUE,
  scanner_score         REAL NOT NULL DEFAULT 0,
  scanner_confidence    TEXT NOT NULL DEFAULT 'medium' CHECK (scanner_confidence IN ('high', 'medium', 'low')),
  scanner_score_gap     REAL NOT NULL DEFAULT 0,
  scanner_drop_distance REAL NOT NULL DEFAULT 0,
  scanner_topk_spread   REAL NOT NULL DEFAULT 0,
  atr_at_signal         REAL,
  suggested_side        TEXT CHECK (suggested_side IN ('BUY', 'SELL', 'HOLD')),
  suggested_sl_price    REAL,
  suggested_tp_price    REAL,
  suggested_sl_pips     REAL,
  suggested_tp_pips     REAL,
  agent_risk_report     TEXT NOT NULL DEFAULT '',
  agent_state           TEXT,
  status                TEXT NOT NULL DEFAULT 'pending' CHECK (status IN
                          ('pending', 'claimed', 'ready_for_exec', 'executing', 'opened', 'rejected',
                           'failed', 'cancelled', 'timed_out', 'closed')),
  status_reason         TEXT NOT NULL DEFAULT '',
  claim_worker_id       TEXT,
  claim_ts              INTEGER,
  claim_ttl_minutes     INTEGER NOT NULL DEFAULT 30 CHECK (claim_ttl_minutes > 0),
  claim_expires_at      INTEGER,
  attempts              INTEGER NOT NULL DEFAULT 0,
  expires_at            INTEGER,
  position_id           TEXT,
  executed_at           INTEGER,
  execution_error       TEXT,
  compliance_snapshot   TEXT,
  created_at            INTEGER NOT NULL,
  updated_at            INTEGER NOT NULL
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
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  intent_id   TEXT NOT NULL REFERENCES intents (id),
  from_status TEXT,
  to_status   TEXT NOT NULL,
  event       TEXT NOT NULL,
  actor       TEXT NOT NULL,
  reason      TEXT NOT NULL DEFAULT '',
  snapshot    TEXT,
  at          INTEGER NOT NULL
);
CREATE INDEX decision_records_intent ON decision_records (intent_id, seq);

CREATE TABLE positions (
  id            TEXT PRIMARY KEY,
  intent_id     TEXT,
  variant_id    TEXT NOT NULL,
  symbol        TEXT NOT NULL,
  side          TEXT NOT NULL CHECK (side IN ('long', 'short')),
  status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  qty           REAL NOT NULL CHECK (qty > 0),
  entry_price   REAL NOT NULL CHECK (entry_price > 0),
  atr_at_entry  REAL,
  initial_stop  REAL NOT NULL,
  current_stop  REAL NOT NULL,
  take_profit   REAL,
  opened_at     INTEGER NOT NULL,
  closed_at     INTEGER,
  exit_price    REAL,
  exit_reason   TEXT,
  fees          REAL NOT NULL DEFAULT 0,
  pnl           REAL
);
-- The last backstop against a second open position of one variant in one symbol.
CREATE UNIQUE INDEX positions_one_open_per_symbol ON positions (symbol, variant_id) WHERE status = 'open';
CREATE INDEX positions_variant ON positions (variant_id, opened_at);

CREATE TABLE symbol_protections (
  variant_id TEXT NOT NULL,
  symbol     TEXT NOT NULL,
  kind       TEXT NOT NULL,
  until      INTEGER NOT NULL,
  reason     TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (variant_id, symbol, kind)
);

CREATE TABLE scanner_heartbeat (
  variant_id      TEXT PRIMARY KEY,
  last_scan_start INTEGER,
  last_scan_end   INTEGER,
  last_error      TEXT,
  updated_at      INTEGER NOT NULL
);

CREATE TABLE jobs (
  name        TEXT PRIMARY KEY,
  next_run_at INTEGER NOT NULL,
  last_run_at INTEGER,
  owner       TEXT,
  lease_until INTEGER,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);

CREATE TABLE equity_snapshots (
  variant_id     TEXT NOT NULL,
  at             INTEGER NOT NULL,
  balance        REAL NOT NULL,
  equity         REAL NOT NULL,
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
