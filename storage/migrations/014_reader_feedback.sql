-- Readers' feedback on alerts (a thumbs down: a wrong match, kept with the entry and the
-- topics so wrong matches can be collected), and their choices about a story from its
-- alert: muted (no more alerts about it) or followed (every update of it, at once), each
-- until a time.
CREATE TABLE alert_feedback (
    chat_id     BIGINT NOT NULL REFERENCES chats(chat_id) ON DELETE CASCADE ON UPDATE CASCADE,
    entry_id    INTEGER NOT NULL REFERENCES entries(entry_id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    topics      TEXT NOT NULL,
    via         TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (chat_id, entry_id, kind)
);

CREATE INDEX alert_feedback_by_age ON alert_feedback (created_at);

CREATE TABLE story_choices (
    chat_id     BIGINT NOT NULL REFERENCES chats(chat_id) ON DELETE CASCADE ON UPDATE CASCADE,
    story_id    INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    until       TEXT NOT NULL,
    PRIMARY KEY (chat_id, story_id)
);

CREATE INDEX story_choices_by_until ON story_choices (until);

-- Forum supergroups: the topic (message_thread_id) a chat's alerts go to, for all of its
-- subscriptions (sub_id 0) or for one.
CREATE TABLE forum_routes (
    chat_id     BIGINT NOT NULL REFERENCES chats(chat_id) ON DELETE CASCADE ON UPDATE CASCADE,
    sub_id      INTEGER NOT NULL,
    thread_id   INTEGER NOT NULL,
    PRIMARY KEY (chat_id, sub_id)
);
