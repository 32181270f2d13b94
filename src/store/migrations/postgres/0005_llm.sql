-- LLM analysts (issue 6). The response cache makes a re-run or a backtest of the same prompts
-- reproducible and free: one row per hash of (provider, model, prompt, parameters), written once.
CREATE TABLE llm_cache (
  key           TEXT PRIMARY KEY,
  model         TEXT NOT NULL,
  response      TEXT NOT NULL,
  input_tokens  BIGINT NOT NULL,
  output_tokens BIGINT NOT NULL,
  created_at    BIGINT NOT NULL
);

-- A variant's spend per UTC day. A call reserves its worst case before it is sent, in one conditional
-- update that every process shares, and settles to what it really cost when it returns: concurrent
-- workers cannot overrun the budget together.
CREATE TABLE llm_spend (
  variant_id        TEXT NOT NULL,
  day               TEXT NOT NULL,
  calls             BIGINT NOT NULL DEFAULT 0,
  tokens            BIGINT NOT NULL DEFAULT 0,
  cost_usd          DOUBLE PRECISION NOT NULL DEFAULT 0,
  reserved_tokens   BIGINT NOT NULL DEFAULT 0,
  reserved_cost_usd DOUBLE PRECISION NOT NULL DEFAULT 0,
  PRIMARY KEY (variant_id, day)
);
