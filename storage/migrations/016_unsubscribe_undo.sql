-- An unsubscribe can be taken back for a while ("rückgängig"): what the subscription was
-- (its row, the sources it was limited to, its forum topic) waits here until it is
-- restored or its time runs out. Expired rows go as new ones come; a chat keeps few.
CREATE TABLE unsubscribe_undo (
    undo_id     INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id     BIGINT NOT NULL REFERENCES chats(chat_id) ON DELETE CASCADE ON UPDATE CASCADE,
    snapshot    TEXT NOT NULL,
    until       TEXT NOT NULL,
    restored    INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX unsubscribe_undo_by_chat ON unsubscribe_undo (chat_id);

CREATE INDEX unsubscribe_undo_by_until ON unsubscribe_undo (until);
