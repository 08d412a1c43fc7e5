#pragma once
// The Folio SQLite database: opening with recovery, numbered migrations, one connection per thread.
//
// Schema changes are numbered files embedded as resources (:/folio/sql/NNN_name.sql) and applied
// in order; PRAGMA user_version holds the last one applied. Every connection runs with WAL,
// foreign_keys=ON and synchronous=NORMAL: a committed transaction survives a crash or kill of the
// app, and commits do not wait for the disk (database.cpp says why); a read-write database
// checkpoints its log on a thread of its own (wal_checkpointer.h).
//
// Thread-safety: a Database object may be shared between threads after open(); connection()
// returns the calling thread's own QSqlDatabase (Qt forbids using one across threads).
#include <QSqlDatabase>
#include <QString>
#include <QStringList>
#include <memory>

#include "engine/status.h"

namespace folio {

class WalCheckpointer;

class Database {
public:
    // The newest schema version this build knows (the number of migration files).
    static int latestVersion();

    // How open() found the file. Anything but Fresh/Ok comes with a user-facing message.
    enum class Outcome { Created, Opened, OpenedReadOnly, SetAside };

    struct OpenReport {
        Outcome outcome = Outcome::Created;
        QString message;       // empty for Created/Opened; else says what happened and where
        QString setAsidePath;  // where a damaged file was moved (Outcome::SetAside)
    };

    Database();
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    // Opens (creating if needed) the database at path and migrates it to latestVersion().
    // A file that is not a database or fails the integrity check is renamed to
    // "<path>.corrupt-<yyyyMMdd-HHmmss>" and a fresh database is created; a file written by a
    // newer Folio (user_version > latestVersion()) is opened read-only. Only a failure to create a
    // fresh database at all (e.g. an unwritable folder) is an error.
    Expected<OpenReport> open(const QString& path);

    // Test hook: creates a database at path migrated only up to `version` (0..latestVersion()).
    static Status createAtVersion(const QString& path, int version);

    bool isOpen() const { return !m_path.isEmpty(); }
    bool readOnly() const { return m_readOnly; }
    QString path() const { return m_path; }
    // "trigram" or "unicode61": how the search tables tokenize (see 002_search.sql).
    QString searchTokenizer() const { return m_searchTokenizer; }

    // The calling thread's connection, opened on first use with the pragmas above.
    QSqlDatabase connection() const;

    // PRAGMA integrity_check on this thread's connection: "ok" or the first problems found.
    QString integrityCheck() const;

    // Closes and removes this thread's connection (call from each worker thread before it ends;
    // the destructor closes the one of the thread that destroys the Database).
    void closeThreadConnection() const;

private:
    QString m_path;
    bool m_readOnly = false;
    QString m_searchTokenizer;
    QString m_connectionPrefix;
    std::unique_ptr<WalCheckpointer> m_checkpointer;  // read-write databases, once migrated
};

// Splits a migration script into statements. A statement ends at a ';' at the end of a line,
// except inside CREATE TRIGGER ... END; bodies. Exposed for tests.
QStringList splitSqlScript(const QString& script);

}  // namespace folio
