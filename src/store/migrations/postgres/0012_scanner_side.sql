-- The side a scanner proposes (issue 19): strategies may propose shorts, and the rules analyst trades the
-- side the scanner proposed. Every intent before this was a long.
ALTER TABLE intents ADD COLUMN scanner_side TEXT NOT NULL DEFAULT 'BUY' CHECK (scanner_side IN ('BUY', 'SELL'));
