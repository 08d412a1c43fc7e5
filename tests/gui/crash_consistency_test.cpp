// Crash consistency: a writer that stores messages like the app is SIGKILLed at 30 random moments;
// after each kill the database must hold every message whose commit was reported, each partial
// reply up to (at least) its last reported checkpoint, and pass PRAGMA integrity_check.
#include <QHash>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>

#include "app/conversation_store.h"
#include "app/database.h"

using namespace folio;

namespace {

const int kKills = 30;
const int kCheckpointMs = 20;  // the app uses 1000; shorter here so kills land between many

QString fakeReply(int turn) {  // crash_writer_main.cpp's full reply of a turn
    QString s;
    for (int t = 0; t < 60; ++t) s += QStringLiteral("t%1.%2 ").arg(turn).arg(t);
    return s;
}

struct Reported {
    QHash<qint64, int> users;         // message id -> turn
    QHash<qint64, int> replyTurn;     // reply id -> turn
    QHash<qint64, int> checkpointed;  // reply id -> content length at its last checkpoint
    QHash<qint64, int> finished;      // reply id -> final length
};

void parse(const QByteArray& out, Reported* r) {
    for (const QByteArray& line : out.split('\n')) {
        const QList<QByteArray> f = line.split(' ');
        if (f.size() != 3) continue;  // the kill may cut the last line
        const qint64 id = f[1].toLongLong();
        const int value = f[2].toInt();
        if (f[0] == "user")
            r->users.insert(id, value);
        else if (f[0] == "reply")
            r->replyTurn.insert(id, value);
        else if (f[0] == "checkpoint")
            r->checkpointed.insert(id, value);
        else if (f[0] == "finished")
            r->finished.insert(id, value);
    }
}

}  // namespace

class CrashConsistencyTest : public QObject {
    Q_OBJECT

private slots:
    void killedWriterLosesNothingCommitted() {
        QTemporaryDir dir;
        const QString dbPath = dir.filePath("folio.sqlite3");
        const QString writer = QCoreApplication::applicationDirPath() + "/crash_writer";
        QVERIFY2(QFileInfo(writer).isExecutable(), qPrintable(writer + " is missing"));
        const quint32 seed = QRandomGenerator::global()->generate();
        qInfo("seed %u", seed);
        QRandomGenerator random(seed);
        Reported all;
        int checkedPartials = 0;
        for (int kill = 0; kill < kKills; ++kill) {
            QProcess p;
            p.start(writer, {dbPath, QString::number(kCheckpointMs)});
            QVERIFY(p.waitForStarted());
            QTest::qWait(40 + int(random.bounded(400)));
            p.kill();  // SIGKILL: no destructors, no SQLite close
            QVERIFY(p.waitForFinished(10000));
            QVERIFY2(p.exitStatus() == QProcess::CrashExit,
                     qPrintable("writer exited by itself: " + p.readAllStandardError()));
            parse(p.readAllStandardOutput(), &all);

            Database db;
            auto report = db.open(dbPath);
            QVERIFY(report.ok());
            QCOMPARE(report->outcome, Database::Outcome::Opened);
            QCOMPARE(db.integrityCheck(), QString("ok"));
            ConversationStore store(db);
            QVERIFY(store.markStreamingInterrupted().ok());
            for (auto it = all.users.cbegin(); it != all.users.cend(); ++it) {
                auto m = store.message(it.key());
                QVERIFY2(m.ok(), "a reported user message is missing");
                QCOMPARE(m->content, QStringLiteral("question %1").arg(it.value()));
            }
            for (auto it = all.replyTurn.cbegin(); it != all.replyTurn.cend(); ++it) {
                auto m = store.message(it.key());
                QVERIFY2(m.ok(), "a reported reply is missing");
                const QString full = fakeReply(it.value());
                QVERIFY2(full.startsWith(m->content), "a reply holds text that was never written");
                if (all.finished.contains(it.key())) {
                    QCOMPARE(m->state, MessageState::Complete);
                    QCOMPARE(m->content, full);
                } else if (m->state == MessageState::Complete) {
                    QCOMPARE(m->content, full);  // committed; the kill only cut its report
                } else {
                    QCOMPARE(m->state, MessageState::Interrupted);
                    QVERIFY(m->content.size() >= all.checkpointed.value(it.key(), 0));
                    if (all.checkpointed.value(it.key(), 0) > 0) ++checkedPartials;
                }
            }
        }
        qInfo("%lld user messages, %lld replies (%d partial ones checked)",
              static_cast<long long>(all.users.size()),
              static_cast<long long>(all.replyTurn.size()), checkedPartials);
        QVERIFY(all.users.size() >= kKills / 2);  // the writer really got to write
        QVERIFY(checkedPartials > 0);
    }
};

QTEST_GUILESS_MAIN(CrashConsistencyTest)
#include "crash_consistency_test.moc"
