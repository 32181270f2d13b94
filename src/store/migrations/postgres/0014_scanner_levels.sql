-- A stop and a target a scanner proposes (issue 19: a user strategy's own levels); null for the built-in
-- rules. The rules analyst passes them on, and the risk layer holds the stop inside its band.
ALTER TABLE intents ADD COLUMN scanner_stop DOUBLE PRECISION;
ALTER TABLE intents ADD COLUMN scanner_target DOUBLE PRECISION;
