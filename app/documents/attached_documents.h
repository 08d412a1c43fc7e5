#pragma once
// AttachedDocuments: the documents of the current chat as the next reply will read them, for the
// document bar above the composer and the context meter. One row per attached document: title,
// pages, pages read by OCR, its tokens with the loaded model's tokenizer, and whether the next
// reply reads it whole or only the pages relevant to the question (retrieval mode, when all of
// them do not fit the budget).
//
// Token counts are made on a worker thread (a long document is tens of thousands of tokens) and
// cached per document until the model changes; `blockTokens` is then the estimate of the
// document block the next prompt carries (exact tokens are known only when the question is).
// The chat controller sets the budget; the rule is buildDocumentContext's (document_context.h).
//
// GUI thread only: rows change on the thread that owns the model.
#include <QAbstractListModel>
#include <QFutureWatcher>
#include <QHash>
#include <QVector>
#include <functional>

#include "app/documents/document_store.h"

namespace folio {

class AttachedDocuments : public QAbstractListModel {
    Q_OBJECT
    Q_PROPERTY(int count READ count NOTIFY changed)
    // "whole" | "retrieval" | "" (no documents, or not counted yet)
    Q_PROPERTY(QString mode READ mode NOTIFY changed)
    // Tokens of the document block of the next prompt (estimate); 0 while unknown.
    Q_PROPERTY(int blockTokens READ blockTokens NOTIFY changed)
    Q_PROPERTY(bool counting READ counting NOTIFY changed)
    // 0..1 while the documents are read ahead of the question (app/read_ahead.h), else -1.
    Q_PROPERTY(double readAheadProgress READ readAheadProgress NOTIFY readAheadChanged)

public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        TitleRole,
        PagesRole,
        OcrPagesRole,
        TokensRole,  // -1 while counting or without a model
        ReadWholeRole,
    };
    // Thread-safe token count of plain text; negative without a model (Engine::countTokens).
    using Counter = std::function<int(const QString&)>;

    // store must outlive this object.
    explicit AttachedDocuments(const DocumentStore* store, QObject* parent = nullptr);
    ~AttachedDocuments() override;  // waits for counts in flight (they call the counter)

    void setCounter(Counter counter);  // and forgets the cached counts (a new tokenizer)
    void setConversation(qint64 conversationId);
    // Tokens the next prompt has for documents, and the cap of a retrieval-mode block
    // (DocumentTurnOptions::retrievalBudgetTokens).
    void setBudget(int budgetTokens, int retrievalCapTokens);
    // Re-reads the attachments of the conversation (after attach, detach, ingestion).
    void refresh();

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return int(m_rows.size()); }
    // The document on a row (0 when out of range): what a one-document action acts on.
    Q_INVOKABLE qint64 documentIdAt(int row) const;
    QString mode() const;
    double readAheadProgress() const { return m_readAhead; }
    void setReadAheadProgress(double progress);
    int blockTokens() const;
    bool counting() const;

signals:
    void changed();
    void readAheadChanged();

private:
    struct Row {
        DocumentInfo info;
        int ocrPages = 0;
    };
    void countMissing(const QHash<qint64, QVector<PageText>>& pagesById = {});
    int tokensOf(qint64 documentId) const;
    bool fitsWhole() const;

    const DocumentStore* m_store;
    Counter m_counter;
    qint64 m_conversationId = 0;
    int m_budget = 0;
    int m_retrievalCap = 0;
    QVector<Row> m_rows;
    QHash<qint64, int> m_tokens;                     // document id -> tokens of its whole block
    QHash<qint64, QFutureWatcher<int>*> m_inFlight;  // owned by this object
    quint64 m_generation = 0;
    double m_readAhead = -1;  // bumped by setCounter: late results of an old tokenizer are dropped
};

}  // namespace folio
