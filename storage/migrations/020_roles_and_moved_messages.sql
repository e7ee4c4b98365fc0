-- One role per job (issue 21): each running process of the bot on a shared database
-- says which role it runs (`all`, `ingest`, `deliver`) and renews seen_at (ISO text,
-- wall-clock UTC) while it runs. A process whose role cannot share the database with a
-- live one (`all` beside deliver workers clears their leases and sends without their
-- shared pacing) refuses to start. A row not renewed for a minute is a dead process's.
CREATE TABLE process_roles (
    worker   TEXT PRIMARY KEY,
    role     TEXT NOT NULL,
    seen_at  TEXT NOT NULL
);

-- A sent alert's message id is only valid in the chat it was sent to. When a group
-- becomes a supergroup its alerts move to the new chat id (ON UPDATE CASCADE), but the
-- messages stay in the old group: an edit then sends the update as a new message.
ALTER TABLE alerts ADD COLUMN message_chat_id INTEGER;
