-- Schema version 4: the partial summaries of map-reduce document summaries (issue 8), so that a
-- second "summarise the whole document" is fast and a cancelled one loses nothing it finished.
-- variant: a hash of what shapes a summary (the instruction text, its length limit, the model),
-- so a changed prompt or model does not reuse old parts. Times: ms since the Unix epoch (UTC).
CREATE TABLE document_summaries (
    document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    first_page  INTEGER NOT NULL,
    last_page   INTEGER NOT NULL,
    variant     TEXT    NOT NULL,
    summary     TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (document_id, first_page, last_page, variant)
);
