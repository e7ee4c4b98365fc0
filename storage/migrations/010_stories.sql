-- One alert per story. An entry that reports what another source reported shortly
-- before points at that story's first entry (story_id); a reader who already has an
-- alert for the story gets the later source added to it (alert_also) instead of a
-- second alert, and a sent message is edited to name it.

ALTER TABLE entries ADD COLUMN story_id INTEGER REFERENCES entries(entry_id);

CREATE INDEX entries_by_story ON entries (story_id);

CREATE TABLE alert_also (
    alert_id    INTEGER NOT NULL REFERENCES alerts(alert_id) ON DELETE CASCADE,
    entry_id    INTEGER NOT NULL REFERENCES entries(entry_id),
    created_at  TEXT NOT NULL,
    PRIMARY KEY (alert_id, entry_id)
);
