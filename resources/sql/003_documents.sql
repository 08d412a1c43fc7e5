-- Schema version 3: documents (PDF, .txt, .md), their page texts, full-text search over pages,
-- documents attached to conversations, and the user's edits of the analysis presets.
-- Times are milliseconds since the Unix epoch (UTC).
CREATE TABLE documents (
    id          INTEGER PRIMARY KEY,
    sha256      TEXT    NOT NULL UNIQUE,  -- hex of the file's bytes: the same file is stored once
    kind        TEXT    NOT NULL CHECK (kind IN ('pdf', 'text')),
    title       TEXT    NOT NULL DEFAULT '',
    author      TEXT    NOT NULL DEFAULT '',
    path        TEXT    NOT NULL DEFAULT '',  -- where it was added from (may have moved since)
    pages       INTEGER NOT NULL DEFAULT 0,
    token_count INTEGER,                      -- NULL: not counted yet (needs a loaded model)
    added_at    INTEGER NOT NULL
);

-- One row per page (1-based). ocr = 1: the text was read by tesseract from a rendered image.
CREATE TABLE document_pages (
    id          INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    page        INTEGER NOT NULL,
    text        TEXT    NOT NULL DEFAULT '',
    ocr         INTEGER NOT NULL DEFAULT 0,
    UNIQUE (document_id, page)
);

-- Page search for retrieval (bm25). {{TOKENIZER}}: see 002_search.sql ('trigram' when available,
-- so Chinese text is searchable by substring).
CREATE VIRTUAL TABLE document_page_fts USING fts5 (
    text, content = 'document_pages', content_rowid = 'id', tokenize = '{{TOKENIZER}}'
);
CREATE TRIGGER document_pages_fts_insert AFTER INSERT ON document_pages BEGIN
    INSERT INTO document_page_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER document_pages_fts_delete AFTER DELETE ON document_pages BEGIN
    INSERT INTO document_page_fts (document_page_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER document_pages_fts_update AFTER UPDATE OF text ON document_pages BEGIN
    INSERT INTO document_page_fts (document_page_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO document_page_fts (rowid, text) VALUES (new.id, new.text);
END;

CREATE TABLE conversation_documents (
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    document_id     INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    attached_at     INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, document_id)
);
CREATE INDEX conversation_documents_by_document ON conversation_documents (document_id);

-- The user's version of an analysis preset (app/documents/presets.h); absent = the built-in text.
CREATE TABLE analysis_presets (
    preset_key TEXT NOT NULL,   -- "summary", "key_terms", "risks", "conflicts", "compare"
    language   TEXT NOT NULL,   -- "en" or "zh_CN"
    template   TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (preset_key, language)
);
