#include "app/wal_checkpointer.h"

#include <QSqlQuery>

#include "app/database.h"

namespace folio {

WalCheckpointer::WalCheckpointer(const Database& database, std::chrono::milliseconds interval)
    : m_database(database), m_interval(interval), m_thread([this] { run(); }) {}

WalCheckpointer::~WalCheckpointer() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    m_thread.join();
}

void WalCheckpointer::run() {
    std::unique_lock lock(m_mutex);
    while (!m_wake.wait_for(lock, m_interval, [this] { return m_stopping; })) {
        lock.unlock();
        {
            // A failure (the disk full, the file gone) leaves the log as it is; the next round
            // or the last connection's close tries again.
            QSqlQuery checkpoint(m_database.connection());
            checkpoint.exec(QStringLiteral("PRAGMA wal_checkpoint(PASSIVE)"));
        }
        lock.lock();
    }
    lock.unlock();
    m_database.closeThreadConnection();
}

}  // namespace folio
