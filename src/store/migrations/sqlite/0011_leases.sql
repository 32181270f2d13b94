-- Leases (issue 18): one owner per variant's execution role, and the presence of every process sharing
-- the store (its host, pid, roles and config version). Times are wall-clock milliseconds; `fence` rises
-- each time a lease passes to another holder. A released lease keeps its row (lease_until in the past),
-- so `sigil status` can say who held it last.
CREATE TABLE leases (
  name        TEXT PRIMARY KEY,
  holder      TEXT NOT NULL,
  host        TEXT NOT NULL,
  pid         INTEGER NOT NULL,
  info        TEXT NOT NULL DEFAULT '{}',
  since       INTEGER NOT NULL,
  lease_until INTEGER NOT NULL,
  fence       INTEGER NOT NULL
);
