// Crash consistency of document ingestion: crash_ingester stores 400-page documents one after
// another through DocumentStore::add and is SIGKILLed at 35 random moments, each time on a fresh
// database. After each kill, reopening the database must find every document whose add() returned,
// every stored document whole (all pages, byte-identical text), none half-written, and both
// PRAGMA integrity_check and the FTS5 index's own integrity check passing.
#include <QProcess>
#include <QRandomGenerator>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

#include "app/database.h"
#include "app/documents/document_store.h"
#include "gui/crash_ingest_doc.h"

using namespace folio;

namespace {

const int kKills = 35;
const int kMaxKillDelayMs =
    2500;  // several documents' worth: kills land before, in and between adds
const char* const kSqlFtsIntegrity =
    "INSERT INTO document_page_fts (document_page_fts) VALUES ('integrity-check')";

struct Reported {
    QHash<int, qint64> added;  // document number -> id reported after add() returned
    int lastBegun = -1;        // the document whose add() had started when the kill came
};

Reported parse(const QByteArray& out) {
    Reported r;
    for (const QByteArray& line : out.split('\n')) {
        const QList<QByteArray> f = line.split(' ');
        if (f.size() == 2 && f[0] == "begin") r.lastBegun = f[1].toInt();
        if (f.size() == 3 && f[0] == "added") r.added.insert(f[2].toInt(), f[1].toLongLong());
    }
    return r;
}

// The document number of a stored title, or -1.
int numberOf(const QString& title) {
    const QString prefix = crashtest::documentTitle(0).chopped(1);
    bool ok = false;
    const int n = title.startsWith(prefix) ? title.mid(prefix.size()).toInt(&ok) : -1;
    return ok ? n : -1;
}

}  // namespace

class CrashIngestTest : public QObject {
    Q_OBJECT

private slots:
    void killedIngestionStoresWholeDocumentsOrNone() {
        const QString helper = QCoreApplication::applicationDirPath() + "/crash_ingester";
        QVERIFY2(QFileInfo(helper).isExecutable(), qPrintable(helper + " is missing"));
        const quint32 seed = QRandomGenerator::global()->generate();
        qInfo("seed %u", seed);
        QRandomGenerator random(seed);
        int storedTotal = 0, killedMidAdd = 0;
        for (int kill = 0; kill < kKills; ++kill) {
            const int firstNumber = kill * 1000;  // each run numbers its documents apart
            QTemporaryDir dir;
            const QString dbPath = dir.filePath("folio.sqlite3");
            QProcess p;
            p.start(helper, {dbPath, QString::number(firstNumber)});
            QVERIFY(p.waitForStarted());
            QTest::qWait(50 + int(random.bounded(kMaxKillDelayMs)));
            p.kill();  // SIGKILL: no destructors, no SQLite close
            QVERIFY(p.waitForFinished(10000));
            QVERIFY2(p.exitStatus() == QProcess::CrashExit,
                     qPrintable("helper exited by itself: " + p.readAllStandardError()));
            const Reported reported = parse(p.readAllStandardOutput());

            Database db;
            auto report = db.open(dbPath);
            QVERIFY2(report.ok(), report.ok() ? "" : report.error().message.c_str());
            QVERIFY(report->outcome == Database::Outcome::Opened ||
                    report->outcome == Database::Outcome::Created);
            QCOMPARE(db.integrityCheck(), QString("ok"));
            QSqlQuery fts(db.connection());
            QVERIFY2(fts.exec(kSqlFtsIntegrity), qPrintable(fts.lastError().text()));

            DocumentStore store([&db] { return db.connection(); });
            auto docs = store.list();
            QVERIFY(docs.ok());
            QSet<int> stored;
            for (const DocumentInfo& info : *docs) {
                const int n = numberOf(info.title);
                QVERIFY2(n >= firstNumber, qPrintable("unexpected document " + info.title));
                QCOMPARE(info.sha256, crashtest::documentSha(n));
                QCOMPARE(info.pages, crashtest::kPages);
                auto pages = store.pages(info.id);
                QVERIFY(pages.ok());
                QCOMPARE(int(pages->size()), crashtest::kPages);  // whole, never half
                for (const PageText& page : *pages)
                    QVERIFY2(
                        page.text == crashtest::pageText(n, page.page),
                        qPrintable(
                            QStringLiteral("document %1 page %2 differs").arg(n).arg(page.page)));
                stored.insert(n);
            }
            for (auto it = reported.added.cbegin(); it != reported.added.cend(); ++it) {
                QVERIFY2(stored.contains(it.key()), "a document whose add() returned is missing");
                auto info = store.document(it.value());
                QVERIFY(info.ok());
                QCOMPARE(info->title, crashtest::documentTitle(it.key()));
            }
            if (reported.lastBegun >= 0 && !reported.added.contains(reported.lastBegun) &&
                !stored.contains(reported.lastBegun))
                ++killedMidAdd;  // the kill cut an add() short and nothing of it remained
            storedTotal += int(stored.size());
        }
        qInfo("%d kills: %d documents stored whole, %d kills landed inside add()", kKills,
              storedTotal, killedMidAdd);
        QVERIFY(storedTotal >= kKills / 2);   // the helper really got to store documents
        QVERIFY(killedMidAdd >= kKills / 5);  // and the kills really cut transactions short
    }
};

QTEST_GUILESS_MAIN(CrashIngestTest)
#include "crash_ingest_test.moc"
