-- Sources whose page layout seems to have changed (see the SQLite migration 017).
CREATE TABLE source_drift (
    source_id    BIGINT NOT NULL PRIMARY KEY REFERENCES sources(source_id) ON DELETE CASCADE,
    reason       TEXT NOT NULL,
    adapter      TEXT NOT NULL,
    selector     TEXT NOT NULL,
    detail       TEXT NOT NULL,
    since        TEXT COLLATE "C" NOT NULL,
    reported_at  TEXT COLLATE "C"
);
