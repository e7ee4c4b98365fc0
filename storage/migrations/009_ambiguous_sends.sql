-- A send that timed out after the request went out may have reached the reader.
-- Such an alert is sent again at most once; this counts how often it happened.
ALTER TABLE alerts ADD COLUMN ambiguous_sends INTEGER NOT NULL DEFAULT 0;
