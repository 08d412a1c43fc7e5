// folio: the desktop app. Thin on purpose: everything testable lives in folio_core / folio_ui;
// this file parses the command line, installs the translation and shows the QML window.
//
//   folio [--data-dir DIR] [--model FILE] [FILE...] run the app (FILE: a .gguf model to load,
//                                                  or a PDF/.txt/.md document to open)
//   folio --version                                 print the version and backends, touch no
//   display folio --smoke-test [--data-dir DIR]             offscreen: create the database, load
//   the QML,
//                                                   exit 0 once the window has been shown
//   folio --screenshot PNG [--theme T] [--language L] [--demo]   render one frame to PNG and exit
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QGuiApplication>
#include <QLocale>
#include <QQmlApplicationEngine>
#include <QQmlContext>
#include <QQuickWindow>
#include <QTimer>
#include <QTranslator>
#include <cstdio>
#include <cstring>
#include <memory>

#include "app/app_controller.h"
#include "app/application.h"
#include "app/documents/documents_controller.h"
#include "app/settings.h"
#include "engine/backend/backend.h"
#include "ui/build_info.h"
#include "ui/demo_content.h"
#include "ui/qml_setup.h"

namespace {

bool hasArgument(int argc, char** argv, const char* name) {
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], name) == 0) return true;
    }
    return false;
}

// --version must work without a display, so it is answered before QGuiApplication exists.
// The backends are those found at run time (engine/backend: the CUDA plugin is probed).
int printVersion() {
    QStringList found;
    for (const std::string& b : folio::describeBackends()) found << QString::fromStdString(b);
    const QString text = QStringLiteral("folio %1\nbackends: %2\n")
                             .arg(folio::ui::version(), found.join(QStringLiteral("; ")));
    std::fputs(text.toUtf8().constData(), stdout);
    return 0;
}

// The language to show: the setting, else the system locale; only shipped translations count.
QString pickLanguage(const QString& setting) {
    const QString wanted = setting.isEmpty() ? QLocale::system().name() : setting;
    return wanted.startsWith(QLatin1String("zh")) ? QStringLiteral("zh_CN") : QStringLiteral("en");
}

// Keeps the installed translation in step with settings.language (retranslates the live QML).
class TranslationSwitcher {
public:
    TranslationSwitcher(Settings* settings, QQmlEngine* engine) : m_engine(engine) {
        apply(settings->language());
        QObject::connect(settings, &Settings::languageChanged, engine,
                         [this, settings] { apply(settings->language()); });
    }
    void apply(const QString& setting) {
        QCoreApplication::removeTranslator(&m_translator);
        const QString language = pickLanguage(setting);
        if (m_translator.load(folio::ui::translationPath(language)))
            QCoreApplication::installTranslator(&m_translator);
        QLocale::setDefault(QLocale(language));
        // Qt.uiLanguage: what QML passes on for the analyses' titles and questions (presets.h),
        // the chosen language and not the system's.
        m_engine->setUiLanguage(language);
        m_engine->retranslate();
    }

private:
    QQmlEngine* m_engine;
    QTranslator m_translator;
};

struct Options {
    AppOptions app;
    bool smokeTest = false;
    bool demo = false;
    QString screenshot;
    QString theme;
    QString language;
    QStringList documents;  // opened with Folio ("Open with", command line)
};

Options parseOptions(const QGuiApplication& application) {
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Private, local chat and long-document analysis"));
    parser.addHelpOption();
    parser.addOption(
        {QStringLiteral("version"), QStringLiteral("Print the version and backends.")});
    parser.addOption({QStringLiteral("data-dir"), QStringLiteral("Keep chats and settings in DIR."),
                      QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("model"), QStringLiteral("Load the GGUF model FILE."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("smoke-test"),
                      QStringLiteral("Start offscreen, show the window once and exit.")});
    parser.addOption({QStringLiteral("screenshot"),
                      QStringLiteral("Render the window to the PNG file PATH and exit."),
                      QStringLiteral("PATH")});
    parser.addOption({QStringLiteral("theme"), QStringLiteral("Use theme light, dark or system."),
                      QStringLiteral("THEME")});
    parser.addOption({QStringLiteral("language"), QStringLiteral("Use language en or zh_CN."),
                      QStringLiteral("LANG")});
    parser.addOption(
        {QStringLiteral("demo"),
         QStringLiteral("Show sample conversations (for screenshots; nothing is saved).")});
    parser.addPositionalArgument(QStringLiteral("file"),
                                 QStringLiteral("A .gguf model to load, or documents to open."));
    parser.process(application);

    Options options;
    options.smokeTest = parser.isSet(QStringLiteral("smoke-test"));
    options.demo = parser.isSet(QStringLiteral("demo"));
    options.screenshot = parser.value(QStringLiteral("screenshot"));
    options.theme = parser.value(QStringLiteral("theme"));
    options.language = parser.value(QStringLiteral("language"));
    options.app.dataDir = parser.value(QStringLiteral("data-dir"));
    options.app.modelPath = parser.value(QStringLiteral("model"));
    options.app.headlessSmoke = options.smokeTest || !options.screenshot.isEmpty();
    for (const QString& file : parser.positionalArguments()) {
        if (file.endsWith(QLatin1String(".gguf"), Qt::CaseInsensitive))
            options.app.modelPath = QFileInfo(file).absoluteFilePath();
        else
            options.documents.append(QFileInfo(file).absoluteFilePath());
    }
    return options;
}

// --smoke-test and --screenshot: finish after the first frames have been rendered.
void quitAfterFirstFrame(QQuickWindow* window, const QString& screenshot) {
    auto done = std::make_shared<bool>(false);
    QObject::connect(window, &QQuickWindow::frameSwapped, window, [window, screenshot, done] {
        if (*done) return;
        *done = true;
        // A short pause lets layouts, fonts and lazily created delegates settle.
        QTimer::singleShot(screenshot.isEmpty() ? 0 : 800, window, [window, screenshot] {
            int code = 0;
            if (!screenshot.isEmpty() && !window->grabWindow().save(screenshot)) {
                std::fprintf(stderr, "folio: cannot write %s\n", qPrintable(screenshot));
                code = 1;
            }
            QCoreApplication::exit(code);
        });
    });
    window->update();
    // Never hang a script: give up after 60 s.
    QTimer::singleShot(60000, window, [] {
        std::fputs("folio: the window was never shown\n", stderr);
        QCoreApplication::exit(2);
    });
}

}  // namespace

int main(int argc, char** argv) {
    if (hasArgument(argc, argv, "--version")) return printVersion();
    const bool headless =
        hasArgument(argc, argv, "--smoke-test") || hasArgument(argc, argv, "--screenshot");
    if (headless && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");

    QGuiApplication application(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("folio"));
    QCoreApplication::setApplicationVersion(folio::ui::version());
    QGuiApplication::setApplicationDisplayName(QStringLiteral("Folio"));
    const Options options = parseOptions(application);

    folio::ui::setUpQuickStyle();
    AppContext context(options.app);  // declared before the QML engine: outlives it
    Settings* settings = context.settings();
    if (!options.theme.isEmpty()) settings->setTheme(options.theme);
    if (!options.language.isEmpty()) settings->setLanguage(options.language);
    if (options.demo)
        folio::ui::fillDemoContent(context.controller()->conversations(),
                                   context.controller()->messages(),
                                   pickLanguage(settings->language()));

    QQmlApplicationEngine engine;
    TranslationSwitcher translations(settings, &engine);
    context.registerWithQml(engine);
    engine.load(folio::ui::mainQmlUrl());
    if (engine.rootObjects().isEmpty()) {
        std::fputs("folio: the window could not be loaded\n", stderr);
        return 1;
    }
    auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().constFirst());
    if (!window) return 1;
    // Documents given on the command line open in a new chat (Main.qml attaches each one as it
    // is added to the current conversation).
    if (!options.documents.isEmpty()) {
        context.controller()->newConversation();
        for (const QString& path : options.documents) context.documents()->addFile(path);
    }
    if (options.smokeTest || !options.screenshot.isEmpty())
        quitAfterFirstFrame(window, options.screenshot);
    return QGuiApplication::exec();
}
