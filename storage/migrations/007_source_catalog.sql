-- Every source belongs to a catalog entry (seeds/sources.toml); a daily page found by
-- following belongs to its overview's entry, and a follow rule grouped by theme keeps
-- the theme. Readers choose sources by catalog id: a chat lists the ones it turned off
-- (so a new catalog source reaches everyone), a subscription the ones it is limited to.

ALTER TABLE sources ADD COLUMN catalog_id TEXT;
ALTER TABLE sources ADD COLUMN theme TEXT;

CREATE INDEX sources_by_catalog ON sources (catalog_id);

CREATE TABLE chat_sources_off (
    chat_id     BIGINT NOT NULL REFERENCES chats(chat_id) ON DELETE CASCADE ON UPDATE CASCADE,
    catalog_id  TEXT NOT NULL,
    PRIMARY KEY (chat_id, catalog_id)
);

CREATE TABLE subscription_sources (
    sub_id      INTEGER NOT NULL REFERENCES subscriptions(sub_id) ON DELETE CASCADE,
    catalog_id  TEXT NOT NULL,
    PRIMARY KEY (sub_id, catalog_id)
);
