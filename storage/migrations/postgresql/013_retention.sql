-- Retention (issue 21): see the SQLite migration of the same number.
CREATE INDEX alerts_by_entry ON alerts (entry_id);
CREATE INDEX alerts_by_created ON alerts (created_at);
CREATE INDEX alert_also_by_entry ON alert_also (entry_id);

ALTER TABLE sources ADD COLUMN purged_through TEXT COLLATE "C";
