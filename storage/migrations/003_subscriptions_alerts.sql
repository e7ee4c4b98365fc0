-- Readers' subscriptions, their delivery settings, and the durable alert outbox.

ALTER TABLE chats ADD COLUMN mode TEXT NOT NULL DEFAULT 'instant';
ALTER TABLE chats ADD COLUMN quiet_start TEXT;
ALTER TABLE chats ADD COLUMN quiet_end TEXT;
ALTER TABLE chats ADD COLUMN paused_until TEXT;
ALTER TABLE chats ADD COLUMN digest_time TEXT;
ALTER TABLE chats ADD COLUMN next_digest_at TEXT;
ALTER TABLE chats ADD COLUMN last_digest_at TEXT;
ALTER TABLE chats ADD COLUMN last_batch_at TEXT;
ALTER TABLE chats ADD COLUMN language_fixed INTEGER NOT NULL DEFAULT 0;

CREATE INDEX chats_by_next_digest ON chats (next_digest_at);

CREATE TABLE subscriptions (
    sub_id      INTEGER PRIMARY KEY,
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

CREATE INDEX subscriptions_by_chat ON subscriptions (chat_id);

CREATE TABLE alerts (
    alert_id      INTEGER PRIMARY KEY,
    chat_id       BIGINT NOT NULL REFERENCES chats(chat_id) ON DELETE CASCADE ON UPDATE CASCADE,
    entry_id      INTEGER NOT NULL REFERENCES entries(entry_id),
    sub_ids       TEXT NOT NULL,
    spans         TEXT NOT NULL,
    urgent        INTEGER NOT NULL DEFAULT 0,
    status        TEXT NOT NULL,
    due_at        TEXT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT,
    message_id    BIGINT,
    sent_at       TEXT,
    sent_hash     TEXT,
    edit_pending  INTEGER NOT NULL DEFAULT 0,
    digested_at   TEXT,
    created_at    TEXT NOT NULL,
    UNIQUE (chat_id, entry_id)
);

CREATE INDEX alerts_by_status_due ON alerts (status, due_at);
CREATE INDEX alerts_by_chat_created ON alerts (chat_id, created_at);
CREATE INDEX alerts_edit_pending ON alerts (edit_pending);
