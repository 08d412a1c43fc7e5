#include "app/documents/attached_documents.h"

#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>
#include <climits>

#include "app/documents/document_context.h"

namespace folio {

AttachedDocuments::AttachedDocuments(const DocumentStore* store, QObject* parent)
    : QAbstractListModel(parent), m_store(store) {}

void AttachedDocuments::setCounter(Counter counter) {
    m_counter = std::move(counter);
    m_tokens.clear();
    for (QFutureWatcher<int>* watcher : std::as_const(m_inFlight)) watcher->waitForFinished();
    m_inFlight.clear();
    ++m_generation;
    emit dataChanged(index(0), index(count() - 1), {TokensRole, ReadWholeRole});
    emit changed();
    countMissing();
}

void AttachedDocuments::setConversation(qint64 conversationId) {
    if (conversationId == m_conversationId) return;
    m_conversationId = conversationId;
    refresh();
}

void AttachedDocuments::setBudget(int budgetTokens, int retrievalCapTokens) {
    if (budgetTokens == m_budget && retrievalCapTokens == m_retrievalCap) return;
    m_budget = budgetTokens;
    m_retrievalCap = retrievalCapTokens;
    emit dataChanged(index(0), index(count() - 1), {ReadWholeRole});
    emit changed();
}

void AttachedDocuments::refresh() {
    QVector<Row> rows;
    QHash<qint64, QVector<PageText>> pagesById;  // read once: for the OCR count and the counting
    if (m_conversationId > 0) {
        if (auto docs = m_store->attached(m_conversationId)) {
            for (const DocumentInfo& info : *docs) {
                Row row{info, 0};
                if (auto pages = m_store->pages(info.id)) {
                    for (const PageText& p : *pages) row.ocrPages += p.ocr ? 1 : 0;
                    pagesById.insert(info.id, std::move(*pages));
                }
                rows << row;
            }
        }
    }
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
    emit changed();
    countMissing(pagesById);
}

// Counts each attached document not counted yet on the global thread pool; a watcher owned by
// this object brings the result back to this thread (dropped when the tokenizer changed).
// pagesById: pages already read (refresh); the others are read from the store.
void AttachedDocuments::countMissing(const QHash<qint64, QVector<PageText>>& pagesById) {
    if (!m_counter) return;
    for (const Row& row : m_rows) {
        const qint64 id = row.info.id;
        if (m_tokens.contains(id) || m_inFlight.contains(id)) continue;
        QVector<PageText> pages = pagesById.value(id);
        if (!pagesById.contains(id)) {
            auto stored = m_store->pages(id);
            if (!stored) continue;
            pages = std::move(*stored);
        }
        const ContextDocument doc{id, row.info.title, std::move(pages)};
        const Counter counter = m_counter;
        QFuture<int> future = QtConcurrent::run([doc, counter] {
            auto block = buildDocumentContext(QString(), {doc}, INT_MAX, counter, {});
            return block ? block->tokens : -1;
        });
        auto* watcher = new QFutureWatcher<int>(this);
        m_inFlight.insert(id, watcher);
        connect(watcher, &QFutureWatcher<int>::finished, this,
                [this, watcher, id, generation = m_generation] {
                    watcher->deleteLater();
                    if (generation != m_generation) return;
                    m_inFlight.remove(id);
                    const int tokens = watcher->result();
                    if (tokens < 0) return;  // no model: counted again after setCounter
                    m_tokens.insert(id, tokens);
                    emit dataChanged(index(0), index(count() - 1), {TokensRole, ReadWholeRole});
                    emit changed();
                });
        watcher->setFuture(future);
    }
}

AttachedDocuments::~AttachedDocuments() {
    // The counts call the counter (the engine's tokenizer), which may go away after us.
    for (QFutureWatcher<int>* watcher : std::as_const(m_inFlight)) watcher->waitForFinished();
}

void AttachedDocuments::setReadAheadProgress(double progress) {
    if (progress == m_readAhead) return;
    m_readAhead = progress;
    emit readAheadChanged();
}

qint64 AttachedDocuments::documentIdAt(int row) const {
    return row >= 0 && row < count() ? m_rows[row].info.id : 0;
}

int AttachedDocuments::tokensOf(qint64 documentId) const {
    return m_tokens.value(documentId, -1);
}

bool AttachedDocuments::counting() const {
    for (const Row& row : m_rows)
        if (tokensOf(row.info.id) < 0) return true;
    return false;
}

bool AttachedDocuments::fitsWhole() const {
    qint64 total = 0;
    for (const Row& row : m_rows) total += std::max(tokensOf(row.info.id), 0);
    return total <= m_budget;
}

QString AttachedDocuments::mode() const {
    if (m_rows.isEmpty() || counting() || m_budget <= 0) return QString();
    return fitsWhole() ? QStringLiteral("whole") : QStringLiteral("retrieval");
}

int AttachedDocuments::blockTokens() const {
    const QString m = mode();
    if (m.isEmpty()) return 0;
    if (m == QLatin1String("retrieval"))
        return m_retrievalCap > 0 ? std::min(m_budget, m_retrievalCap) : m_budget;
    int total = 0;
    for (const Row& row : m_rows) total += tokensOf(row.info.id);
    return total;
}

int AttachedDocuments::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : count();
}

QVariant AttachedDocuments::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= count()) return {};
    const Row& row = m_rows[index.row()];
    switch (role) {
        case IdRole:
            return row.info.id;
        case TitleRole:
            return row.info.title;
        case PagesRole:
            return row.info.pages;
        case OcrPagesRole:
            return row.ocrPages;
        case TokensRole:
            return tokensOf(row.info.id);
        case ReadWholeRole:
            return mode() == QLatin1String("whole");
        default:
            return {};
    }
}

QHash<int, QByteArray> AttachedDocuments::roleNames() const {
    return {{IdRole, "documentId"},     {TitleRole, "title"},   {PagesRole, "pages"},
            {OcrPagesRole, "ocrPages"}, {TokensRole, "tokens"}, {ReadWholeRole, "readWhole"}};
}

}  // namespace folio
