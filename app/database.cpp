#include "app/database.h"

#include <QAtomicInt>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>

#include "app/wal_checkpointer.h"

namespace folio {
namespace {

const char* const kDriver = "QSQLITE";
const char* const kMigrationDir = ":/folio/sql";
const char* const kTokenizerPlaceholder = "{{TOKENIZER}}";

// Pragmas every read-write connection runs, in order. WAL makes readers and the writer not block
// each other. synchronous=NORMAL: in WAL mode every commit is still atomic and is in the file
// before it returns, so it survives the app crashing or being killed; only a crash of the OS or
// a power cut may roll back the last commits (never corrupt the file). FULL would add an fsync to
// every commit, and commits run on the GUI thread: with the disk busy writing back (a model
// download, a saved document memory) one fsync took 60-140 ms, a visible stall of the window.
// wal_autocheckpoint=0: the log is checkpointed by a thread of its own (wal_checkpointer.h), not
// by whichever commit fills it; journal_size_limit truncates a log that grew large once.
const char* const kReadWritePragmas[] = {
    "PRAGMA foreign_keys = ON",      "PRAGMA busy_timeout = 5000",
    "PRAGMA journal_mode = WAL",     "PRAGMA synchronous = NORMAL",
    "PRAGMA wal_autocheckpoint = 0", "PRAGMA journal_size_limit = 8388608",
};
const char* const kReadOnlyPragmas[] = {
    "PRAGMA foreign_keys = ON",
    "PRAGMA busy_timeout = 5000",
};
const char* const kSqlUserVersion = "PRAGMA user_version";
const char* const kSqlQuickCheck = "PRAGMA quick_check";
const char* const kSqlIntegrityCheck = "PRAGMA integrity_check";
const char* const kSqlSchemaCount = "SELECT count(*) FROM sqlite_master";
const char* const kSqlProbeTrigram =
    "CREATE VIRTUAL TABLE temp.folio_probe USING fts5(x, tokenize = 'trigram')";
const char* const kSqlDropProbe = "DROP TABLE temp.folio_probe";
const char* const kSqlReadTokenizer = "SELECT value FROM meta WHERE key = 'search_tokenizer'";

QAtomicInt g_instanceCounter;

QStringList migrationFiles() {
    QStringList files = QDir(kMigrationDir).entryList({"*.sql"}, QDir::Files, QDir::Name);
    static const QRegularExpression kNumbered("^\\d{3}_\\w+\\.sql$");
    files.removeIf([](const QString& f) { return !kNumbered.match(f).hasMatch(); });
    return files;
}

QString sqlError(const QSqlQuery& q) {
    return q.lastError().text();
}

// Runs one statement; on failure returns its error text.
Status exec(QSqlDatabase& db, const QString& sql) {
    QSqlQuery q(db);
    if (!q.exec(sql))
        return makeError(
            QStringLiteral("%1 (in: %2)").arg(sqlError(q), sql.left(80)).toStdString());
    return {};
}

Status applyPragmas(QSqlDatabase& db, bool readOnly) {
    if (readOnly) {
        for (const char* p : kReadOnlyPragmas)
            if (Status s = exec(db, p); !s.ok()) return s;
        return {};
    }
    for (const char* p : kReadWritePragmas)
        if (Status s = exec(db, p); !s.ok()) return s;
    return {};
}

QSqlDatabase openNamed(const QString& name, const QString& path, bool readOnly) {
    QSqlDatabase db = QSqlDatabase::addDatabase(kDriver, name);
    db.setDatabaseName(path);
    if (readOnly) db.setConnectOptions("QSQLITE_OPEN_READONLY");
    db.open();
    return db;
}

void removeConnection(const QString& name) {
    {
        QSqlDatabase db = QSqlDatabase::database(name, false);
        if (db.isOpen()) db.close();
    }
    QSqlDatabase::removeDatabase(name);
}

// What an existing file holds, checked on a private connection before anything writes to it.
struct Probe {
    bool healthy = false;
    int version = 0;
    QString problem;  // why it is not healthy
};

Probe probeFile(const QString& path, const QString& connectionName) {
    Probe probe;
    {
        QSqlDatabase db = openNamed(connectionName, path, true);
        QSqlQuery q(db);
        if (!db.isOpen()) {
            probe.problem = db.lastError().text();
        } else if (!q.exec(kSqlSchemaCount) || !q.next()) {
            probe.problem = sqlError(q);  // "file is not a database"
        } else if (!q.exec(kSqlUserVersion) || !q.next()) {
            probe.problem = sqlError(q);
        } else {
            probe.version = q.value(0).toInt();
            if (!q.exec(kSqlQuickCheck) || !q.next()) {
                probe.problem = sqlError(q);
            } else if (QString r = q.value(0).toString(); r != "ok") {
                probe.problem = QStringLiteral("integrity check: %1").arg(r.left(200));
            } else {
                probe.healthy = true;
            }
        }
    }
    removeConnection(connectionName);
    return probe;
}

// Moves path and its WAL/SHM companions aside; returns the new main path or an empty string.
QString setAside(const QString& path) {
    const QString stamp = QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss");
    QString target = QStringLiteral("%1.corrupt-%2").arg(path, stamp);
    for (int n = 2; QFileInfo::exists(target); ++n)
        target = QStringLiteral("%1.corrupt-%2-%3").arg(path, stamp).arg(n);
    if (!QFile::rename(path, target)) return {};
    for (const char* suffix : {"-wal", "-shm"}) {
        const QString companion = path + suffix;
        if (QFileInfo::exists(companion) && !QFile::rename(companion, target + suffix))
            QFile::remove(companion);
    }
    return target;
}

QString chooseTokenizer(QSqlDatabase& db) {
    QSqlQuery q(db);
    if (!q.exec(kSqlProbeTrigram)) return "unicode61";
    q.exec(kSqlDropProbe);
    return "trigram";
}

Expected<QString> readMigration(const QString& file, const QString& tokenizer) {
    QFile f(QStringLiteral("%1/%2").arg(kMigrationDir, file));
    if (!f.open(QIODevice::ReadOnly))
        return makeError("cannot read migration " + file.toStdString());
    QString script = QString::fromUtf8(f.readAll());
    script.replace(kTokenizerPlaceholder, tokenizer);
    return script;
}

// Applies migrations (from, to] each in its own transaction, with its user_version bump.
Status migrate(QSqlDatabase& db, int from, int to) {
    const QStringList files = migrationFiles();
    const QString tokenizer = chooseTokenizer(db);
    for (int v = from + 1; v <= to; ++v) {
        Expected<QString> script = readMigration(files.at(v - 1), tokenizer);
        if (!script) return script.error();
        if (!db.transaction()) return makeError("cannot begin migration transaction");
        Status status;
        for (const QString& stmt : splitSqlScript(*script)) {
            status = exec(db, stmt);
            if (!status.ok()) break;
        }
        if (status.ok()) status = exec(db, QStringLiteral("PRAGMA user_version = %1").arg(v));
        if (!status.ok()) {
            db.rollback();
            return makeError(QStringLiteral("migration %1 failed: %2")
                                 .arg(files.at(v - 1), QString::fromStdString(status.message()))
                                 .toStdString());
        }
        if (!db.commit())
            return makeError("cannot commit migration " + files.at(v - 1).toStdString());
    }
    return {};
}

int userVersion(QSqlDatabase& db) {
    QSqlQuery q(db);
    return q.exec(kSqlUserVersion) && q.next() ? q.value(0).toInt() : -1;
}

}  // namespace

QStringList splitSqlScript(const QString& script) {
    QStringList statements;
    QString current;
    bool inTrigger = false;
    for (const QString& rawLine : script.split('\n')) {
        const QString line = rawLine.trimmed();
        if (line.isEmpty() || line.startsWith("--")) continue;
        current += rawLine + '\n';
        if (!inTrigger && line.startsWith("CREATE TRIGGER", Qt::CaseInsensitive)) inTrigger = true;
        const bool ends =
            inTrigger ? line.compare("END;", Qt::CaseInsensitive) == 0 : line.endsWith(';');
        if (ends) {
            statements << current.trimmed();
            current.clear();
            inTrigger = false;
        }
    }
    if (!current.trimmed().isEmpty()) statements << current.trimmed();
    return statements;
}

int Database::latestVersion() {
    return int(migrationFiles().size());
}

Database::Database() = default;

Database::~Database() {
    m_checkpointer.reset();  // its connection closes first: the last close checkpoints the log
    if (isOpen()) closeThreadConnection();
}

Expected<Database::OpenReport> Database::open(const QString& path) {
    assert(!isOpen());
    m_connectionPrefix =
        QStringLiteral("folio-db-%1-").arg(g_instanceCounter.fetchAndAddRelaxed(1));
    QDir().mkpath(QFileInfo(path).absolutePath());
    OpenReport report;
    const QFileInfo info(path);
    if (info.exists() && info.size() > 0) {
        const Probe probe = probeFile(path, m_connectionPrefix + "probe");
        if (probe.healthy && probe.version > latestVersion()) {
            m_path = path;
            m_readOnly = true;
            QSqlDatabase db = connection();
            if (db.isOpen() && userVersion(db) == probe.version) {
                QSqlQuery q(db);
                m_searchTokenizer =
                    q.exec(kSqlReadTokenizer) && q.next() ? q.value(0).toString() : "unicode61";
                report.outcome = Outcome::OpenedReadOnly;
                report.message =
                    QStringLiteral(
                        "The chat database was written by a newer version of Folio (schema %1; "
                        "this "
                        "version knows %2). It is open read-only: new chats will not be saved.")
                        .arg(probe.version)
                        .arg(latestVersion());
                return report;
            }
            closeThreadConnection();
            m_path.clear();
            m_readOnly = false;
        }
        if (!probe.healthy || probe.version > latestVersion()) {
            const QString moved = setAside(path);
            if (moved.isEmpty())
                return makeError("the database is damaged and cannot be moved aside: " +
                                 path.toStdString());
            report.outcome = Outcome::SetAside;
            report.setAsidePath = moved;
            report.message =
                QStringLiteral(
                    "The chat database could not be read (%1). It was moved to %2 and Folio "
                    "started "
                    "with a new, empty database.")
                    .arg(probe.problem.isEmpty() ? QStringLiteral("unknown schema") : probe.problem,
                         moved);
        } else {
            report.outcome = Outcome::Opened;
        }
    }
    m_path = path;
    QSqlDatabase db = connection();
    if (!db.isOpen()) {
        const QString why = db.lastError().text();
        m_path.clear();
        return makeError("cannot open the database " + path.toStdString() + ": " +
                         why.toStdString());
    }
    const int version = userVersion(db);
    if (Status s = migrate(db, std::max(version, 0), latestVersion()); !s.ok()) {
        closeThreadConnection();
        m_path.clear();
        return makeError(s.message());
    }
    QSqlQuery q(db);
    m_searchTokenizer = q.exec(kSqlReadTokenizer) && q.next() ? q.value(0).toString() : "unicode61";
    m_checkpointer = std::make_unique<WalCheckpointer>(*this);
    return report;
}

Status Database::createAtVersion(const QString& path, int version) {
    if (version < 0 || version > latestVersion()) return makeError("no such schema version");
    const QString name =
        QStringLiteral("folio-db-create-%1").arg(g_instanceCounter.fetchAndAddRelaxed(1));
    Status status;
    {
        QSqlDatabase db = openNamed(name, path, false);
        status =
            db.isOpen() ? applyPragmas(db, false) : makeError(db.lastError().text().toStdString());
        if (status.ok()) status = migrate(db, 0, version);
    }
    removeConnection(name);
    return status;
}

QSqlDatabase Database::connection() const {
    assert(isOpen());
    const QString name = m_connectionPrefix + QString::number(quintptr(QThread::currentThreadId()));
    if (QSqlDatabase::contains(name)) return QSqlDatabase::database(name, false);
    QSqlDatabase db = openNamed(name, m_path, m_readOnly);
    if (db.isOpen() && !applyPragmas(db, m_readOnly).ok()) db.close();
    return db;
}

QString Database::integrityCheck() const {
    QSqlDatabase db = connection();
    QSqlQuery q(db);
    if (!q.exec(kSqlIntegrityCheck)) return sqlError(q);
    QStringList problems;
    while (q.next()) problems << q.value(0).toString();
    return problems.join('\n');
}

void Database::closeThreadConnection() const {
    removeConnection(m_connectionPrefix + QString::number(quintptr(QThread::currentThreadId())));
}

}  // namespace folio
