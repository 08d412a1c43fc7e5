// The document bar above the composer (ui/qml/DocumentBar.qml) with a real DocumentsController: a
// chip per attached document with its pages and tokens, the read-whole / retrieval line, the
// one-click analyses (Compare only with two documents) putting their question into the composer,
// Summary of a document too long to read whole running the map-reduce summary whose result joins
// the chat, and the chip's remove button detaching the document.
#include <QQmlComponent>
#include <QQmlContext>
#include <QQmlEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

#include "app/database.h"
#include "app/documents/documents_controller.h"
#include "app/documents/map_reduce.h"
#include "support/qml_find.h"
#include "support/test_env.h"
#include "ui/qml_setup.h"
#include "unit/doc_fixtures.h"

namespace {

const char* const kWrapper = R"(
import QtQuick
Window {
    width: 900; height: 400; visible: true
    property string chosenKey: ""
    property string chosenText: ""
    DocumentBar {
        objectName: "bar"
        width: parent.width
        onPresetChosen: (key, text) => { chosenKey = key; chosenText = text }
    }
}
)";

// The part of AppController the bar uses.
class FakeApp : public QObject {
    Q_OBJECT
    Q_PROPERTY(qint64 currentConversationId MEMBER conversationId NOTIFY changed)
    Q_PROPERTY(bool modelReady MEMBER modelReady NOTIFY changed)
    Q_PROPERTY(bool generating MEMBER generating NOTIFY changed)

public:
    qint64 conversationId = 0;
    bool modelReady = true;
    bool generating = false;
    struct Exchange {
        qint64 conversationId;
        QString question;
        QString answer;
    };
    QVector<Exchange> exchanges;
    Q_INVOKABLE bool addExchange(qint64 id, const QString& question, const QString& answer) {
        exchanges.push_back({id, question, answer});
        return true;
    }
    Q_INVOKABLE qint64 ensureConversation(const QString&) { return conversationId; }
signals:
    void changed();
};

// Answers every map and combine call at once with a fixed text.
class InstantGenerator : public folio::SummaryGenerator {
public:
    void generate(const QString&, const QString&, int,
                  std::function<void(folio::Expected<QString>)> done) override {
        done(QStringLiteral("The agreement covers supply, payment and termination [p.1]."));
    }
    void cancel() override {}
    int countTokens(const QString& text) const override {
        return folio::test::wordTokenCount(text);
    }
    QString modelKey() const override { return QStringLiteral("instant"); }
};

using folio::test::findNamed;

bool shown(QObject* item) {
    return item && item->property("visible").toBool();
}

}  // namespace

class DocBarTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        folio::ui::setUpQuickStyle();
        QVERIFY(m_db.open(m_dir.filePath("folio.sqlite3")).ok());
        m_store = std::make_unique<folio::DocumentStore>([this] { return m_db.connection(); });
        m_controller = std::make_unique<folio::DocumentsController>(m_store.get());
        m_controller->setSummaryGenerator(std::make_unique<InstantGenerator>());
        QSqlQuery q(m_db.connection());
        QVERIFY(
            q.exec("INSERT INTO conversations (title, created_at, updated_at) VALUES ('c', 1, 1)"));
        m_app.conversationId = q.lastInsertId().toLongLong();
        folio::AttachedDocuments* attached = m_controller->attached();
        attached->setCounter(folio::test::wordTokenCount);
        attached->setBudget(100000, 3000);
        attached->setConversation(m_app.conversationId);

        m_engine = std::make_unique<QQmlEngine>();
        connect(m_engine.get(), &QQmlEngine::warnings, this, [this](const QList<QQmlError>& w) {
            for (const auto& e : w) m_warnings << e.toString();
        });
        m_engine->rootContext()->setContextProperty("documents", m_controller.get());
        m_engine->rootContext()->setContextProperty("app", &m_app);
        QQmlComponent component(m_engine.get());
        const QString qmlDir = folio::test::sourceDir() + "/ui/qml/";
        component.setData(kWrapper, QUrl::fromLocalFile(qmlDir + "DocBarWrapper.qml"));
        m_window.reset(qobject_cast<QQuickWindow*>(component.create()));
        QVERIFY2(m_window, qPrintable(component.errorString()));
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    }
    void cleanupTestCase() {
        m_window.reset();
        m_engine.reset();
        m_controller.reset();
        m_store.reset();
        QVERIFY2(m_warnings.isEmpty(), qPrintable(m_warnings.join('\n')));
    }

    void chipsAndPresetsFollowTheAttachments() {
        const qint64 supply =
            m_store->add(folio::test::ingestedContract(QString(64, 'a'), "Supply Agreement", 4))
                ->id;
        QVERIFY(m_controller->attachTo(m_app.conversationId, supply));
        QTRY_COMPARE(folio::test::findAllNamed(m_window.get(), "documentChip").size(), 1);
        QObject* chip = findNamed(m_window.get(), "documentChip");
        QTRY_VERIFY(chip->property("text").toString().contains("tokens"));
        // (No translator here: "%n page(s)" reads "4 page(s)".)
        QVERIFY(chip->property("text").toString().startsWith("Supply Agreement · 4 page"));
        QObject* mode = findNamed(m_window.get(), "documentModeText");
        QTRY_VERIFY(mode->property("text").toString().contains("whole"));

        // Four analyses for one document; Compare waits for a second one.
        for (const char* key :
             {"preset_summary", "preset_key_terms", "preset_risks", "preset_conflicts"})
            QVERIFY2(shown(findNamed(m_window.get(), key)), key);
        QVERIFY(!shown(findNamed(m_window.get(), "preset_compare")));
        QMetaObject::invokeMethod(findNamed(m_window.get(), "preset_conflicts"), "clicked");
        QCOMPARE(m_window->property("chosenKey").toString(), QString("conflicts"));
        QVERIFY(m_window->property("chosenText").toString().contains("Supply Agreement"));

        const qint64 lease =
            m_store->add(folio::test::ingestedContract(QString(64, 'b'), "Lease Agreement", 3))->id;
        QVERIFY(m_controller->attachTo(m_app.conversationId, lease));
        QTRY_VERIFY(shown(findNamed(m_window.get(), "preset_compare")));
        QMetaObject::invokeMethod(findNamed(m_window.get(), "preset_compare"), "clicked");
        const QString compare = m_window->property("chosenText").toString();
        QVERIFY2(compare.contains("Supply Agreement") && compare.contains("Lease Agreement"),
                 qPrintable(compare));

        // Remove from the chat: the chip goes, the document stays stored.
        QTRY_COMPARE(folio::test::findAllNamed(m_window.get(), "documentChip").size(), 2);
        QObject* remove = findNamed(m_window.get(), "documentChipRemove");
        QVERIFY(remove);
        QMetaObject::invokeMethod(remove, "clicked");
        QTRY_COMPARE(m_controller->attached()->count(), 1);
        QVERIFY(m_store->document(supply).ok());
    }

    // A document too long to read whole: Summary runs the map-reduce summary, not a chat
    // question, and the summary joins the chat it was asked in.
    void summaryOfALongDocumentJoinsTheChat() {
        folio::AttachedDocuments* attached = m_controller->attached();
        QTRY_VERIFY(!attached->counting());
        attached->setBudget(10, 3000);
        QTRY_VERIFY(findNamed(m_window.get(), "documentModeText")
                        ->property("text")
                        .toString()
                        .contains("most relevant"));
        m_window->setProperty("chosenKey", QString());
        QSignalSpy finished(m_controller.get(), &folio::DocumentsController::summaryFinished);
        QMetaObject::invokeMethod(findNamed(m_window.get(), "preset_summary"), "clicked");
        QTRY_COMPARE(finished.size(), 1);
        QCOMPARE(m_window->property("chosenKey").toString(), QString());  // not put in the composer
        QCOMPARE(m_app.exchanges.size(), 1);
        QCOMPARE(m_app.exchanges[0].conversationId, m_app.conversationId);
        QVERIFY(!m_app.exchanges[0].question.isEmpty());
        QVERIFY(m_app.exchanges[0].answer.contains("supply, payment and termination"));
        attached->setBudget(100000, 3000);
    }

private:
    QTemporaryDir m_dir;
    folio::Database m_db;
    std::unique_ptr<folio::DocumentStore> m_store;
    std::unique_ptr<folio::DocumentsController> m_controller;
    FakeApp m_app;
    std::unique_ptr<QQmlEngine> m_engine;
    std::unique_ptr<QQuickWindow> m_window;
    QStringList m_warnings;
};

QTEST_MAIN(DocBarTest)
#include "doc_bar_test.moc"
