-- One role per job (issue 21); see the SQLite migration of the same number.
CREATE TABLE process_roles (
    worker   TEXT COLLATE "C" PRIMARY KEY,
    role     TEXT NOT NULL,
    seen_at  TEXT COLLATE "C" NOT NULL
);

-- The chat a sent alert's message id belongs to (see the SQLite migration).
ALTER TABLE alerts ADD COLUMN message_chat_id BIGINT;
