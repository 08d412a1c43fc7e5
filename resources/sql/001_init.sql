-- Schema version 1: conversations and their message trees.
-- Times are milliseconds since the Unix epoch (UTC).
CREATE TABLE conversations (
    id               INTEGER PRIMARY KEY,
    title            TEXT    NOT NULL DEFAULT '',
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    pinned           INTEGER NOT NULL DEFAULT 0,
    thinking_enabled INTEGER NOT NULL DEFAULT 0,
    system_prompt    TEXT,              -- NULL: use the settings' default prompt
    deleted_at       INTEGER            -- NULL: live; set by an undoable (soft) delete
);
CREATE INDEX conversations_by_order ON conversations (deleted_at, pinned, updated_at);

-- A conversation is a tree: parent_id is the message this one answers or follows (NULL for the
-- first message). Siblings share a parent; exactly one sibling per parent has is_active = 1 and
-- the active path follows those from the root.
CREATE TABLE messages (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    parent_id       INTEGER REFERENCES messages (id) ON DELETE CASCADE,
    role            TEXT    NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
    content         TEXT    NOT NULL DEFAULT '',
    thinking        TEXT    NOT NULL DEFAULT '',
    thinking_ms     INTEGER NOT NULL DEFAULT 0,
    state           TEXT    NOT NULL DEFAULT 'complete'
                    CHECK (state IN ('complete', 'streaming', 'interrupted')),
    is_active       INTEGER NOT NULL DEFAULT 1,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    stats           TEXT,               -- JSON object, NULL when none
    token_count     INTEGER             -- NULL: not counted yet
);
CREATE INDEX messages_by_parent ON messages (conversation_id, parent_id);
CREATE INDEX messages_by_state ON messages (state);

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
