#pragma once
// Moves the SQLite write-ahead log into the database file from a thread of its own.
//
// Commits run on the GUI thread. With SQLite's automatic checkpoint, the commit that fills the log
// past 1,000 pages also copies it back and waits for the disk (an fsync); with the disk busy that
// took over 100 ms, a visible stall of the window. So read-write connections turn the automatic
// checkpoint off (database.cpp) and this thread runs a PASSIVE checkpoint every interval: it never
// blocks readers or writers, only copies what no reader still needs, and keeps the log bounded.
// Every 5 s: each checkpoint with new pages ends in an fsync, which on ext4 commits the journal
// that the GUI thread's next write may wait for, so fewer are better.
//
// Owned by a Database; uses that Database's per-thread connection on its own thread and closes it
// before the thread ends. Construct after the database is open and migrated; destroy before the
// Database closes (the destructor stops and joins the thread).
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace folio {

class Database;

class WalCheckpointer {
public:
    static constexpr std::chrono::milliseconds kDefaultInterval{5000};

    WalCheckpointer(const Database& database,
                    std::chrono::milliseconds interval = kDefaultInterval);
    ~WalCheckpointer();
    WalCheckpointer(const WalCheckpointer&) = delete;
    WalCheckpointer& operator=(const WalCheckpointer&) = delete;

private:
    void run();

    const Database& m_database;
    const std::chrono::milliseconds m_interval;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stopping = false;  // guarded by m_mutex
    std::thread m_thread;     // last: starts after the members above exist
};

}  // namespace folio
