-- Brokers (issue 7). Orders remember what an account needs to be rebuilt from them (the contract size,
-- the stops sent with the entry) and the broker's own id; positions carry that id so an exit or a stop
-- edit names the broker's position.
ALTER TABLE orders ADD COLUMN contract_size DOUBLE PRECISION NOT NULL DEFAULT 1;
ALTER TABLE orders ADD COLUMN stop_loss DOUBLE PRECISION;
ALTER TABLE orders ADD COLUMN take_profit DOUBLE PRECISION;
ALTER TABLE orders ADD COLUMN broker_ref TEXT;
CREATE INDEX orders_broker_ref ON orders (broker_ref);
ALTER TABLE positions ADD COLUMN broker_ref TEXT;

-- An order about to be sent to a broker that keeps no client order id (Match-Trader's Platform API):
-- written before the request, so an answer lost to a timeout or a crash is matched on read-back by
-- symbol, side, quantity and time instead of being sent again.
CREATE TABLE order_attempts (
  client_order_id TEXT PRIMARY KEY,
  account         TEXT NOT NULL,
  variant_id      TEXT NOT NULL,
  symbol          TEXT NOT NULL,
  side            TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
  qty             DOUBLE PRECISION NOT NULL,
  sent_at         BIGINT NOT NULL
);

-- The broker request budget (api_calls, from the initial schema) is counted per account, firm day and
-- kind ('all', 'modifications', 'positions').
