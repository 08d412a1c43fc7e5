// Saved memory through the app (AppContext, the default model): a long prompt read in one run is
// loaded from the KV blocks saved on disk after a restart, in a new chat: the reply's statistics
// say how many tokens came from disk and its status line says "read from memory". Settings off
// (0 GB) saves nothing. Deleting a chat or a document deletes what was saved of its text. Prints
// the cold and restored times to first token.
#include <QDirIterator>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

#include "app/app_controller.h"
#include "app/application.h"
#include "app/chat_request.h"
#include "app/documents/documents_controller.h"
#include "app/engine_worker.h"
#include "app/read_ahead.h"
#include "app/settings.h"
#include "support/test_env.h"

namespace {

const int kTimeoutMs = 600000;

// About 4,000 tokens of varied text.
QString longMessage() {
    QString text;
    for (int i = 1; i <= 300; ++i)
        text += QStringLiteral("Entry %1: the keeper logged wind %2 and %3 boats.\n")
                    .arg(i)
                    .arg(i * 7 % 13)
                    .arg(i % 5);
    return text + QStringLiteral("Reply with one word.");
}

// Opens the app on dataDir, loads the model, sends the message in a new chat and returns the
// reply's statistics.
QJsonObject askOnce(const QString& dataDir, int savedMemoryGb) {
    AppOptions options;
    options.dataDir = dataDir;
    options.headlessSmoke = true;
    AppContext context(options);
    context.settings()->setSamplingPreset("precise");
    context.settings()->setContextSize(8192);
    context.settings()->setSavedMemoryGb(savedMemoryGb);
    AppController* app = context.controller();
    app->setMaxReplyTokens(2);
    app->loadModel(folio::test::modelPath());
    if (!QTest::qWaitFor([&] { return app->modelReady(); }, kTimeoutMs)) return {};
    QSignalSpy finished(app, &AppController::replyFinished);
    app->send(longMessage());
    if (!finished.wait(kTimeoutMs)) return {};
    // The reply's statistics as stored (the message model holds them formatted).
    QJsonObject stats;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase("QSQLITE", "saved-memory-test");
        db.setDatabaseName(context.databasePath());
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec("SELECT stats FROM messages WHERE role = 'assistant' ORDER BY id DESC LIMIT "
                       "1") &&
                q.next())
                stats = QJsonDocument::fromJson(q.value(0).toString().toUtf8()).object();
        }
    }
    QSqlDatabase::removeDatabase("saved-memory-test");
    return stats;
}

}  // namespace

class AppSavedMemoryTest : public QObject {
    Q_OBJECT

private slots:
    void aRestartReadsThePromptFromDisk() {
        FOLIO_REQUIRE_MODEL();
        QTemporaryDir dir;
        const QJsonObject cold = askOnce(dir.path(), 4);
        QVERIFY(!cold.isEmpty());
        QCOMPARE(cold.value("restoredPromptTokens").toInt(), 0);
        const int prompt = cold.value("promptTokens").toInt();
        QVERIFY(prompt > 3000);
        // The app is closed (its engine wrote the blocks before it stopped) and opened again.
        const QJsonObject warm = askOnce(dir.path(), 4);
        QVERIFY(!warm.isEmpty());
        QCOMPARE(warm.value("restoredPromptTokens").toInt(), (prompt - 1) / 16 * 16);
        QVERIFY(folio::formatStats(warm).contains("read from memory"));
        const double coldMs = cold.value("ttftMs").toDouble();
        const double warmMs = warm.value("ttftMs").toDouble();
        qInfo("prompt %d tokens: cold TTFT %.0f ms, after a restart %.0f ms (%.1f%%)", prompt,
              coldMs, warmMs, 100.0 * warmMs / coldMs);
        QVERIFY(warmMs < coldMs);

        // Saving off: nothing is read from disk.
        QTemporaryDir off;
        askOnce(off.path(), 0);
        const QJsonObject again = askOnce(off.path(), 0);
        QCOMPARE(again.value("restoredPromptTokens").toInt(), 0);
    }

    // An attached document is read before the question: the question then reuses it. A question
    // sent while it is being read goes first.
    void anAttachedDocumentIsReadAhead() {
        FOLIO_REQUIRE_MODEL();
        QTemporaryDir dir;
        AppOptions options;
        options.dataDir = dir.path();
        options.headlessSmoke = true;
        AppContext context(options);
        context.settings()->setContextSize(8192);
        AppController* app = context.controller();
        app->setMaxReplyTokens(4);
        app->loadModel(folio::test::modelPath());
        QTRY_VERIFY_WITH_TIMEOUT(app->modelReady(), kTimeoutMs);
        folio::DocumentsController* documents = context.documents();
        folio::ReadAhead* readAhead = context.readAhead();

        const QString path = dir.filePath("log.txt");
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(longMessage().toUtf8());
        file.close();
        QSignalSpy added(documents, &folio::DocumentsController::documentAdded);
        QVERIFY(documents->addFile(path));
        QVERIFY(added.wait(kTimeoutMs));
        const qint64 chat = app->ensureConversation("Log");
        QVERIFY(documents->attachTo(chat, added.first().at(0).toLongLong()));
        QTRY_VERIFY_WITH_TIMEOUT(readAhead->running(), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(!readAhead->running(), kTimeoutMs);
        const int block = documents->attached()->blockTokens();
        QVERIFY(block > 3000);

        QSignalSpy finished(app, &AppController::replyFinished);
        app->send("What did the keeper log in entry 7?");
        QVERIFY(finished.wait(kTimeoutMs));
        const QString stats = app->messages()->get(1).value("stats").toString();
        qInfo("after reading ahead: %s", qPrintable(stats));
        QVERIFY(app->lastRequestMessages().size() >= 2);
        // The reply read only its question: TTFT well under the document's reading time.
        const int ttft = stats.section("TTFT ", 1).section(" ms", 0, 0).toInt();
        QVERIFY2(ttft < 4000, qPrintable(stats));

        // A question while the read runs: the read steps aside, the question is answered.
        app->newConversation();
        const qint64 second = app->ensureConversation("Log again");
        readAhead->forget();  // as after a model load: read again
        QVERIFY(documents->attachTo(second, added.first().at(0).toLongLong()));
        QTRY_VERIFY_WITH_TIMEOUT(readAhead->running(), 20000);
        finished.clear();
        app->send("How many entries are there?");
        QVERIFY(finished.wait(kTimeoutMs));
        QTRY_VERIFY(!readAhead->running());
        QCOMPARE(app->messages()->count(), 2);
    }

    // What the engine saved of a chat's or a document's text goes when it is deleted; blocks
    // that another chat still uses stay until their last source goes.
    void deletingAChatOrADocumentDeletesItsSavedText() {
        FOLIO_REQUIRE_MODEL();
        QTemporaryDir dir;
        AppOptions options;
        options.dataDir = dir.path();
        options.headlessSmoke = true;
        AppContext context(options);
        context.settings()->setContextSize(8192);
        AppController* app = context.controller();
        app->setMaxReplyTokens(2);
        app->loadModel(folio::test::modelPath());
        QTRY_VERIFY_WITH_TIMEOUT(app->modelReady(), kTimeoutMs);
        folio::DocumentsController* documents = context.documents();
        const auto savedBlocks = [&] {
            int n = 0;
            QDirIterator it(dir.filePath("saved-memory"), {"*.kvb"}, QDir::Files,
                            QDirIterator::Subdirectories);
            while (it.hasNext()) n += !it.next().isEmpty();
            return n;
        };

        const QString path = dir.filePath("log.txt");
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(longMessage().toUtf8());
        file.close();
        QSignalSpy added(documents, &folio::DocumentsController::documentAdded);
        QVERIFY(documents->addFile(path));
        QVERIFY(added.wait(kTimeoutMs));
        const qint64 document = added.first().at(0).toLongLong();
        QSignalSpy finished(app, &AppController::replyFinished);
        const qint64 first = app->ensureConversation("First");
        QVERIFY(documents->attachTo(first, document));
        app->send("What did the keeper log in entry 7? " +
                  QString("Tell me in detail. ").repeated(8));
        QVERIFY(finished.wait(kTimeoutMs));
        app->newConversation();
        const qint64 second = app->ensureConversation("Second");
        QVERIFY(documents->attachTo(second, document));
        app->send("How many entries are there?");
        QVERIFY(finished.wait(kTimeoutMs));
        context.readAhead()->cancel();
        QTRY_VERIFY_WITH_TIMEOUT(!context.readAhead()->running(), kTimeoutMs);
        const int documentBlocks = documents->attached()->blockTokens() / 16;
        const int before = savedBlocks();
        QVERIFY2(before >= documentBlocks, qPrintable(QString::number(before)));

        // The first chat goes: its question's blocks, not the document's (the second chat uses it).
        QSignalSpy forgotten(context.worker(), &EngineWorker::savedMemoryForgotten);
        app->deleteConversation(first);
        QVERIFY(forgotten.wait(kTimeoutMs));
        const int afterChat = forgotten.first().at(1).toInt();
        QVERIFY2(afterChat >= 1, "the first question's own blocks");
        QCOMPARE(savedBlocks(), before - afterChat);
        QVERIFY(savedBlocks() >= documentBlocks);

        // The document goes: every block holding its text, in the other chat too.
        forgotten.clear();
        QVERIFY(documents->remove(document));
        QVERIFY(forgotten.wait(kTimeoutMs));
        QVERIFY(forgotten.first().at(1).toInt() >= documentBlocks);
        qInfo("saved blocks: %d; the first chat deleted %d; the document then %d, left %d", before,
              afterChat, forgotten.first().at(1).toInt(), savedBlocks());
        QVERIFY(savedBlocks() <= 2);  // at most the blocks before the document (none here)
    }
};

QTEST_MAIN(AppSavedMemoryTest)
#include "app_saved_memory_test.moc"
