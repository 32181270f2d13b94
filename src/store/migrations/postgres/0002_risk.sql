-- Risk (issue 4): the trail's anchor on each position, closed-trade lookups for protections and
-- analytics, and the per-variant trading state (the kill switch) with its audit trail.
ALTER TABLE positions ADD COLUMN peak_price DOUBLE PRECISION;
UPDATE positions SET peak_price = entry_price;
CREATE INDEX positions_closed ON positions (variant_id, closed_at) WHERE status = 'closed';

-- One row per variant that ever left `active`; a variant without a row is active.
CREATE TABLE trading_states (
  variant_id TEXT PRIMARY KEY,
  state      TEXT NOT NULL CHECK (state IN ('active', 'reducing', 'halted')),
  reason     TEXT NOT NULL DEFAULT '',
  actor      TEXT NOT NULL,
  changed_at BIGINT NOT NULL
);

CREATE TABLE trading_state_changes (
  seq        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  variant_id TEXT NOT NULL,
  from_state TEXT NOT NULL,
  to_state   TEXT NOT NULL,
  reason     TEXT NOT NULL DEFAULT '',
  actor      TEXT NOT NULL,
  at         BIGINT NOT NULL
);
CREATE INDEX trading_state_changes_variant ON trading_state_changes (variant_id, seq);
