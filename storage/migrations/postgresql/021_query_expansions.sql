-- The words a free query is searched for beside the ones typed (see the SQLite
-- migration): a JSON list of [typed word, expansion] pairs.
ALTER TABLE subscriptions ADD COLUMN expansions TEXT NOT NULL DEFAULT '[]';
