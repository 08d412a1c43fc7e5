// AppController's export and import (what the sidebar's conversation menu calls): Markdown and
// JSON files of a stored conversation, JSON imported back as a new, selected conversation with
// every branch, and each failure reported through errorOccurred. No model needed.
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QUrl>
#include <QtTest>

#include "app/app_controller.h"
#include "app/application.h"
#include "app/conversation_store.h"
#include "app/database.h"

class AppExportImportTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<AppContext> m_context;
    qint64 m_id = 0;

    QString path(const QString& name) const { return m_dir.filePath(name); }
    static QByteArray read(const QString& file) {
        QFile f(file);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        AppOptions options;
        options.dataDir = m_dir.filePath("data");
        options.headlessSmoke = true;
        m_context = std::make_unique<AppContext>(options);
        // A conversation with two replies to one question, written through a second connection.
        folio::Database db;
        QVERIFY(db.open(m_context->databasePath()).ok());
        folio::ConversationStore store(db);
        auto id = store.createConversation(QStringLiteral("RAII 简介"));
        QVERIFY(id.ok());
        m_id = *id;
        auto q = store.addMessage(m_id, 0, "user", QStringLiteral("What is RAII?"));
        QVERIFY(q.ok());
        QVERIFY(store.addMessage(m_id, *q, "assistant", QStringLiteral("First answer.")).ok());
        QVERIFY(store
                    .addMessage(m_id, *q, "assistant",
                                QStringLiteral("```cpp\nstd::lock_guard g(m);\n```"))
                    .ok());
    }

    void exportsMarkdownOfTheActivePath() {
        AppController* app = m_context->controller();
        QSignalSpy errors(app, &AppController::errorOccurred);
        QVERIFY(app->exportConversation(m_id, path("chat.md"), "markdown"));
        QCOMPARE(errors.count(), 0);
        const QString md = QString::fromUtf8(read(path("chat.md")));
        QVERIFY2(md.contains(QStringLiteral("RAII 简介")), qPrintable(md));
        QVERIFY(md.contains("What is RAII?"));
        QVERIFY(md.contains("std::lock_guard g(m);"));
        QVERIFY(!md.contains("First answer."));  // the inactive branch is not in Markdown
        // A file: URL (what FileDialog gives) works too, and replaces the file.
        QVERIFY(app->exportConversation(m_id, QUrl::fromLocalFile(path("chat.md")).toString(),
                                        "markdown"));
        QCOMPARE(QString::fromUtf8(read(path("chat.md"))), md);
    }

    void jsonRoundTripsThroughImport() {
        AppController* app = m_context->controller();
        QVERIFY(app->exportConversation(m_id, path("chat.json"), "json"));
        const QByteArray json = read(path("chat.json"));
        QVERIFY(json.contains("First answer."));  // JSON keeps every branch
        const qint64 imported = app->importConversation(path("chat.json"));
        QVERIFY(imported > 0);
        QVERIFY(imported != m_id);
        QVERIFY(app->conversations()->rowOf(imported) >= 0);
        QCOMPARE(app->currentConversationId(), imported);
        QCOMPARE(app->currentTitle(), QStringLiteral("RAII 简介"));
        MessageListModel* messages = app->messages();
        QCOMPARE(messages->count(), 2);
        QCOMPARE(messages->at(0).text, QStringLiteral("What is RAII?"));
        QCOMPARE(messages->at(1).text, QStringLiteral("```cpp\nstd::lock_guard g(m);\n```"));
        QCOMPARE(messages->at(1).branchCount, 2);
        QCOMPARE(messages->at(1).branchIndex, 1);
        // Exporting the import gives the same messages again.
        QVERIFY(app->exportConversation(imported, path("again.md"), "markdown"));
        QCOMPARE(read(path("again.md")), read(path("chat.md")));
    }

    void failuresAreReported_data() {
        QTest::addColumn<QString>("call");
        QTest::addColumn<QString>("expected");
        QTest::newRow("format") << "export:pdf"
                                << "Unknown export format";
        QTest::newRow("folder") << "export:missing/dir/x.md"
                                << "Could not export";
        QTest::newRow("conversation") << "export-id:999999:x.md"
                                      << "Could not export";
        QTest::newRow("no file") << "import:nothing.json"
                                 << "Could not import";
        QTest::newRow("not json") << "import-text:hello"
                                  << "Could not import";
        QTest::newRow("bad role") << "import-role:wizard"
                                  << "role";
    }

    void failuresAreReported() {
        QFETCH(QString, call);
        QFETCH(QString, expected);
        AppController* app = m_context->controller();
        QSignalSpy errors(app, &AppController::errorOccurred);
        const int before = app->conversations()->count();
        const QString arg = call.section(':', 1);
        if (call.startsWith("export:")) {
            QVERIFY(
                !app->exportConversation(m_id, path(arg), arg.endsWith(".md") ? "markdown" : arg));
        } else if (call.startsWith("export-id:")) {
            QVERIFY(!app->exportConversation(arg.section(':', 0, 0).toLongLong(),
                                             path(arg.section(':', 1)), "json"));
        } else if (call.startsWith("import:")) {
            QCOMPARE(app->importConversation(path(arg)), 0);
        } else {
            // import-text: the file's text; import-role: the earlier export with a bad role.
            QByteArray bytes = arg.toUtf8();
            if (call.startsWith("import-role:"))
                bytes = read(path("chat.json")).replace("\"user\"", "\"" + bytes + "\"");
            QFile f(path("bad.json"));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(bytes);
            f.close();
            QCOMPARE(app->importConversation(path("bad.json")), 0);
        }
        QCOMPARE(errors.count(), 1);
        const QString message = errors.at(0).at(0).toString();
        QVERIFY2(message.contains(expected), qPrintable(message));
        QCOMPARE(app->conversations()->count(), before);
    }

    void cleanupTestCase() { m_context.reset(); }
};

QTEST_GUILESS_MAIN(AppExportImportTest)
#include "app_export_import_test.moc"
