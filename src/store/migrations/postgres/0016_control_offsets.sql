-- Where a control channel (the Telegram bot, issue 21) has read up to: the next update id it asks for.
-- Kept in the store, so a restarted bot never runs again a command it already answered. One row per
-- channel, keyed by the bot's id (a new bot starts from its own updates).
CREATE TABLE control_offsets (
  channel     TEXT PRIMARY KEY,
  next_offset BIGINT NOT NULL,
  updated_at  BIGINT NOT NULL
);
