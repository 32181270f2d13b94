-- Fewer pages written per bar. A replay's bar commit wrote ~31 pages, and the equity snapshots alone
-- ~11 of them: one per variant in the (variant_id, equity) index — a random leaf each, since equity
-- values land anywhere in it — besides their table and primary key. The peak it served is now kept in
-- a row per variant (the realised P&L ledger's way), so the index goes. positions (variant_id,
-- opened_at) goes too: every query of positions names its status, and the partial indexes serve them.
DROP INDEX equity_snapshots_peak;
DROP INDEX positions_variant;

-- Per variant: the time of its latest snapshot and the highest equity snapshotted. A snapshot after the
-- latest raises the peak or not; one at or before it (a bar run again) may have lowered the value the
-- peak came from, and the row is summed up again from the snapshots.
CREATE TABLE equity_peaks (
  variant_id TEXT PRIMARY KEY,
  latest_at  BIGINT NOT NULL,
  peak       DOUBLE PRECISION NOT NULL
);
INSERT INTO equity_peaks (variant_id, latest_at, peak)
SELECT variant_id, MAX(at), MAX(equity) FROM equity_snapshots GROUP BY variant_id;
