-- Sources whose page layout seems to have changed (the layout drift alarm): the adapter,
-- the first piece of its expected markup that no longer matched, since when, and when
-- the operators were told (once per drift). A source back to normal loses its row.
CREATE TABLE source_drift (
    source_id    INTEGER NOT NULL PRIMARY KEY REFERENCES sources(source_id) ON DELETE CASCADE,
    reason       TEXT NOT NULL,
    adapter      TEXT NOT NULL,
    selector     TEXT NOT NULL,
    detail       TEXT NOT NULL,
    since        TEXT NOT NULL,
    reported_at  TEXT
);
