#include "app/token_counter.h"

#include <QMetaObject>

#if defined(__linux__)
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace {

// Below normal priority, like the engine threads: counting a long paste must not take the core
// the GUI thread needs.
constexpr int kCounterNice = 5;
constexpr int kBytesPerToken = 3;  // estimate(): see token_counter.h

void lowerThreadPriority() {
#if defined(__linux__)
    setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), kCounterNice);
#endif
}

}  // namespace

TokenCounter::TokenCounter(CountFunction count, QObject* parent)
    : QObject(parent), m_count(std::move(count)), m_thread([this] { threadMain(); }) {}

TokenCounter::~TokenCounter() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
        m_queue.clear();
    }
    m_wake.notify_all();
    m_thread.join();  // results posted but not delivered die with this object (Qt drops them)
}

int TokenCounter::estimate(const QString& text) {
    qsizetype bytes = 0;
    for (const QChar c : text) bytes += c.unicode() < 0x80 ? 1 : 3;
    return static_cast<int>((bytes + kBytesPerToken - 1) / kBytesPerToken);
}

quint64 TokenCounter::count(QStringList texts) {
    const quint64 id = m_nextId++;
    ++m_pending;
    {
        std::lock_guard lock(m_mutex);
        m_queue.push_back(Job{id, std::move(texts)});
    }
    m_wake.notify_one();
    return id;
}

void TokenCounter::threadMain() {
    lowerThreadPriority();
    while (true) {
        Job job;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stop || !m_queue.empty(); });
            if (m_stop) return;
            job = std::move(m_queue.front());
            m_queue.pop_front();
        }
        QList<int> counts;
        counts.reserve(job.texts.size());
        for (const QString& text : job.texts) counts.append(m_count(text));
        QMetaObject::invokeMethod(
            this,
            [this, id = job.id, counts] {
                --m_pending;
                emit counted(id, counts);
            },
            Qt::QueuedConnection);
    }
}
