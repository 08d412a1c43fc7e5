#pragma once
// TokenCounter: counts tokens off the GUI thread, so that a long message (a 16K-token paste)
// never blocks the event loop while the context meter or the history budget needs its size.
//
// Jobs run one at a time, in submission order, on one helper thread at nice 5 (like the engine:
// the GUI thread is scheduled first on a machine with few cores). Each job's result arrives on the
// thread that owns the counter as the `counted` signal (a queued call), never synchronously from
// count(). Thread-safety: create, call and destroy on one thread (the GUI thread); the counting
// function runs on the helper thread and must be thread-safe (Engine::countTokens is).
// Destruction waits for the job in progress (its result is dropped) and discards queued jobs.
#include <QList>
#include <QObject>
#include <QString>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

class TokenCounter : public QObject {
    Q_OBJECT

public:
    // text -> token count, or -1 when it cannot count (no model loaded).
    using CountFunction = std::function<int(const QString&)>;

    explicit TokenCounter(CountFunction count, QObject* parent = nullptr);
    ~TokenCounter() override;
    TokenCounter(const TokenCounter&) = delete;
    TokenCounter& operator=(const TokenCounter&) = delete;

    // Queues the texts for counting; returns the job id (> 0) that `counted` will carry.
    quint64 count(QStringList texts);
    // Jobs queued or running whose result has not been delivered yet.
    int pendingJobs() const { return m_pending; }

    // A cheap upper-side guess of a text's token count (no tokenizer): what the context meter
    // shows until the exact count arrives, and the count on a remote engine. One token per 3
    // UTF-8 bytes, rounded up: 3 ASCII characters or one Chinese character (BPE vocabularies
    // average 3-4 characters of English a token and about one Chinese character).
    static int estimate(const QString& text);

signals:
    // counts[i] is the token count of texts[i] of job `job` (-1 where it could not count).
    void counted(quint64 job, const QList<int>& counts);

private:
    struct Job {
        quint64 id = 0;
        QStringList texts;
    };
    void threadMain();

    CountFunction m_count;
    quint64 m_nextId = 1;
    int m_pending = 0;  // GUI thread only

    std::mutex m_mutex;  // guards the three members below
    std::condition_variable m_wake;
    std::deque<Job> m_queue;
    bool m_stop = false;
    std::thread m_thread;  // last: started once everything above exists
};
