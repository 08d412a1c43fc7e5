// The real window on the real app objects (AppContext with a fresh data dir, no model), and the
// folio executable's --version and --smoke-test modes.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "app/app_controller.h"
#include "app/application.h"
#include "app/settings.h"
#include "gui/window_test_util.h"
#include "support/test_env.h"

namespace {

QString folioBinary() {
    return QDir(folio::test::binaryDir()).filePath(QStringLiteral("bin/folio"));
}

}  // namespace

class WindowSmokeTest : public QObject {
    Q_OBJECT

private slots:
    void windowShowsWithoutModel() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        AppOptions options;
        options.dataDir = dir.path();
        AppContext context(options);
        QVERIFY(QFileInfo::exists(context.databasePath()));
        QVERIFY(!context.controller()->modelReady());
        {
            folio::test::QmlWindow qml(context.controller(), context.settings());
            QVERIFY2(qml.window(), qPrintable(qml.warnings()));
            QVERIFY(QTest::qWaitForWindowExposed(qml.window()));
            for (const char* name : {"sidebar", "chatArea", "composer", "statusBar"}) {
                auto* item = qml.find<QQuickItem>(name);
                QVERIFY2(item->isVisible() && item->width() > 0 && item->height() > 0, name);
            }
            QVERIFY(qml.find<QQuickItem>("welcomePane")->isVisible());
            // Without a model the composer refuses to send and says why.
            qml.find("composerInput")->setProperty("text", QStringLiteral("hello"));
            QVERIFY(!qml.find("sendButton")->property("enabled").toBool());
            QVERIFY(!qml.find<QQuickItem>("prefillBar")->isVisible());
            QCOMPARE(context.controller()->messages()->count(), 0);
            // The window follows Settings.
            context.settings()->setTheme(QStringLiteral("dark"));
            QTRY_VERIFY(qml.window()->property("dark").toBool());
            QVERIFY2(!qml.hasWarnings(), qPrintable(qml.warnings()));
        }
    }

    void versionPrintsBackends() {
        QProcess folio;
        folio.start(folioBinary(), {QStringLiteral("--version")});
        QVERIFY2(folio.waitForFinished(30000), qPrintable(folioBinary()));
        QCOMPARE(folio.exitStatus(), QProcess::NormalExit);
        QCOMPARE(folio.exitCode(), 0);
        const QString out = QString::fromUtf8(folio.readAllStandardOutput());
        QVERIFY2(out.startsWith(QStringLiteral("folio ")), qPrintable(out));
        QVERIFY2(out.contains(QStringLiteral("backends: cpu")), qPrintable(out));
    }

    void smokeTestCreatesDatabaseAndExits() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QProcess folio;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("QT_QPA_PLATFORM"));  // --smoke-test must choose offscreen itself
        env.insert(QStringLiteral("DISPLAY"), QString());
        folio.setProcessEnvironment(env);
        folio.start(folioBinary(),
                    {QStringLiteral("--smoke-test"), QStringLiteral("--data-dir"), dir.path()});
        QVERIFY(folio.waitForFinished(90000));
        const QString err = QString::fromUtf8(folio.readAllStandardError());
        QCOMPARE(folio.exitStatus(), QProcess::NormalExit);
        QVERIFY2(folio.exitCode() == 0, qPrintable(err));
        QVERIFY(QFileInfo::exists(QDir(dir.path()).filePath(QStringLiteral("folio.sqlite3"))));
    }
};

QTEST_MAIN(WindowSmokeTest)
#include "window_smoke_test.moc"
