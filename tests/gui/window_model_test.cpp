// A whole chat through the real window and the default model: send from the QML composer,
// stream, Stop, Regenerate, edit the question into a second branch, switch branches; then a
// second AppContext on the same data dir finds the conversation exactly as it was left.
#include <QTemporaryDir>
#include <QtTest>

#include "app/app_controller.h"
#include "app/application.h"
#include "app/settings.h"
#include "gui/window_test_util.h"
#include "support/test_env.h"

namespace {

constexpr int kModelTimeoutMs = 180000;

struct Snapshot {
    qint64 conversationId = 0;
    QList<MessageItem> messages;
};

QString describe(const QList<MessageItem>& messages) {
    QStringList lines;
    for (const MessageItem& m : messages)
        lines << QStringLiteral("%1 %2 [%3/%4] %5")
                     .arg(m.id)
                     .arg(m.role)
                     .arg(m.branchIndex + 1)
                     .arg(m.branchCount)
                     .arg(m.text.left(40));
    return lines.join('\n');
}

}  // namespace

class WindowModelTest : public QObject {
    Q_OBJECT

    // Waits for the reply to start streaming, then stops it (keeps the test short on a CPU).
    static bool streamThenStop(AppController* app) {
        if (!QTest::qWaitFor([app] { return app->generating(); }, 10000)) return false;
        const bool streamed = QTest::qWaitFor(
            [app] {
                const MessageItem last = app->messages()->at(app->messages()->count() - 1);
                return last.role == QLatin1String("assistant") && !last.text.trimmed().isEmpty();
            },
            kModelTimeoutMs);
        app->stop();
        return QTest::qWaitFor([app] { return !app->generating(); }, kModelTimeoutMs) && streamed;
    }

private slots:
    void chatSurvivesRestart() {
        FOLIO_REQUIRE_MODEL();
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        Snapshot before;
        {
            AppOptions options;
            options.dataDir = dir.path();
            options.modelPath = folio::test::modelPath();
            AppContext context(options);
            AppController* app = context.controller();
            folio::test::QmlWindow qml(app, context.settings());
            QVERIFY2(qml.window(), qPrintable(qml.warnings()));
            QTRY_VERIFY_WITH_TIMEOUT(app->modelReady(), kModelTimeoutMs);
            QTRY_VERIFY(qml.find<QQuickItem>("contextMeter")->isVisible());

            app->newConversation();
            qml.find("composerInput")
                ->setProperty("text", QStringLiteral("Write a long poem about the sea."));
            QVariant sent;
            QMetaObject::invokeMethod(qml.find("composer"), "send", Q_RETURN_ARG(QVariant, sent));
            QVERIFY(sent.toBool());
            QVERIFY(app->currentConversationId() != 0);
            QVERIFY(streamThenStop(app));
            QCOMPARE(app->messages()->count(), 2);
            QVERIFY(app->messages()->at(1).interrupted);
            QVERIFY(qml.find<QQuickItem>("continueButton")->isVisible());

            QMetaObject::invokeMethod(qml.find("regenerateButton"), "clicked");
            QVERIFY(streamThenStop(app));
            QCOMPARE(app->messages()->at(1).branchCount, 2);  // two replies to one question

            const qint64 questionId = app->messages()->at(0).id;
            app->editMessage(questionId, QStringLiteral("Say hello in French."));
            QVERIFY(streamThenStop(app));
            MessageItem question = app->messages()->at(0);
            QCOMPARE(question.text, QStringLiteral("Say hello in French."));
            QCOMPARE(question.branchCount, 2);
            QCOMPARE(question.branchIndex, 1);
            QTRY_COMPARE(qml.find("branchLabel")->property("text").toString(),
                         QStringLiteral("2/2"));

            app->switchBranch(question.id, -1);
            QTRY_COMPARE(app->messages()->at(0).text,
                         QStringLiteral("Write a long poem about the sea."));
            QCOMPARE(app->messages()->at(0).branchIndex, 0);
            QVERIFY2(!qml.hasWarnings(), qPrintable(qml.warnings()));

            before.conversationId = app->currentConversationId();
            for (int row = 0; row < app->messages()->count(); ++row)
                before.messages.append(app->messages()->at(row));
        }
        {
            AppOptions options;
            options.dataDir = dir.path();
            options.headlessSmoke = true;  // the store alone: no model needed
            AppContext context(options);
            AppController* app = context.controller();
            QVERIFY(app->conversations()->rowOf(before.conversationId) >= 0);
            app->selectConversation(before.conversationId);
            QList<MessageItem> after;
            for (int row = 0; row < app->messages()->count(); ++row)
                after.append(app->messages()->at(row));
            QCOMPARE(after.size(), before.messages.size());
            for (int i = 0; i < after.size(); ++i) {
                const MessageItem& a = before.messages.at(i);
                const MessageItem& b = after.at(i);
                const bool same = a.id == b.id && a.role == b.role && a.text == b.text &&
                                  a.branchIndex == b.branchIndex &&
                                  a.branchCount == b.branchCount && a.interrupted == b.interrupted;
                QVERIFY2(same, qPrintable(describe(before.messages) + "\n--- after restart ---\n" +
                                          describe(after)));
            }
        }
    }
};

QTEST_MAIN(WindowModelTest)
#include "window_model_test.moc"
