// Crash consistency of schema migrations: a version-1 database with realistic content (800
// conversations, branches, soft deletes, stats; ~17 MB) is migrated by crash_migrator, which is
// SIGKILLed at 35 random moments spread over 1.3x the migration's measured duration. After each
// kill the file must hold exactly the schema of one version (old, intermediate or new, never a
// mix), every row of the original content, and pass PRAGMA integrity_check; then it must open
// normally: Database::open finishes the migration and full-text search finds what version 1 held.
#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QProcess>
#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QtTest>

#include "app/conversation_store.h"
#include "app/database.h"

using namespace folio;

namespace {

const int kKills = 35;
const int kConversations = 800;
const int kTurns = 4;         // user + assistant pairs per conversation
const int kMarkerEvery = 10;  // every 10th conversation mentions kMarker
const char* const kMarker = "Kestrel";
// Every object with its SQL, so that a column added by ALTER TABLE changes the schema too.
const char* const kSqlSchema =
    "SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master ORDER BY 1";
const char* const kSqlMessageFtsIntegrity =
    "INSERT INTO message_fts (message_fts) VALUES ('integrity-check')";
// Everything version 1 holds, in a fixed order (search_tokenizer is added by migration 002).
const char* const kContentQueries[] = {
    // Version 1's columns: later versions add columns (NULL for old rows), not content.
    "SELECT id, title, created_at, updated_at, pinned, thinking_enabled, system_prompt, "
    "deleted_at FROM conversations ORDER BY id",
    "SELECT * FROM messages ORDER BY id",
    "SELECT * FROM meta WHERE key <> 'search_tokenizer' ORDER BY key",
};

QString messageText(int conversation, int turn, bool user) {
    static const QStringList kPhrases = {
        "Could you summarise clause 14 of the lease?",
        "The tenant must give three months' written notice before leaving.",
        "请用中文解释这个条款的含义。",
        "Here is a table:\n| term | days |\n|---|---|\n| notice | 90 |",
        "```cpp\nint main() { return 0; }\n```",
        "Emoji check: 👩‍💻 🚀 ✅ and accents: café, naïve, Zürich.",
    };
    QString text = QStringLiteral("%1 %2.%3: ").arg(user ? "Q" : "A").arg(conversation).arg(turn);
    for (int i = 0; text.size() < (user ? 200 : 1800); ++i)
        text += kPhrases.at((conversation + turn * 3 + i) % kPhrases.size()) + ' ';
    if (conversation % kMarkerEvery == 0 && turn == 0) text += kMarker;
    return text;
}

Status execOrError(QSqlQuery& q) {
    if (q.exec()) return {};
    return makeError(q.lastError().text().toStdString());
}

// Fills a version-1 database the way Folio 1 would have: a tree per conversation with a
// regenerated (inactive) reply on turn 1, some pinned, some soft-deleted, some with own prompts.
Status fillVersion1(QSqlDatabase& db) {
    if (!db.transaction()) return makeError("cannot begin");
    QSqlQuery conv(db), msg(db);
    conv.prepare(
        "INSERT INTO conversations (id, title, created_at, updated_at, pinned, "
        "thinking_enabled, system_prompt, deleted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    msg.prepare(
        "INSERT INTO messages (conversation_id, parent_id, role, content, state, "
        "is_active, created_at, updated_at, stats, token_count) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    const qint64 t0 = 1700000000000;
    for (int c = 1; c <= kConversations; ++c) {
        conv.addBindValue(c);
        conv.addBindValue(QStringLiteral("Chat %1 about leases").arg(c));
        conv.addBindValue(t0 + c * 1000);
        conv.addBindValue(t0 + c * 1000 + 500);
        conv.addBindValue(c % 17 == 0 ? 1 : 0);
        conv.addBindValue(c % 5 == 0 ? 1 : 0);
        conv.addBindValue(c % 7 == 0 ? QVariant("You are a careful lawyer.") : QVariant());
        conv.addBindValue(c % 23 == 0 ? QVariant(t0 + c * 2000) : QVariant());
        if (Status s = execOrError(conv); !s.ok()) return s;
        QVariant parent;
        for (int turn = 0; turn < kTurns; ++turn) {
            for (int variant = 0; variant < (turn == 1 ? 3 : 2); ++variant) {
                const bool user = variant == 0;
                msg.addBindValue(c);
                msg.addBindValue(parent);
                msg.addBindValue(user ? "user" : "assistant");
                msg.addBindValue(messageText(c, turn, user) +
                                 (variant == 2 ? " (regenerated)" : ""));
                msg.addBindValue(turn == kTurns - 1 && c % 11 == 0 && !user ? "interrupted"
                                                                            : "complete");
                msg.addBindValue(variant == 1 && turn == 1 ? 0 : 1);
                msg.addBindValue(t0 + c * 1000 + turn * 10 + variant);
                msg.addBindValue(t0 + c * 1000 + turn * 10 + variant);
                msg.addBindValue(user ? QVariant()
                                      : QVariant("{\"tok/s\": 41.5, \"tokens\": 312}"));
                msg.addBindValue(user ? QVariant() : QVariant(300 + turn));
                if (Status s = execOrError(msg); !s.ok()) return s;
                if (user || variant == 2 || (variant == 1 && turn != 1))
                    parent = msg.lastInsertId();
            }
        }
    }
    QSqlQuery meta(db);
    if (!meta.exec("INSERT INTO meta (key, value) VALUES ('created_by', 'Folio 0.1')"))
        return makeError(meta.lastError().text().toStdString());
    if (!db.commit()) return makeError("cannot commit");
    return {};
}

// A private connection to path for the duration of fn (read-write, so a hot WAL is recovered).
template <typename Fn>
void withConnection(const QString& path, Fn fn) {
    static int counter = 0;
    const QString name = QStringLiteral("crash-migration-%1").arg(++counter);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase("QSQLITE", name);
        db.setDatabaseName(path);
        QVERIFY2(db.open(), qPrintable(db.lastError().text()));
        fn(db);
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
}

QStringList column(QSqlDatabase& db, const QString& sql) {
    QSqlQuery q(db);
    QStringList out;
    if (!q.exec(sql)) return {"error: " + q.lastError().text()};
    while (q.next()) out << q.value(0).toString();
    return out;
}

QByteArray fingerprint(QSqlDatabase& db) {
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (const char* sql : kContentQueries) {
        QSqlQuery q(db);
        q.setForwardOnly(true);
        if (!q.exec(sql)) return "error: " + q.lastError().text().toUtf8();
        while (q.next()) {
            for (int i = 0; i < q.record().count(); ++i)
                hash.addData(
                    (q.value(i).isNull() ? QString("<null>") : q.value(i).toString()).toUtf8() +
                    '\x1f');
            hash.addData("\x1e");
        }
    }
    return hash.result().toHex();
}

void copyFresh(const QString& from, const QString& to) {
    for (const char* suffix : {"", "-wal", "-shm"}) QFile::remove(to + suffix);
    QVERIFY(QFile::copy(from, to));
    QVERIFY(QFile::setPermissions(to, QFile::ReadOwner | QFile::WriteOwner));
}

}  // namespace

class CrashMigrationTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_helper = QCoreApplication::applicationDirPath() + "/crash_migrator";
        QVERIFY2(QFileInfo(m_helper).isExecutable(), qPrintable(m_helper + " is missing"));
        QVERIFY(Database::latestVersion() >= 2);
        for (int v = 1; v <= Database::latestVersion(); ++v) {  // each version's schema
            const QString path = m_dir.filePath(QStringLiteral("schema-%1.sqlite3").arg(v));
            QVERIFY(Database::createAtVersion(path, v).ok());
            withConnection(path,
                           [&](QSqlDatabase& db) { m_schemas.insert(v, column(db, kSqlSchema)); });
            QVERIFY(m_schemas.value(v) != m_schemas.value(v - 1));
        }
        m_template = m_dir.filePath("version1.sqlite3");
        QVERIFY(Database::createAtVersion(m_template, 1).ok());
        withConnection(m_template, [&](QSqlDatabase& db) {
            const Status filled = fillVersion1(db);
            QVERIFY2(filled.ok(), filled.message().c_str());
            m_fingerprint = fingerprint(db);
        });
        QVERIFY(!QFileInfo::exists(m_template + "-wal"));  // closed cleanly: one file to copy
        qInfo("version-1 database: %lld bytes",
              static_cast<long long>(QFileInfo(m_template).size()));
    }

    void killedMigrationKeepsOldOrNewSchemaAndAllData() {
        const QString path = m_dir.filePath("folio.sqlite3");
        const qint64 migrationMs = timeOneMigration(path);
        qInfo("a whole migration (process start to done): %lld ms",
              static_cast<long long>(migrationMs));
        const quint32 seed = QRandomGenerator::global()->generate();
        qInfo("seed %u", seed);
        QRandomGenerator random(seed);
        QMap<int, int> landedAt;  // schema version found after the kill -> how often
        int duringMigration = 0;
        for (int kill = 0; kill < kKills; ++kill) {
            copyFresh(m_template, path);
            QProcess p;
            p.start(m_helper, {path});
            QVERIFY(p.waitForStarted());
            QTest::qWait(int(random.bounded(int(migrationMs * 13 / 10) + 1)));
            p.kill();  // SIGKILL: no destructors, no SQLite close
            QVERIFY(p.waitForFinished(10000));
            QVERIFY2(p.exitStatus() == QProcess::CrashExit,
                     qPrintable("migrator exited by itself: " + p.readAllStandardError()));
            if (!p.readAllStandardOutput().startsWith("migrated")) ++duringMigration;

            withConnection(path, [&](QSqlDatabase& db) {
                const QStringList version = column(db, "PRAGMA user_version");
                QCOMPARE(version.size(), 1);
                const int v = version.first().toInt();
                QVERIFY2(m_schemas.contains(v), qPrintable("user_version " + version.first()));
                QCOMPARE(column(db, kSqlSchema), m_schemas.value(v));  // one version's, whole
                QCOMPARE(column(db, "PRAGMA integrity_check"), QStringList{"ok"});
                QCOMPARE(fingerprint(db), m_fingerprint);
                ++landedAt[v];
            });
            if (QTest::currentTestFailed()) return;
            reopenMigratesAndSearches(path);
            if (QTest::currentTestFailed()) return;
        }
        for (auto it = landedAt.cbegin(); it != landedAt.cend(); ++it)
            qInfo("left at schema %d: %d times", it.key(), it.value());
        qInfo("%d of %d kills came before the migrator reported completion", duringMigration,
              kKills);
        QVERIFY(landedAt.value(1) > 0);  // some kills really stopped a migration short
        QVERIFY(duringMigration >= kKills / 4);
    }

private:
    qint64 timeOneMigration(const QString& path) {
        copyFresh(m_template, path);
        QProcess p;
        QElapsedTimer clock;
        clock.start();
        p.start(m_helper, {path});
        if (!p.waitForStarted()) return -1;
        while (!p.canReadLine() && p.waitForReadyRead(60000)) {
        }
        const qint64 ms = clock.elapsed();
        p.kill();
        p.waitForFinished(10000);
        return ms;
    }

    // The app's next start after the kill: opens normally, finishes the migration, loses nothing.
    void reopenMigratesAndSearches(const QString& path) {
        Database db;
        auto report = db.open(path);
        QVERIFY2(report.ok(), report.ok() ? "" : report.error().message.c_str());
        QCOMPARE(report->outcome, Database::Outcome::Opened);
        QCOMPARE(db.integrityCheck(), QString("ok"));
        QSqlDatabase connection = db.connection();
        QCOMPARE(column(connection, "PRAGMA user_version"),
                 QStringList{QString::number(Database::latestVersion())});
        QCOMPARE(fingerprint(connection), m_fingerprint);
        QSqlQuery fts(connection);
        QVERIFY2(fts.exec(kSqlMessageFtsIntegrity), qPrintable(fts.lastError().text()));
        auto hits = ConversationStore(db).search(kMarker);
        QVERIFY(hits.ok());
        int expected = 0;  // live conversations that mention the marker
        for (int c = kMarkerEvery; c <= kConversations; c += kMarkerEvery) expected += c % 23 != 0;
        QCOMPARE(int(hits->size()), expected);
    }

    QTemporaryDir m_dir;
    QString m_helper;
    QString m_template;
    QByteArray m_fingerprint;
    QMap<int, QStringList> m_schemas;
};

QTEST_GUILESS_MAIN(CrashMigrationTest)
#include "crash_migration_test.moc"
