#pragma once
// DocumentStore: documents, their page texts, page search and conversation attachments in the
// Folio database (schema: resources/sql/003_documents.sql).
//
// The store does not own a connection: it asks `connection` for the calling thread's one each
// time (folio::Database::connection fits), so a store may be used from any thread whose
// connection the provider returns. Multi-row writes run in one transaction.
#include <QSqlDatabase>
#include <QString>
#include <QVector>
#include <functional>

#include "app/documents/ingestor.h"
#include "engine/status.h"

namespace folio {

struct DocumentInfo {
    qint64 id = 0;
    QString sha256;
    QString kind;  // "pdf" or "text"
    QString title;
    QString author;
    QString path;
    int pages = 0;
    int tokenCount = -1;  // -1: not counted yet
    qint64 addedAt = 0;   // ms since the epoch
};

struct PageText {
    int page = 0;  // 1-based
    QString text;
    bool ocr = false;
};

struct PageHit {
    qint64 documentId = 0;
    int page = 0;
    double score = 0;  // bm25: lower is more relevant
};

struct AddedDocument {
    qint64 id = 0;
    bool alreadyStored = false;  // a file with the same sha256 was there; nothing was written
};

class DocumentStore {
public:
    using ConnectionProvider = std::function<QSqlDatabase()>;
    explicit DocumentStore(ConnectionProvider connection);

    // Stores a document and its pages (one transaction). The same bytes (sha256) are stored once.
    Expected<AddedDocument> add(const IngestedDocument& doc);
    Expected<QVector<DocumentInfo>> list() const;  // newest first
    Expected<DocumentInfo> document(qint64 id) const;
    Expected<QVector<PageText>> pages(qint64 id) const;
    Status remove(qint64 id);
    Status setTokenCount(qint64 id, int tokens);

    Status attach(qint64 conversationId, qint64 documentId);
    Status detach(qint64 conversationId, qint64 documentId);
    Expected<QVector<DocumentInfo>> attached(qint64 conversationId) const;  // in attach order

    // Pages matching an FTS5 MATCH expression (see documentSearchQuery), best first (bm25),
    // restricted to documentIds; at most limit hits. An empty expression matches nothing.
    Expected<QVector<PageHit>> search(const QString& matchExpression,
                                      const QVector<qint64>& documentIds, int limit) const;

    // The user's edited text of an analysis preset, or an empty string when not edited.
    Expected<QString> presetOverride(const QString& key, const QString& language) const;
    // Stores the user's text; an empty text restores the built-in one.
    Status setPresetOverride(const QString& key, const QString& language, const QString& text);

    // Map-reduce partial summaries (resources/sql/004_document_summaries.sql): the summary of
    // pages firstPage..lastPage made with `variant` (see MapReduceSummarizer), or an empty string
    // when none is stored. Storing replaces an existing one.
    Expected<QString> partialSummary(qint64 documentId, int firstPage, int lastPage,
                                     const QString& variant) const;
    Status setPartialSummary(qint64 documentId, int firstPage, int lastPage, const QString& variant,
                             const QString& summary);

private:
    ConnectionProvider m_connection;
};

}  // namespace folio
