#include "app/documents/document_store.h"

#include <QDateTime>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>

namespace folio {
namespace {

const char* const kSqlFindBySha = "SELECT id FROM documents WHERE sha256 = ?";
const char* const kSqlInsertDocument =
    "INSERT INTO documents (sha256, kind, title, author, path, pages, added_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)";
const char* const kSqlInsertPage =
    "INSERT INTO document_pages (document_id, page, text, ocr) VALUES (?, ?, ?, ?)";
const char* const kSqlDocumentColumns =
    "SELECT id, sha256, kind, title, author, path, pages, token_count, added_at FROM documents";
const char* const kSqlPages =
    "SELECT page, text, ocr FROM document_pages WHERE document_id = ? ORDER BY page";
const char* const kSqlDelete = "DELETE FROM documents WHERE id = ?";
const char* const kSqlSetTokens = "UPDATE documents SET token_count = ? WHERE id = ?";
const char* const kSqlAttach =
    "INSERT OR IGNORE INTO conversation_documents (conversation_id, document_id, attached_at) "
    "VALUES (?, ?, ?)";
const char* const kSqlDetach =
    "DELETE FROM conversation_documents WHERE conversation_id = ? AND document_id = ?";
const char* const kSqlAttached =
    "SELECT d.id, d.sha256, d.kind, d.title, d.author, d.path, d.pages, d.token_count, d.added_at "
    "FROM conversation_documents c JOIN documents d ON d.id = c.document_id "
    "WHERE c.conversation_id = ? ORDER BY c.attached_at, c.rowid";  // rowid: attach order within a
                                                                    // ms
// %1: comma-separated integer ids (formatted by us, never user text).
const char* const kSqlSearch =
    "SELECT p.document_id, p.page, bm25(document_page_fts) AS score "
    "FROM document_page_fts JOIN document_pages p ON p.id = document_page_fts.rowid "
    "WHERE document_page_fts MATCH ? AND p.document_id IN (%1) ORDER BY score LIMIT ?";
const char* const kSqlPresetGet =
    "SELECT template FROM analysis_presets WHERE preset_key = ? AND language = ?";
const char* const kSqlPresetSet =
    "INSERT OR REPLACE INTO analysis_presets (preset_key, language, template, updated_at) "
    "VALUES (?, ?, ?, ?)";
const char* const kSqlPresetReset =
    "DELETE FROM analysis_presets WHERE preset_key = ? AND language = ?";

const char* const kSqlSummaryGet =
    "SELECT summary FROM document_summaries WHERE document_id = ? AND first_page = ? AND "
    "last_page = ? AND variant = ?";
const char* const kSqlSummarySet =
    "INSERT OR REPLACE INTO document_summaries (document_id, first_page, last_page, variant, "
    "summary, created_at) VALUES (?, ?, ?, ?, ?, ?)";

Error queryError(const QSqlQuery& q, const char* what) {
    return makeError(QStringLiteral("%1: %2").arg(what, q.lastError().text()).toStdString());
}

// Prepares sql, binds values in order and executes it.
bool run(QSqlQuery& q, const QString& sql, const QVariantList& values) {
    if (!q.prepare(sql)) return false;
    for (const QVariant& v : values) q.addBindValue(v);
    return q.exec();
}

DocumentInfo readInfo(const QSqlQuery& q) {
    DocumentInfo d;
    d.id = q.value(0).toLongLong();
    d.sha256 = q.value(1).toString();
    d.kind = q.value(2).toString();
    d.title = q.value(3).toString();
    d.author = q.value(4).toString();
    d.path = q.value(5).toString();
    d.pages = q.value(6).toInt();
    d.tokenCount = q.value(7).isNull() ? -1 : q.value(7).toInt();
    d.addedAt = q.value(8).toLongLong();
    return d;
}

qint64 nowMs() {
    return QDateTime::currentMSecsSinceEpoch();
}

// A null QString binds as SQL NULL; the text columns are NOT NULL DEFAULT ''.
QString nonNull(const QString& s) {
    return s.isNull() ? QStringLiteral("") : s;
}

}  // namespace

DocumentStore::DocumentStore(ConnectionProvider connection) : m_connection(std::move(connection)) {}

Expected<AddedDocument> DocumentStore::add(const IngestedDocument& doc) {
    if (doc.sha256.isEmpty()) return makeError("document has no sha256");
    QSqlDatabase db = m_connection();
    QSqlQuery q(db);
    if (!run(q, kSqlFindBySha, {doc.sha256})) return queryError(q, "find document");
    if (q.next()) return AddedDocument{q.value(0).toLongLong(), true};
    if (!db.transaction()) return makeError("cannot begin a transaction to add the document");
    auto rollback = [&db](Error e) {
        db.rollback();
        return e;
    };
    if (!run(q, kSqlInsertDocument,
             {doc.sha256, doc.kind, nonNull(doc.title), nonNull(doc.author), nonNull(doc.path),
              int(doc.pages.size()), nowMs()}))
        return rollback(queryError(q, "insert document"));
    const qint64 id = q.lastInsertId().toLongLong();
    QSqlQuery page(db);
    if (!page.prepare(kSqlInsertPage)) return rollback(queryError(page, "prepare page insert"));
    for (const IngestedPage& p : doc.pages) {
        page.addBindValue(id);
        page.addBindValue(p.number);
        page.addBindValue(nonNull(p.text));
        page.addBindValue(p.ocr ? 1 : 0);
        if (!page.exec()) return rollback(queryError(page, "insert page"));
    }
    if (!db.commit()) return rollback(makeError("cannot commit the document"));
    return AddedDocument{id, false};
}

Expected<QVector<DocumentInfo>> DocumentStore::list() const {
    QSqlQuery q(m_connection());
    if (!q.exec(QString(kSqlDocumentColumns) + " ORDER BY added_at DESC, id DESC"))
        return queryError(q, "list documents");
    QVector<DocumentInfo> out;
    while (q.next()) out.push_back(readInfo(q));
    return out;
}

Expected<DocumentInfo> DocumentStore::document(qint64 id) const {
    QSqlQuery q(m_connection());
    if (!run(q, QString(kSqlDocumentColumns) + " WHERE id = ?", {id}))
        return queryError(q, "read document");
    if (!q.next()) return makeError("no document with id " + std::to_string(id));
    return readInfo(q);
}

Expected<QVector<PageText>> DocumentStore::pages(qint64 id) const {
    QSqlQuery q(m_connection());
    q.setForwardOnly(true);
    if (!run(q, kSqlPages, {id})) return queryError(q, "read pages");
    QVector<PageText> out;
    while (q.next())
        out.push_back({q.value(0).toInt(), q.value(1).toString(), q.value(2).toBool()});
    return out;
}

Status DocumentStore::remove(qint64 id) {
    QSqlQuery q(m_connection());
    if (!run(q, kSqlDelete, {id})) return queryError(q, "delete document");
    return {};
}

Status DocumentStore::setTokenCount(qint64 id, int tokens) {
    QSqlQuery q(m_connection());
    if (!run(q, kSqlSetTokens, {tokens, id})) return queryError(q, "set token count");
    return {};
}

Status DocumentStore::attach(qint64 conversationId, qint64 documentId) {
    QSqlQuery q(m_connection());
    if (!run(q, kSqlAttach, {conversationId, documentId, nowMs()}))
        return queryError(q, "attach document");
    return {};
}

Status DocumentStore::detach(qint64 conversationId, qint64 documentId) {
    QSqlQuery q(m_connection());
    if (!run(q, kSqlDetach, {conversationId, documentId})) return queryError(q, "detach document");
    return {};
}

Expected<QVector<DocumentInfo>> DocumentStore::attached(qint64 conversationId) const {
    QSqlQuery q(m_connection());
    if (!run(q, kSqlAttached, {conversationId})) return queryError(q, "list attached documents");
    QVector<DocumentInfo> out;
    while (q.next()) out.push_back(readInfo(q));
    return out;
}

Expected<QVector<PageHit>> DocumentStore::search(const QString& matchExpression,
                                                 const QVector<qint64>& documentIds,
                                                 int limit) const {
    QVector<PageHit> out;
    if (matchExpression.trimmed().isEmpty() || documentIds.isEmpty() || limit <= 0) return out;
    QStringList ids;
    for (qint64 id : documentIds) ids << QString::number(id);
    QSqlQuery q(m_connection());
    if (!run(q, QString::fromLatin1(kSqlSearch).arg(ids.join(',')), {matchExpression, limit}))
        return queryError(q, "search pages");
    while (q.next())
        out.push_back({q.value(0).toLongLong(), q.value(1).toInt(), q.value(2).toDouble()});
    return out;
}

Expected<QString> DocumentStore::presetOverride(const QString& key, const QString& language) const {
    QSqlQuery q(m_connection());
    if (!run(q, kSqlPresetGet, {key, language})) return queryError(q, "read preset");
    return q.next() ? q.value(0).toString() : QString();
}

Status DocumentStore::setPresetOverride(const QString& key, const QString& language,
                                        const QString& text) {
    QSqlQuery q(m_connection());
    const bool ok = text.isEmpty() ? run(q, kSqlPresetReset, {key, language})
                                   : run(q, kSqlPresetSet, {key, language, text, nowMs()});
    if (!ok) return queryError(q, "store preset");
    return {};
}

Expected<QString> DocumentStore::partialSummary(qint64 documentId, int firstPage, int lastPage,
                                                const QString& variant) const {
    QSqlQuery q(m_connection());
    if (!run(q, kSqlSummaryGet, {documentId, firstPage, lastPage, variant}))
        return queryError(q, "read a partial summary");
    return q.next() ? q.value(0).toString() : QString();
}

Status DocumentStore::setPartialSummary(qint64 documentId, int firstPage, int lastPage,
                                        const QString& variant, const QString& summary) {
    QSqlQuery q(m_connection());
    if (!run(q, kSqlSummarySet, {documentId, firstPage, lastPage, variant, summary, nowMs()}))
        return queryError(q, "store a partial summary");
    return {};
}

}  // namespace folio
