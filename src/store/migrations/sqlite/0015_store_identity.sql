-- What the store was started for (issue 20): a replay of one configuration over one span of candles, or a
-- live bot. One row at most; written once, by the first run.
CREATE TABLE store_identity (
  id             INTEGER PRIMARY KEY CHECK (id = 1),
  kind           TEXT NOT NULL CHECK (kind IN ('replay', 'live')),
  config_version TEXT NOT NULL,
  config_file    TEXT,
  range_from     INTEGER,
  range_to       INTEGER,
  created_at     INTEGER NOT NULL
);
