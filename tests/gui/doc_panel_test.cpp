// The documents panel (ui/qml/DocumentsPanel.qml) with a real DocumentsController: it loads
// without QML warnings, adding files fills the list, a broken file shows its message and the next
// file still works, an encrypted PDF asks for its password (a wrong one says so), and remove works.
#include <QQmlComponent>
#include <QQmlContext>
#include <QQmlEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "app/database.h"
#include "app/documents/citations.h"
#include "app/documents/documents_controller.h"
#include "app/documents/page_renderer.h"
#include "support/qml_find.h"
#include "support/test_env.h"
#include "ui/qml_setup.h"
#include "unit/doc_fixtures.h"

namespace {

const char* const kWrapper = R"(
import QtQuick
Window {
    width: 420; height: 640; visible: true
    DocumentsPanel { objectName: "panel"; anchors.fill: parent; controller: documents }
}
)";

const char* const kViewerWrapper = R"(
import QtQuick
Window {
    width: 500; height: 700; visible: true
    DocumentViewer { objectName: "viewer"; anchors.fill: parent; pageCount: 6 }
}
)";

using folio::test::findNamed;

}  // namespace

class DocPanelTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        folio::ui::setUpQuickStyle();
        QVERIFY(m_db.open(m_dir.filePath("folio.sqlite3")).ok());
        m_store = std::make_unique<folio::DocumentStore>([this] { return m_db.connection(); });
        folio::IngestOptions options;
        options.ocr = false;
        m_controller = std::make_unique<folio::DocumentsController>(m_store.get(), options);

        m_engine = std::make_unique<QQmlEngine>();
        connect(m_engine.get(), &QQmlEngine::warnings, this, [this](const QList<QQmlError>& w) {
            for (const auto& e : w) m_warnings << e.toString();
        });
        m_engine->rootContext()->setContextProperty("documents", m_controller.get());
        QQmlComponent component(m_engine.get());
        const QString qmlDir = folio::test::sourceDir() + "/ui/qml/";
        component.setData(kWrapper, QUrl::fromLocalFile(qmlDir + "DocPanelWrapper.qml"));
        m_window.reset(qobject_cast<QQuickWindow*>(component.create()));
        QVERIFY2(m_window, qPrintable(component.errorString()));
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QVERIFY2(m_warnings.isEmpty(), qPrintable(m_warnings.join('\n')));
    }
    void cleanupTestCase() {
        m_window.reset();
        m_engine.reset();
        m_controller.reset();
        m_store.reset();
    }

    void addingFilesFillsTheList() {
        auto* list = findNamed(m_window.get(), "documentList");
        QVERIFY(list);
        QCOMPARE(list->property("count").toInt(), 0);
        const QString pdf = m_dir.filePath("contract.pdf");
        QVERIFY(folio::test::writeContractPdf(pdf, 6));
        const QString fake = m_dir.filePath("fake.pdf");
        QVERIFY(folio::test::writeFile(fake, "not a pdf"));
        const QString notes = m_dir.filePath("notes.md");
        QVERIFY(folio::test::writeFile(notes, "# Notes\nsome text\n"));

        QSignalSpy added(m_controller.get(), &folio::DocumentsController::documentAdded);
        QSignalSpy failed(m_controller.get(), &folio::DocumentsController::failed);
        QVERIFY(m_controller->addFile(QUrl::fromLocalFile(pdf).toString()));
        QVERIFY(m_controller->addFile(fake));
        QVERIFY(m_controller->addFile(notes));
        QVERIFY(m_controller->busy());
        QTRY_COMPARE_WITH_TIMEOUT(added.size() + failed.size(), 3, 60000);
        QCOMPARE(added.size(), 2);
        QCOMPARE(failed.size(), 1);
        QCOMPARE(failed.first().at(0).toString(), QString("fake.pdf"));
        QVERIFY(failed.first().at(1).toString().contains("not a readable PDF"));
        QTRY_COMPARE(list->property("count").toInt(), 2);
        QVERIFY(!m_controller->busy());

        QVERIFY(m_controller->addFile(pdf));  // the same file again: stored once
        QTRY_COMPARE_WITH_TIMEOUT(added.size(), 3, 60000);
        QVERIFY(added.last().at(1).toBool());
        QCOMPARE(list->property("count").toInt(), 2);
        QVERIFY(findNamed(m_window.get(), "documentsStatus")
                    ->property("text")
                    .toString()
                    .contains("already"));
    }

    void encryptedPdfAsksForThePassword() {
        if (!folio::test::haveQpdf()) QSKIP("qpdf is not installed (scripts/debian-packages.txt)");
        const QString plain = m_dir.filePath("secret-src.pdf");
        const QString locked = m_dir.filePath("secret.pdf");
        QVERIFY(folio::test::writeContractPdf(plain, 3));
        QVERIFY(folio::test::encryptPdf(plain, locked, "pw"));
        QSignalSpy asked(m_controller.get(), &folio::DocumentsController::passwordRequired);
        QSignalSpy added(m_controller.get(), &folio::DocumentsController::documentAdded);
        QVERIFY(m_controller->addFile(locked));
        QTRY_COMPARE_WITH_TIMEOUT(asked.size(), 1, 30000);
        QCOMPARE(asked.last().at(1).toBool(), false);
        QTRY_VERIFY(findNamed(m_window.get(), "passwordDialog")->property("visible").toBool());
        m_controller->submitPassword("nope");
        QTRY_COMPARE_WITH_TIMEOUT(asked.size(), 2, 30000);
        QCOMPARE(asked.last().at(1).toBool(), true);
        m_controller->submitPassword("pw");
        QTRY_COMPARE_WITH_TIMEOUT(added.size(), 1, 30000);
        auto* list = findNamed(m_window.get(), "documentList");
        QTRY_COMPARE(list->property("count").toInt(), 3);
    }

    void viewerShowsACitedPage() {
        // Paths captured here: the provider runs on Qt Quick's loader threads.
        QHash<qint64, QString> paths;
        for (const folio::DocumentInfo& d : m_controller->model()->rows()) paths[d.id] = d.path;
        const qint64 pdfId = m_controller->model()->rows().last().id;  // contract.pdf, added first
        QVERIFY(paths[pdfId].endsWith("contract.pdf"));
        m_engine->addImageProvider("folio-page", new folio::PageImageProvider([paths](qint64 id) {
                                       return paths.value(id);
                                   }));
        QQmlComponent component(m_engine.get());
        component.setData(kViewerWrapper,
                          QUrl::fromLocalFile(folio::test::sourceDir() + "/ui/qml/Viewer.qml"));
        std::unique_ptr<QObject> window(component.create());
        QVERIFY2(window, qPrintable(component.errorString()));
        QObject* viewer = findNamed(window.get(), "viewer");
        QVERIFY(viewer);
        QVariant opened;  // untyped QML functions return QVariant
        QMetaObject::invokeMethod(viewer, "openCitation", Q_RETURN_ARG(QVariant, opened),
                                  Q_ARG(QVariant, folio::citationUrl(pdfId, 4)));
        QVERIFY(opened.toBool());
        QCOMPARE(viewer->property("page").toInt(), 4);
        QObject* image = findNamed(window.get(), "pageImage");
        QTRY_COMPARE_WITH_TIMEOUT(image->property("status").toInt(), 1, 30000);  // Image.Ready
        QVERIFY(image->property("sourceSize").toSize().width() > 100);
        QVERIFY(findNamed(window.get(), "pageLabel")->property("text").toString().contains("4"));
        QMetaObject::invokeMethod(viewer, "openCitation", Q_RETURN_ARG(QVariant, opened),
                                  Q_ARG(QVariant, QString("https://example.com")));
        QVERIFY(!opened.toBool());
        QVERIFY2(m_warnings.isEmpty(), qPrintable(m_warnings.join('\n')));
    }

    void removeShrinksTheList() {
        auto* list = findNamed(m_window.get(), "documentList");
        const int before = list->property("count").toInt();
        QVERIFY(before > 0);
        const qint64 id = m_controller->model()->rows().first().id;
        QVERIFY(m_controller->remove(id));
        QTRY_COMPARE(list->property("count").toInt(), before - 1);
        QVERIFY2(m_warnings.isEmpty(), qPrintable(m_warnings.join('\n')));
    }

private:
    QTemporaryDir m_dir;
    folio::Database m_db;
    std::unique_ptr<folio::DocumentStore> m_store;
    std::unique_ptr<folio::DocumentsController> m_controller;
    std::unique_ptr<QQmlEngine> m_engine;
    std::unique_ptr<QQuickWindow> m_window;
    QStringList m_warnings;
};

QTEST_MAIN(DocPanelTest)
#include "doc_panel_test.moc"
