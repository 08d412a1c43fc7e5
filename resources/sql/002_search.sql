-- Schema version 2: full-text search over titles and message content.
-- External-content FTS5 tables kept in sync by triggers. {{TOKENIZER}} is replaced at migration
-- time by 'trigram' (substring search, works for Chinese) when this SQLite has it, else by
-- 'unicode61' (word prefixes); the choice is recorded in meta.search_tokenizer.
CREATE VIRTUAL TABLE conversation_fts USING fts5 (
    title, content = 'conversations', content_rowid = 'id', tokenize = '{{TOKENIZER}}'
);
CREATE VIRTUAL TABLE message_fts USING fts5 (
    content, content = 'messages', content_rowid = 'id', tokenize = '{{TOKENIZER}}'
);

CREATE TRIGGER conversations_fts_insert AFTER INSERT ON conversations BEGIN
    INSERT INTO conversation_fts (rowid, title) VALUES (new.id, new.title);
END;
CREATE TRIGGER conversations_fts_delete AFTER DELETE ON conversations BEGIN
    INSERT INTO conversation_fts (conversation_fts, rowid, title) VALUES ('delete', old.id, old.title);
END;
CREATE TRIGGER conversations_fts_update AFTER UPDATE OF title ON conversations BEGIN
    INSERT INTO conversation_fts (conversation_fts, rowid, title) VALUES ('delete', old.id, old.title);
    INSERT INTO conversation_fts (rowid, title) VALUES (new.id, new.title);
END;

CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO message_fts (rowid, content) VALUES (new.id, new.content);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO message_fts (message_fts, rowid, content) VALUES ('delete', old.id, old.content);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
    INSERT INTO message_fts (message_fts, rowid, content) VALUES ('delete', old.id, old.content);
    INSERT INTO message_fts (rowid, content) VALUES (new.id, new.content);
END;

-- Index whatever version 1 already holds.
INSERT INTO conversation_fts (conversation_fts) VALUES ('rebuild');
INSERT INTO message_fts (message_fts) VALUES ('rebuild');
INSERT OR REPLACE INTO meta (key, value) VALUES ('search_tokenizer', '{{TOKENIZER}}');
