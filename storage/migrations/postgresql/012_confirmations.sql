-- Queries waiting for a "subscribe anyway" button (see the SQLite migration 012).
CREATE TABLE pending_confirmations (
    token       TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    chat_id     BIGINT NOT NULL REFERENCES chats(chat_id) ON DELETE CASCADE ON UPDATE CASCADE,
    query       TEXT NOT NULL,
    as_typed    BIGINT NOT NULL DEFAULT 0,
    created_at  TEXT COLLATE "C" NOT NULL
);

CREATE INDEX pending_confirmations_by_chat ON pending_confirmations (chat_id, created_at);
CREATE INDEX pending_confirmations_by_age ON pending_confirmations (created_at);
