// The real window on the real app objects (AppContext with a fresh data dir, no model), and the
// folio executable's --version and --smoke-test modes.
#include <QProcess>
#include <QScreen>
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

    // A first start fits the screen (90% of it, up to 1440 x 960); a closed window's size is
    // remembered for the next start.
    void windowFitsTheScreenAndRemembersItsSize() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        AppOptions options;
        options.dataDir = dir.path();
        AppContext context(options);
        {
            folio::test::QmlWindow qml(context.controller(), context.settings(), nullptr, true);
            QVERIFY2(qml.window(), qPrintable(qml.warnings()));
            QVERIFY(QTest::qWaitForWindowExposed(qml.window()));
            const QRect screen = qml.window()->screen()->availableVirtualGeometry();
            QCOMPARE(qml.window()->width(), qRound(std::min(screen.width() * 0.9, 1440.0)));
            QCOMPARE(qml.window()->height(), qRound(std::min(screen.height() * 0.9, 960.0)));
            qml.window()->resize(700, 500);
            QTRY_COMPARE(qml.window()->width(), 700);
            qml.window()->close();
            QCOMPARE(context.settings()->windowWidth(), 700);
            QCOMPARE(context.settings()->windowHeight(), 500);
        }
        folio::test::QmlWindow again(context.controller(), context.settings(), nullptr, true);
        QVERIFY(again.window());
        QCOMPARE(again.window()->width(), 700);
        QCOMPARE(again.window()->height(), 500);
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
