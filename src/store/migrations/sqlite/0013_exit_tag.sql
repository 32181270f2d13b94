-- A user strategy's own reason for an exit it asked for (issue 19): the exit is a signal_exit, the tag says
-- which of the strategy's rules fired. Null for every other exit.
ALTER TABLE positions ADD COLUMN exit_tag TEXT;
