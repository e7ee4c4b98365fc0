-- Lifecycle hardening: ids never reused, alert creation at least once, chats that come back.

-- 1. Subscription ids are never given twice. Without AUTOINCREMENT SQLite hands out
-- max(sub_id) + 1, so deleting the newest subscription frees its id for the next one,
-- and a held alert or an old button naming that id meets someone else's topic.
CREATE TABLE subscriptions_v4 (
    sub_id      INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id     BIGINT NOT NULL REFERENCES chats(chat_id) ON DELETE CASCADE ON UPDATE CASCADE,
    query       TEXT NOT NULL,
    catalog_id  TEXT,
    canonical   TEXT NOT NULL,
    display     TEXT NOT NULL,
    mode        TEXT,
    urgent      INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,
    UNIQUE (chat_id, canonical)
);

INSERT INTO subscriptions_v4
    (sub_id, chat_id, query, catalog_id, canonical, display, mode, urgent, created_at)
SELECT sub_id, chat_id, query, catalog_id, canonical, display, mode, urgent, created_at
FROM subscriptions;

DROP TABLE subscriptions;

ALTER TABLE subscriptions_v4 RENAME TO subscriptions;

CREATE INDEX subscriptions_by_chat ON subscriptions (chat_id);

-- Ids that alerts still name but whose subscription was deleted before this migration
-- are not given out again either.
INSERT INTO sqlite_sequence (name, seq)
SELECT 'subscriptions', 0
WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'subscriptions');

UPDATE sqlite_sequence
SET seq = MAX(seq, COALESCE(
    (SELECT MAX(CAST(j.value AS INTEGER)) FROM alerts a, json_each(a.sub_ids) j), 0))
WHERE name = 'subscriptions';

-- Held alerts none of whose subscriptions still exist in their chat were for topics
-- the reader already gave up: they must not arrive any more.
UPDATE alerts SET status = 'cancelled', last_error = 'subscription removed'
WHERE status = 'pending' AND NOT EXISTS (
    SELECT 1 FROM json_each(alerts.sub_ids) j
    JOIN subscriptions s ON s.sub_id = CAST(j.value AS INTEGER) AND s.chat_id = alerts.chat_id
);

-- 2. Alert creation is at least once: a new or edited entry is stored as waiting for
-- matching and only leaves that state in the transaction that writes its alerts.
ALTER TABLE entries ADD COLUMN match_pending INTEGER NOT NULL DEFAULT 0;

CREATE INDEX entries_match_pending ON entries (match_pending, entry_id);

-- 3. Why and since when a chat stopped receiving: a chat that writes again is active
-- again, and its reader hears about a pause that an error caused.
ALTER TABLE chats ADD COLUMN inactive_reason TEXT;

ALTER TABLE chats ADD COLUMN inactive_since TEXT;
