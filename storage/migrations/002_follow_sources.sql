-- Following a daily liveblog: an overview/feed source discovers the newest page
-- (a child source); the previous child is polled a little longer, then retired.

ALTER TABLE sources ADD COLUMN follow_pattern TEXT;
ALTER TABLE sources ADD COLUMN parent_id INTEGER REFERENCES sources(source_id);
ALTER TABLE sources ADD COLUMN retire_at TEXT;

CREATE INDEX sources_by_parent ON sources (parent_id);
