-- Retention (issue 21): old entries, alerts and their story rows are deleted in small
-- batches (bot/retention.py). An edited entry looks up its alerts by entry id, and the
-- purge finds old rows by age and asks whether an entry is still referenced: without
-- these indexes each of those is a scan of the whole table.
CREATE INDEX alerts_by_entry ON alerts (entry_id);
CREATE INDEX alerts_by_created ON alerts (created_at);
CREATE INDEX alert_also_by_entry ON alert_also (entry_id);

-- The newest publication time among a source's purged entries: an entry of that source
-- published no later that shows up again (still on the page, in the feed) is history,
-- never a new alert.
ALTER TABLE sources ADD COLUMN purged_through TEXT;
