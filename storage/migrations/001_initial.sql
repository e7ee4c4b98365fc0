-- Chats the bot talks to, sources it follows, entries it has read.
-- Times are ISO 8601 strings in UTC; booleans are 0/1 integers (portable to PostgreSQL).

CREATE TABLE chats (
    chat_id      BIGINT PRIMARY KEY,
    chat_type    TEXT NOT NULL,
    title        TEXT,
    language     TEXT NOT NULL DEFAULT 'de',
    timezone     TEXT,
    active       INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);

CREATE TABLE sources (
    source_id             INTEGER PRIMARY KEY,
    url                   TEXT NOT NULL UNIQUE,
    format                TEXT,
    name                  TEXT,
    etag                  TEXT,
    last_modified         TEXT,
    interval_s            INTEGER NOT NULL DEFAULT 60,
    active                INTEGER NOT NULL DEFAULT 1,
    first_polled_at       TEXT,
    last_success_at       TEXT,
    last_error            TEXT,
    last_error_at         TEXT,
    consecutive_failures  INTEGER NOT NULL DEFAULT 0,
    next_poll_at          TEXT,
    created_at            TEXT NOT NULL
);

CREATE TABLE entries (
    entry_id         INTEGER PRIMARY KEY,
    source_id        INTEGER NOT NULL REFERENCES sources(source_id),
    entry_key        TEXT NOT NULL,
    published_at     TEXT,
    modified_at      TEXT,
    title            TEXT,
    body             TEXT NOT NULL,
    url              TEXT,
    kind             TEXT NOT NULL,
    content_hash     TEXT NOT NULL,
    previous_hash    TEXT,
    previous_body    TEXT,
    edited           INTEGER NOT NULL DEFAULT 0,
    first_seen_at    TEXT NOT NULL,
    last_changed_at  TEXT NOT NULL,
    UNIQUE (source_id, entry_key)
);

CREATE INDEX entries_by_first_seen ON entries (first_seen_at);
CREATE INDEX entries_by_source_published ON entries (source_id, published_at);
