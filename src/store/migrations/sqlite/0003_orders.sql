-- Orders (issue 5): every order a broker adapter sends, keyed by its client order id, which derives
-- from the intent (entry) or the position (exit). A retry after a crash finds the order here, or at the
-- broker, by that id, and never sends it twice.
CREATE TABLE orders (
  client_order_id TEXT PRIMARY KEY,
  variant_id      TEXT NOT NULL,
  symbol          TEXT NOT NULL,
  side            TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
  purpose         TEXT NOT NULL CHECK (purpose IN ('entry', 'exit')),
  qty             DOUBLE PRECISION NOT NULL CHECK (qty > 0),
  status          TEXT NOT NULL CHECK (status IN ('filled', 'rejected')),
  fill_price      DOUBLE PRECISION,
  fee             DOUBLE PRECISION NOT NULL DEFAULT 0,
  reason          TEXT NOT NULL DEFAULT '',
  intent_id       TEXT,
  position_id     TEXT,
  created_at      BIGINT NOT NULL
);
CREATE INDEX orders_variant ON orders (variant_id, created_at);
