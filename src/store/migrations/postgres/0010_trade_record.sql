-- The full trade record (issue 17): when the signal came, how many bars the position has been held (the
-- time stop counts bars of data, not clock hours: a missing hour is not a bar), and the worst price it
-- saw, beside the best (peak_price): the trade's adverse and favourable excursions. trailed_at now names
-- the last bar applied to the position, whether or not its trail moved.
ALTER TABLE positions ADD COLUMN signal_at BIGINT;
ALTER TABLE positions ADD COLUMN bars_held INTEGER NOT NULL DEFAULT 0;
ALTER TABLE positions ADD COLUMN trough_price DOUBLE PRECISION;
UPDATE positions SET trough_price = entry_price;
