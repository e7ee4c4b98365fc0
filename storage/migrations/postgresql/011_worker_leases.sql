-- Several deliver workers share one outbox (issue 13, `run --role deliver`); see the
-- SQLite migration of the same number for what the columns mean.
ALTER TABLE chats ADD COLUMN lease_owner TEXT;
ALTER TABLE chats ADD COLUMN lease_until TEXT COLLATE "C";

ALTER TABLE alerts ADD COLUMN edit_lease_until TEXT COLLATE "C";

-- Epoch seconds of PostgreSQL's clock: every worker reserves against one clock.
CREATE TABLE rate_slots (
    rate_key  TEXT COLLATE "C" PRIMARY KEY,
    next_at   DOUBLE PRECISION NOT NULL DEFAULT 0
);
