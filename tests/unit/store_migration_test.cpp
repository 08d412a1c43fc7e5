// Opening the Folio database: fresh creation, migration from every earlier schema, a file from a
// newer Folio, garbage files, and the pragmas each connection runs.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include "app/conversation_store.h"
#include "app/database.h"

using folio::ConversationStore;
using folio::Database;

namespace {

QString pragma(const Database& db, const char* name) {
    QSqlQuery q(db.connection());
    if (!q.exec(QStringLiteral("PRAGMA %1").arg(name)) || !q.next()) return "<error>";
    return q.value(0).toString();
}

void setUserVersion(const QString& path, int version) {
    {
        QSqlDatabase db = QSqlDatabase::addDatabase("QSQLITE", "raw");
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("PRAGMA user_version = %1").arg(version)));
        db.close();
    }
    QSqlDatabase::removeDatabase("raw");
}

}  // namespace

class StoreMigrationTest : public QObject {
    Q_OBJECT

private slots:
    void init() { QVERIFY(m_dir.isValid()); }

    void splitKeepsTriggerBodiesWhole() {
        const QStringList parts = folio::splitSqlScript(
            "-- comment\nCREATE TABLE a (x);\nCREATE TRIGGER t AFTER INSERT ON a BEGIN\n"
            "  INSERT INTO a VALUES (1);\n  INSERT INTO a VALUES (2);\nEND;\nDROP TABLE a;\n");
        QCOMPARE(parts.size(), 3);
        QVERIFY(parts[1].startsWith("CREATE TRIGGER"));
        QVERIFY(parts[1].endsWith("END;"));
        QCOMPARE(parts[2], QString("DROP TABLE a;"));
    }

    void freshDatabaseIsLatestWithPragmas() {
        QVERIFY(Database::latestVersion() >= 2);
        Database db;
        auto report = db.open(m_dir.filePath("fresh/folio.sqlite3"));
        QVERIFY2(report.ok(), report.ok() ? "" : report.error().message.c_str());
        QCOMPARE(report->outcome, Database::Outcome::Created);
        QVERIFY(report->message.isEmpty());
        QVERIFY(!db.readOnly());
        QCOMPARE(pragma(db, "user_version").toInt(), Database::latestVersion());
        QCOMPARE(pragma(db, "journal_mode"), QString("wal"));
        QCOMPARE(pragma(db, "foreign_keys"), QString("1"));
        QCOMPARE(pragma(db, "synchronous"), QString("1"));         // NORMAL: no fsync per commit
        QCOMPARE(pragma(db, "wal_autocheckpoint"), QString("0"));  // the checkpointer's job
        QCOMPARE(db.integrityCheck(), QString("ok"));
        QCOMPARE(db.searchTokenizer(), QString("trigram"));  // Debian 12's SQLite 3.40 has it
    }

    void reopeningKeepsData() {
        const QString path = m_dir.filePath("reopen.sqlite3");
        {
            Database db;
            QVERIFY(db.open(path).ok());
            QVERIFY(ConversationStore(db).createConversation("kept").ok());
        }
        Database db;
        auto report = db.open(path);
        QVERIFY(report.ok());
        QCOMPARE(report->outcome, Database::Outcome::Opened);
        auto list = ConversationStore(db).listConversations();
        QVERIFY(list.ok());
        QCOMPARE(list->size(), 1);
        QCOMPARE(list->first().title, QString("kept"));
    }

    void eachEarlierVersionMigratesToLatest_data() {
        QTest::addColumn<int>("version");
        for (int v = 1; v < Database::latestVersion(); ++v) QTest::addRow("from %d", v) << v;
    }
    void eachEarlierVersionMigratesToLatest() {
        QFETCH(int, version);
        const QString path = m_dir.filePath(QStringLiteral("v%1.sqlite3").arg(version));
        QVERIFY(Database::createAtVersion(path, version).ok());
        {
            // Data written by the old schema (version 1 has the tables but no search index).
            QSqlDatabase raw = QSqlDatabase::addDatabase("QSQLITE", "old");
            raw.setDatabaseName(path);
            QVERIFY(raw.open());
            QSqlQuery q(raw);
            QVERIFY(
                q.exec("INSERT INTO conversations (id, title, created_at, updated_at) "
                       "VALUES (1, 'Quarterly planning', 1, 1)"));
            QVERIFY(
                q.exec("INSERT INTO messages (conversation_id, role, content, created_at, "
                       "updated_at) VALUES (1, 'user', 'old message about zebras', 1, 1)"));
            raw.close();
        }
        QSqlDatabase::removeDatabase("old");
        Database db;
        auto report = db.open(path);
        QVERIFY(report.ok());
        QCOMPARE(report->outcome, Database::Outcome::Opened);
        QCOMPARE(pragma(db, "user_version").toInt(), Database::latestVersion());
        ConversationStore store(db);
        auto hits = store.search("zebras");  // indexed by the migration's rebuild
        QVERIFY(hits.ok());
        QCOMPARE(hits->size(), 1);
        QCOMPARE(hits->first().title, QString("Quarterly planning"));
        QCOMPARE(db.integrityCheck(), QString("ok"));
    }

    void newerVersionOpensReadOnly() {
        const QString path = m_dir.filePath("newer.sqlite3");
        {
            Database db;
            QVERIFY(db.open(path).ok());
            QVERIFY(ConversationStore(db).createConversation("from the future").ok());
        }
        setUserVersion(path, Database::latestVersion() + 5);
        Database db;
        auto report = db.open(path);
        QVERIFY(report.ok());
        QCOMPARE(report->outcome, Database::Outcome::OpenedReadOnly);
        QVERIFY(db.readOnly());
        QVERIFY2(report->message.contains("newer version"), qPrintable(report->message));
        ConversationStore store(db);
        auto list = store.listConversations();
        QVERIFY(list.ok());
        QCOMPARE(list->size(), 1);
        auto write = store.createConversation("must fail");
        QVERIFY(!write.ok());
        QVERIFY(QFileInfo::exists(path));  // the user's data is untouched
        QCOMPARE(pragma(db, "user_version").toInt(), Database::latestVersion() + 5);
    }

    void garbageFileIsSetAside_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addRow("nul bytes") << QByteArray(8192, '\0');
        QTest::addRow("text") << QByteArray("this is not a database\n").repeated(300);
        QByteArray header("SQLite format 3\0", 16);
        QTest::addRow("truncated header") << header + QByteArray(100, '\x7f');
    }
    void garbageFileIsSetAside() {
        QFETCH(QByteArray, bytes);
        const QString dir = m_dir.filePath(QTest::currentDataTag());
        QVERIFY(QDir().mkpath(dir));
        const QString path = QDir(dir).filePath("folio.sqlite3");
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(bytes);
        }
        for (int attempt = 0; attempt < 2; ++attempt) {  // and the next start is clean
            Database db;
            auto report = db.open(path);
            QVERIFY(report.ok());
            if (attempt == 0) {
                QCOMPARE(report->outcome, Database::Outcome::SetAside);
                QVERIFY(report->message.contains(report->setAsidePath));
                QVERIFY(report->setAsidePath.contains(".corrupt-"));
                QFile aside(report->setAsidePath);
                QVERIFY(aside.open(QIODevice::ReadOnly));
                QCOMPARE(aside.readAll(), bytes);  // preserved byte for byte
            } else {
                QCOMPARE(report->outcome, Database::Outcome::Opened);
            }
            ConversationStore store(db);
            QVERIFY(store.createConversation("works").ok());
            QCOMPARE(db.integrityCheck(), QString("ok"));
        }
    }

    void emptyFileIsJustCreated() {
        const QString path = m_dir.filePath("empty.sqlite3");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        Database db;
        auto report = db.open(path);
        QVERIFY(report.ok());
        QCOMPARE(report->outcome, Database::Outcome::Created);
    }

    void unusablePathIsAnError() {
        // A regular file where a folder should be: fails even for root.
        const QString blocker = m_dir.filePath("blocker");
        QFile f(blocker);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        Database db;
        auto report = db.open(blocker + "/folio.sqlite3");
        QVERIFY(!report.ok());
        QVERIFY(QString::fromStdString(report.error().message).contains("blocker"));
    }

    // Commits leave the log to the checkpoint thread (no connection checkpoints automatically):
    // what 400 messages wrote to the log (about 16 MB with the search index) reaches the database
    // file within a few checkpoint intervals, and once it has, the next commit starts the log
    // again, cut to journal_size_limit (8 MB): the log stays bounded, round after round.
    void theLogIsCheckpointedOffTheWritingThread() {
        const QString path = m_dir.filePath("checkpointed.sqlite3");
        const qint64 kLogLimit = 8 * 1024 * 1024;
        Database db;
        QVERIFY(db.open(path).ok());
        ConversationStore store(db);
        auto id = store.createConversation("log");
        QVERIFY(id.ok());
        const qint64 before = QFileInfo(path).size();
        const auto aCommitFindsTheLogCut = [&] {
            return store.addMessage(*id, 0, "user", QStringLiteral("small")).ok() &&
                   QFileInfo(path + "-wal").size() <= kLogLimit;
        };
        for (int round = 1; round <= 2; ++round) {
            for (int i = 0; i < 400; ++i)
                QVERIFY(store.addMessage(*id, 0, "user", QString(2500, QChar('a' + i % 26))).ok());
            QVERIFY(QFileInfo(path + "-wal").size() > kLogLimit);
            QTRY_VERIFY_WITH_TIMEOUT(aCommitFindsTheLogCut(), 30000);
            QVERIFY(QFileInfo(path).size() > before + round * 2'000'000);
        }
        QCOMPARE(db.integrityCheck(), QString("ok"));
    }

    void damagedPagesAreSetAside() {
        const QString path = m_dir.filePath("damaged.sqlite3");
        {
            Database db;
            QVERIFY(db.open(path).ok());
            ConversationStore store(db);
            auto id = store.createConversation("big");
            QVERIFY(id.ok());
            for (int i = 0; i < 200; ++i)
                QVERIFY(store.addMessage(*id, 0, "user", QString(500, QChar('a' + i % 26))).ok());
        }  // the last close checkpoints the WAL into the main file
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadWrite));
            QVERIFY(f.size() > 16 * 4096);
            for (qint64 page = 2; page < f.size() / 4096; page += 3) {
                f.seek(page * 4096);
                f.write(QByteArray(4096, '\xA5'));
            }
        }
        Database db;
        auto report = db.open(path);
        QVERIFY(report.ok());
        QCOMPARE(report->outcome, Database::Outcome::SetAside);
        QVERIFY(QFileInfo::exists(report->setAsidePath));
        QVERIFY(ConversationStore(db).createConversation("fresh").ok());
        QCOMPARE(db.integrityCheck(), QString("ok"));
    }

    void connectionPerThread() {
        Database db;
        QVERIFY(db.open(m_dir.filePath("threads.sqlite3")).ok());
        const QString mainName = db.connection().connectionName();
        QString otherName;
        bool otherWrote = false;
        QThread* t = QThread::create([&] {
            otherName = db.connection().connectionName();
            otherWrote = ConversationStore(db).createConversation("from a thread").ok();
            db.closeThreadConnection();
        });
        t->start();
        QVERIFY(t->wait(10000));
        delete t;
        QVERIFY(otherWrote);
        QVERIFY(!otherName.isEmpty());
        QVERIFY(otherName != mainName);
        auto list = ConversationStore(db).listConversations();
        QVERIFY(list.ok());
        QCOMPARE(list->size(), 1);
    }

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(StoreMigrationTest)
#include "store_migration_test.moc"
