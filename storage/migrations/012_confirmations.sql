-- Queries waiting for a "subscribe anyway" button: in the database, so the button works
-- whichever process answers it and after a restart.
CREATE TABLE pending_confirmations (
    token       TEXT NOT NULL PRIMARY KEY,
    chat_id     BIGINT NOT NULL REFERENCES chats(chat_id) ON DELETE CASCADE ON UPDATE CASCADE,
    query       TEXT NOT NULL,
    as_typed    INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL
);

CREATE INDEX pending_confirmations_by_chat ON pending_confirmations (chat_id, created_at);
CREATE INDEX pending_confirmations_by_age ON pending_confirmations (created_at);
