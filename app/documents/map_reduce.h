#pragma once
// Map-reduce summaries of documents that do not fit the context: the pages are cut
// into chunks that fit a token budget, each chunk is summarised on its own (short, citing pages
// as [p.N]), then the partial summaries are combined into the final answer; when they are still
// too long together they are combined in groups first, level by level.
//
// Partial summaries of pages are stored in the database as they are made (keyed by a hash of
// the instructions, the limits and the model), so a second request reuses them and a cancelled
// one loses nothing it finished. The model is reached through SummaryGenerator only, so the
// orchestration (chunking, order, cancel) is tested with a fake.
//
// GUI thread (or any one thread with an event loop): the summarizer, its generator and its store
// calls all run on the thread that owns the summarizer.
#include <QObject>
#include <QString>
#include <QVector>
#include <functional>
#include <memory>

#include "app/documents/document_context.h"
#include "app/documents/document_store.h"
#include "engine/status.h"

namespace folio {

// One reply at a time from the model.
class SummaryGenerator {
public:
    virtual ~SummaryGenerator() = default;
    // Generates a reply to (system, user) of at most maxTokens tokens and calls done exactly
    // once, on the calling thread (now or later), with the text or an error. No call while one
    // is running.
    virtual void generate(const QString& system, const QString& user, int maxTokens,
                          std::function<void(Expected<QString>)> done) = 0;
    // Stops the running generation (done may still be called; the summarizer ignores it).
    virtual void cancel() = 0;
    // Token count of plain text; < 0 without a model.
    virtual int countTokens(const QString& text) const = 0;
    // Names the model, so partial summaries of another model are not reused.
    virtual QString modelKey() const = 0;
    // The document the following generations read (what the engine saves of their prompts is
    // tagged with it, saved_tags.h, and deleted with the document).
    virtual void setDocument(qint64 documentId) { Q_UNUSED(documentId); }
};

// A run of whole pages (or part of one page too long for a chunk), with page markers.
struct PageChunk {
    int firstPage = 0;
    int lastPage = 0;
    QString text;
};

// Consecutive chunks, each at most budgetTokens by count (a page longer than the budget is cut
// into parts by length). Empty pages are skipped; no pages or budgetTokens <= 0 give none.
QVector<PageChunk> chunkPages(const QVector<PageText>& pages, int budgetTokens,
                              const TokenCounter& count);

struct SummaryOptions {
    int chunkTokens = 6000;                   // document text per partial summary
    int partTokens = 220;                     // the length limit of each partial summary
    int finalTokens = 700;                    // the length limit of the final answer
    QString language = QStringLiteral("en");  // "en" or "zh_CN": the instructions' language
};

class MapReduceSummarizer : public QObject {
    Q_OBJECT
public:
    // store and generator must outlive the summarizer.
    MapReduceSummarizer(DocumentStore* store, SummaryGenerator* generator,
                        QObject* parent = nullptr);

    // Summarises the document; request: the user's words ("Summarise the contract"), may be
    // empty. Errors (busy, unknown document, no text, no model) come back at once.
    Status start(qint64 documentId, const QString& request, const SummaryOptions& options = {});
    // Stops; the partial summaries already made stay stored. Emits cancelled.
    void cancel();
    bool running() const { return m_documentId != 0; }

signals:
    // step is 1-based; steps counts the partial summaries and the final one (it can grow when
    // the partial summaries have to be combined in groups). cached: served from the database.
    void progress(int step, int steps, bool cached);
    void finished(qint64 documentId, const QString& summary);
    void failed(qint64 documentId, const QString& message);
    void cancelled(qint64 documentId);

private:
    struct Part {
        int firstPage = 0;
        int lastPage = 0;
        QString text;  // the chunk's text (to summarise) or a summary (to combine)
    };
    void next();
    void summarise(const Part& part, bool pages);
    void combine();
    void finish(Expected<QString> text, bool final);
    QString variant() const;

    DocumentStore* m_store;
    SummaryGenerator* m_generator;
    SummaryOptions m_options;
    qint64 m_documentId = 0;  // 0: idle
    quint64 m_job = 0;        // bumped by start and cancel: late answers of old jobs are ignored
    QString m_title;
    QString m_request;
    QVector<Part> m_todo;     // parts still to summarise, in order
    QVector<Part> m_done;     // summaries made at this level, in order
    bool m_pageLevel = true;  // m_todo holds pages (cached), not summaries of summaries
    int m_step = 0;
    int m_steps = 0;
};

}  // namespace folio
