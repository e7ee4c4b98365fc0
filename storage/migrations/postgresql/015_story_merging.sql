-- Readers choose whether reports of one story from several outlets are merged: with
-- merging on (the default) a later outlet's report of a story is named on the alert
-- the chat already has ("auch bei"); with it off every report stands alone.

ALTER TABLE chats ADD COLUMN merge_stories BIGINT NOT NULL DEFAULT 1;
