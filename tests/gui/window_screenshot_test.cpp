// Screenshots of the real window with the default model and real conversations (no --demo
// content): a Chinese question about RAII and an English one that gets a code block, each
// answered by the model, shown in light and dark, English and Chinese.
//
// Writes main-<theme>-<language>.png into $FOLIO_SCREENSHOT_DIR (docs/screenshots/ for the
// README; see scripts or run: FOLIO_SCREENSHOT_DIR=$PWD/docs/screenshots ctest -R
// window_screenshot_test), else into a temporary folder; checks each image is the window's size
// and not blank.
#include <QDir>
#include <QGuiApplication>
#include <QImage>
#include <QQmlApplicationEngine>
#include <QQuickWindow>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTranslator>
#include <QtTest>

#include "app/app_controller.h"
#include "app/application.h"
#include "app/settings.h"
#include "support/test_env.h"
#include "ui/qml_setup.h"

namespace {

const int kTimeoutMs = 600000;

struct Shot {
    const char* theme;
    const char* language;
    int conversation;  // index into the conversations asked below
};

const Shot kShots[] = {
    {"light", "en", 1},
    {"light", "zh_CN", 0},
    {"dark", "en", 1},
    {"dark", "zh_CN", 0},
};

const char* const kQuestions[] = {
    "用三句话介绍一下 RAII",
    "Write a short C++ function that reverses a std::string, then explain it in one sentence.",
};

int distinctColours(const QImage& image) {
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 7)
        for (int x = 0; x < image.width(); x += 7) colours.insert(image.pixel(x, y));
    return int(colours.size());
}

}  // namespace

class WindowScreenshotTest : public QObject {
    Q_OBJECT

private slots:
    void realConversationScreenshots() {
        FOLIO_REQUIRE_MODEL();
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QString outDir = qEnvironmentVariable("FOLIO_SCREENSHOT_DIR");
        if (outDir.isEmpty()) outDir = dir.filePath("shots");
        QVERIFY(QDir().mkpath(outDir));

        AppOptions options;
        options.dataDir = dir.filePath("data");
        options.headlessSmoke = true;
        AppContext context(options);
        Settings* settings = context.settings();
        settings->setSamplingPreset("precise");
        AppController* app = context.controller();
        app->setMaxReplyTokens(220);
        folio::ui::setUpQuickStyle();
        QQmlApplicationEngine engine;
        context.registerWithQml(engine);
        engine.load(folio::ui::mainQmlUrl());
        QVERIFY(!engine.rootObjects().isEmpty());
        auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().constFirst());
        QVERIFY(window && QTest::qWaitForWindowExposed(window));
        window->resize(1100, 740);

        app->loadModel(folio::test::modelPath());
        QTRY_VERIFY_WITH_TIMEOUT(app->modelReady() || app->statusText().contains("Could not"),
                                 kTimeoutMs);
        QVERIFY2(app->modelReady(), qPrintable(app->statusText()));

        QList<qint64> conversations;
        QSignalSpy finished(app, &AppController::replyFinished);
        for (const char* question : kQuestions) {
            app->newConversation();
            app->send(QString::fromUtf8(question));
            QVERIFY(app->generating());
            QVERIFY(finished.wait(kTimeoutMs));
            conversations.append(app->currentConversationId());
            qInfo("%s\n-> %s", question, qPrintable(app->messages()->at(1).text));
        }

        QTranslator translator;
        for (const Shot& shot : kShots) {
            QCoreApplication::removeTranslator(&translator);
            const QString language = QString::fromLatin1(shot.language);
            if (translator.load(folio::ui::translationPath(language)))
                QCoreApplication::installTranslator(&translator);
            QLocale::setDefault(QLocale(language));
            settings->setLanguage(language);
            settings->setTheme(QString::fromLatin1(shot.theme));
            engine.retranslate();
            app->selectConversation(conversations.at(shot.conversation));
            QTest::qWait(800);  // layouts, fonts and delegates settle
            const QImage image = window->grabWindow();
            QCOMPARE(image.size(), window->size() * window->devicePixelRatio());
            QVERIFY2(distinctColours(image) > 20, "the screenshot looks blank");
            const QString file =
                QDir(outDir).filePath(QStringLiteral("main-%1-%2.png").arg(shot.theme, language));
            QVERIFY2(image.save(file), qPrintable(file));
            qInfo("wrote %s", qPrintable(file));
        }
        QCoreApplication::removeTranslator(&translator);
    }
};

// QTEST_MAIN with a longer watchdog: QtTest's default 300 s per function is too short for a
// long prompt on a CPU.
int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QTEST_FUNCTION_TIMEOUT"))
        qputenv("QTEST_FUNCTION_TIMEOUT", "1750000");
    QGuiApplication application(argc, argv);
    WindowScreenshotTest test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}
#include "window_screenshot_test.moc"
