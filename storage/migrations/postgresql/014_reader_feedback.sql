-- Readers' feedback on alerts and their choices about a story (see the SQLite 014).
CREATE TABLE alert_feedback (
    chat_id     BIGINT NOT NULL REFERENCES chats(chat_id) ON DELETE CASCADE ON UPDATE CASCADE,
    entry_id    BIGINT NOT NULL REFERENCES entries(entry_id) ON DELETE CASCADE,
    kind        TEXT COLLATE "C" NOT NULL,
    topics      TEXT NOT NULL,
    via         TEXT COLLATE "C" NOT NULL,
    created_at  TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (chat_id, entry_id, kind)
);

CREATE INDEX alert_feedback_by_age ON alert_feedback (created_at);

CREATE TABLE story_choices (
    chat_id     BIGINT NOT NULL REFERENCES chats(chat_id) ON DELETE CASCADE ON UPDATE CASCADE,
    story_id    BIGINT NOT NULL,
    kind        TEXT COLLATE "C" NOT NULL,
    until       TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (chat_id, story_id)
);

CREATE INDEX story_choices_by_until ON story_choices (until);

-- Forum supergroups: the topic a chat's alerts go to (see the SQLite 014).
CREATE TABLE forum_routes (
    chat_id     BIGINT NOT NULL REFERENCES chats(chat_id) ON DELETE CASCADE ON UPDATE CASCADE,
    sub_id      BIGINT NOT NULL,
    thread_id   BIGINT NOT NULL,
    PRIMARY KEY (chat_id, sub_id)
);
