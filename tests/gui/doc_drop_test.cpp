// Dropping files on the window and highlighting cited passages, offscreen: the drop
// entry point (DocumentsController::addDroppedFiles) adds PDFs and text files and names the
// files it cannot take; a citation link carrying its claim yields the passage's boxes on the
// page; the page viewer draws them over the page it belongs to only.
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

const char* const kViewerWrapper = R"(
import QtQuick
Window {
    width: 500; height: 700; visible: true
    DocumentViewer { objectName: "viewer"; anchors.fill: parent; pageCount: 12 }
}
)";

int countNamed(QObject* root, const QString& name) {
    if (auto* window = qobject_cast<QQuickWindow*>(root)) root = window->contentItem();
    int n = root->objectName() == name ? 1 : 0;
    if (auto* item = qobject_cast<QQuickItem*>(root))
        for (QQuickItem* c : item->childItems()) n += countNamed(c, name);
    return n;
}

using folio::test::findNamed;

}  // namespace

class DocDropTest : public QObject {
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
    }

    void dropAddsSupportedFilesAndNamesTheOthers() {
        const QString pdf = m_dir.filePath("contract.pdf");
        QVERIFY(folio::test::writeContractPdf(pdf, 12));
        const QString notes = m_dir.filePath("Notes.MD");
        QVERIFY(folio::test::writeFile(notes, "# Notes\nThe deposit is 500 euros.\n"));
        const QString sheet = m_dir.filePath("budget.xlsx");
        QVERIFY(folio::test::writeFile(sheet, "PK"));
        QVERIFY(m_controller->canAdd(QUrl::fromLocalFile(pdf)));
        QVERIFY(m_controller->canAdd(notes));
        QVERIFY(!m_controller->canAdd(QUrl::fromLocalFile(sheet)));
        QVERIFY(!m_controller->canAdd(QString()));

        QSignalSpy added(m_controller.get(), &folio::DocumentsController::documentAdded);
        QSignalSpy failed(m_controller.get(), &folio::DocumentsController::failed);
        const QVariantList urls{QUrl::fromLocalFile(pdf), QUrl::fromLocalFile(sheet),
                                QUrl::fromLocalFile(notes).toString()};
        QCOMPARE(m_controller->addDroppedFiles(urls), 2);
        QCOMPARE(failed.size(), 1);  // at once, before any file is read
        QCOMPARE(failed[0][0].toString(), QStringLiteral("budget.xlsx"));
        QVERIFY(failed[0][1].toString().contains(".md"));
        QTRY_COMPARE_WITH_TIMEOUT(added.size(), 2, 60000);
        QCOMPARE(failed.size(), 1);
        QCOMPARE(m_controller->model()->count(), 2);
    }

    void citationLinkHighlightsThePassage() {
        qint64 pdfId = 0;
        for (const folio::DocumentInfo& d : m_controller->model()->rows())
            if (d.kind == "pdf") pdfId = d.id;
        QVERIFY(pdfId > 0);
        QSignalSpy activated(m_controller.get(), &folio::DocumentsController::citationActivated);
        QSignalSpy highlighted(m_controller.get(),
                               &folio::DocumentsController::citationHighlighted);
        // What the chat view does: linkify a reply, then the user clicks its citation.
        const QString reply = QStringLiteral(
            "Either party may end it with ninety days written "
            "notice [p.12].");
        const QString url =
            folio::citationUrl(pdfId, 12, folio::citedSentence(reply, reply.indexOf("[p.12]"), 6));
        QVERIFY(m_controller->activateCitation(url));
        QCOMPARE(activated.size(), 1);
        QCOMPARE(activated[0][1].toInt(), 12);
        QTRY_COMPARE_WITH_TIMEOUT(highlighted.size(), 1, 30000);
        QCOMPARE(highlighted[0][0].toLongLong(), pdfId);
        QCOMPARE(highlighted[0][1].toInt(), 12);
        m_boxes = highlighted[0][2].toList();
        QVERIFY(!m_boxes.isEmpty());
        for (const QVariant& b : m_boxes) {
            const QRectF r = b.toRectF();
            QVERIFY(r.top() > 0.1 && r.bottom() < 1 && r.width() > 0.05);
        }
        // A claim the page does not hold: no boxes. No claim: no lookup at all.
        QVERIFY(
            m_controller->activateCitation(folio::citationUrl(pdfId, 12, "moon landing dates")));
        QTRY_COMPARE_WITH_TIMEOUT(highlighted.size(), 2, 30000);
        QVERIFY(highlighted[1][2].toList().isEmpty());
        QVERIFY(m_controller->activateCitation(folio::citationUrl(pdfId, 3)));
        QTest::qWait(300);
        QCOMPARE(highlighted.size(), 2);
        m_pdfId = pdfId;
    }

    void viewerDrawsTheBoxesOnTheirPage() {
        QVERIFY(!m_boxes.isEmpty());
        QQmlEngine engine;
        QStringList warnings;
        connect(&engine, &QQmlEngine::warnings, this, [&](const QList<QQmlError>& w) {
            for (const auto& e : w) warnings << e.toString();
        });
        const QString path = m_store->document(m_pdfId)->path;
        const qint64 id = m_pdfId;
        engine.addImageProvider("folio-page", new folio::PageImageProvider([path, id](qint64 d) {
                                    return d == id ? path : QString();
                                }));
        QQmlComponent component(&engine);
        component.setData(kViewerWrapper,
                          QUrl::fromLocalFile(folio::test::sourceDir() + "/ui/qml/Viewer.qml"));
        std::unique_ptr<QObject> window(component.create());
        QVERIFY2(window, qPrintable(component.errorString()));
        QObject* viewer = findNamed(window.get(), "viewer");
        viewer->setProperty("documentId", m_pdfId);
        viewer->setProperty("page", 12);
        QMetaObject::invokeMethod(viewer, "clearHighlights", Q_ARG(QVariant, true));
        QMetaObject::invokeMethod(viewer, "showHighlights", Q_ARG(QVariant, m_pdfId),
                                  Q_ARG(QVariant, 12), Q_ARG(QVariant, m_boxes));
        QObject* image = findNamed(window.get(), "pageImage");
        QTRY_COMPARE_WITH_TIMEOUT(image->property("status").toInt(), 1, 30000);  // Image.Ready
        QTRY_COMPARE(countNamed(window.get(), "highlightBox"), int(m_boxes.size()));
        auto* box = qobject_cast<QQuickItem*>(findNamed(window.get(), "highlightBox"));
        const double painted = image->property("paintedHeight").toDouble();
        const double onPage = (box->y() - box->property("offsetY").toDouble()) / painted;
        QVERIFY2(onPage > 0.1 && onPage < 1, qPrintable(QString::number(onPage)));
        QVERIFY(findNamed(window.get(), "highlightStatus")->property("visible").toBool());
        viewer->setProperty("page", 11);  // another page: no boxes
        QTRY_COMPARE(countNamed(window.get(), "highlightBox"), 0);
        QVERIFY2(warnings.isEmpty(), qPrintable(warnings.join('\n')));
    }

    void cleanupTestCase() { m_controller.reset(); }

private:
    QTemporaryDir m_dir;
    folio::Database m_db;
    std::unique_ptr<folio::DocumentStore> m_store;
    std::unique_ptr<folio::DocumentsController> m_controller;
    QVariantList m_boxes;
    qint64 m_pdfId = 0;
};

QTEST_MAIN(DocDropTest)
#include "doc_drop_test.moc"
