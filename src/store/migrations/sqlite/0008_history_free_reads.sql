-- Every bar reads the open positions, the realised P&L and the intents the janitor and the adoption
-- sweep look for. Each of those reads walked history — closed positions through the (variant_id)
-- index, every closed trade for SUM(pnl), every intent for a status IN (?) — so a bot got slower with
-- every trade it made (33 months cost 1.3–2.4× per bar what 3 months did). After this migration none
-- of them grows with the number of past trades.
--
-- Partial indexes hold only the live rows; SQLite uses one only when the query repeats its WHERE term
-- exactly, so the store writes these status lists as literals in the same order.
CREATE INDEX positions_open ON positions (variant_id, opened_at, id) WHERE status = 'open';
CREATE INDEX intents_executing ON intents (created_at, id) WHERE status = 'executing';
CREATE INDEX intents_terminal_age ON intents (updated_at)
  WHERE status IN ('rejected', 'failed', 'cancelled', 'closed');

-- Realised P&L per variant, kept as trades close: the running total, the number of trades, the highest
-- the running total has been (0 = the account's start), and the last close added, in (closed_at, id)
-- order — a close that arrives out of that order (a broker-side close found later) is rebuilt from the
-- positions instead.
CREATE TABLE realized_pnl (
  variant_id     TEXT PRIMARY KEY,
  total          REAL NOT NULL,
  trades         INTEGER NOT NULL,
  peak           REAL NOT NULL,
  last_closed_at INTEGER NOT NULL,
  last_id        TEXT NOT NULL
);
WITH curve AS (
  SELECT variant_id, id, closed_at, pnl,
         SUM(COALESCE(pnl, 0)) OVER (PARTITION BY variant_id ORDER BY closed_at, id) AS running,
         ROW_NUMBER() OVER (PARTITION BY variant_id ORDER BY closed_at DESC, id DESC) AS newest
  FROM positions WHERE status = 'closed'
)
INSERT INTO realized_pnl (variant_id, total, trades, peak, last_closed_at, last_id)
SELECT variant_id,
       SUM(COALESCE(pnl, 0)),
       COUNT(*),
       MAX(0, MAX(running)),
       MAX(CASE WHEN newest = 1 THEN closed_at END),
       MAX(CASE WHEN newest = 1 THEN id END)
FROM curve GROUP BY variant_id;
