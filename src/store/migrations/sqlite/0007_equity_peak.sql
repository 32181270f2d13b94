-- The highest equity of a variant, asked at every equity look when its kill switch watches marked-to-market
-- equity, and at every metrics scrape: an index seek instead of a scan of every snapshot.
CREATE INDEX equity_snapshots_peak ON equity_snapshots (variant_id, equity);
