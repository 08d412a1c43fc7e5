#pragma once
// ReadAhead: reads the current chat's documents before the question is asked. When a document
// is attached (or the model loads, or a reply ends), and nothing else runs, the system message
// the next reply will start with (the user's system prompt and the whole-document block) is
// prefilled as a low-priority request; its KV blocks land in the prefix cache (and on disk, with
// saved memory on), so the question typed meanwhile only reads itself. A reply always comes
// first: cancel() stops the read at its next chunk and what was read stays cached. Documents read
// by retrieval are not read ahead: their pages depend on the question.
//
// GUI thread only.
#include <QObject>
#include <QTimer>
#include <functional>
#include <string>
#include <vector>

#include "engine/runtime/types.h"

class EngineWorker;

namespace folio {

// What to read ahead: the system message the next reply starts with, and where its text comes
// from (saved_tags.h). An empty system: nothing to read.
struct ReadAheadPrompt {
    QString system;
    std::vector<std::string> savedTags;
};

class ReadAhead : public QObject {
    Q_OBJECT
    // 0..1 while the documents are read ahead; -1 when not.
    Q_PROPERTY(double progress READ progress NOTIFY progressChanged)

public:
    // The system message the next reply starts with, when it holds whole documents; empty when
    // there is nothing to read ahead.
    using SystemSource = std::function<ReadAheadPrompt()>;
    // Whether a reply is running or waiting (read-ahead then waits for the next schedule()).
    using Busy = std::function<bool()>;

    static constexpr int kDelayMs = 600;  // after the last change: attachments come in bursts

    ReadAhead(EngineWorker* worker, SystemSource source, Busy busy, QObject* parent = nullptr);
    ~ReadAhead() override;

    double progress() const { return m_progress; }
    bool running() const { return m_requestId != 0; }

public slots:
    // Reads ahead after kDelayMs, unless something runs then; a running read is restarted when
    // what to read changed.
    void schedule();
    // The user's request comes first: stops the read (at its next chunk).
    void cancel();
    // A new model: what was read is gone.
    void forget();

signals:
    void progressChanged();

private:
    void start();
    void onPrefill(quint64 requestId, int done, int total);
    void onFinished(quint64 requestId, const folio::GenerationResult& result);
    void setProgress(double progress);

    EngineWorker* m_worker;
    SystemSource m_source;
    Busy m_busy;
    QTimer m_timer;
    quint64 m_requestId = 0;
    QString m_reading;  // the system message being read
    QString m_read;     // the last one read to the end (nothing to do while it is unchanged)
    double m_progress = -1;
};

}  // namespace folio
