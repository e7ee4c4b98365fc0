-- Query expansion (issue 22): the words a free query is searched for beside the ones
-- typed ("Papst" → pope), found once when it is subscribed and kept with it, so the
-- reader's removals stay removed. A JSON list of [typed word, expansion] pairs.
ALTER TABLE subscriptions ADD COLUMN expansions TEXT NOT NULL DEFAULT '[]';
