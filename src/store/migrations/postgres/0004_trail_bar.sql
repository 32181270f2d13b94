-- The bar (open time) at whose close the trail last moved. A bar applied again after a crash (its step
-- committed, the job's run not yet recorded) must not test the stop it raised against its own range.
ALTER TABLE positions ADD COLUMN trailed_at BIGINT;
