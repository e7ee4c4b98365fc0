-- Several deliver workers share one outbox (issue 13, `run --role deliver`).
-- A chat is served by one worker at a time: lease_owner names it, lease_until (ISO
-- text, wall-clock UTC) is when another worker may take the chat over. A worker renews
-- the leases of the chats it is serving; on release it keeps lease_until at its last
-- send plus the chat's gap, so no other worker writes there sooner. A dead worker's
-- chats come back when lease_until passes.
ALTER TABLE chats ADD COLUMN lease_owner TEXT;
ALTER TABLE chats ADD COLUMN lease_until TEXT;

-- An edit of a sent alert is claimed the same way (one worker edits it, a dead
-- worker's claim expires).
ALTER TABLE alerts ADD COLUMN edit_lease_until TEXT;

-- Telegram's limits are per bot, not per process: the next free send slot of each rate
-- (key 'free', 'paid') as epoch seconds; workers reserve small blocks of slots from it.
CREATE TABLE rate_slots (
    rate_key  TEXT PRIMARY KEY,
    next_at   REAL NOT NULL DEFAULT 0
);
