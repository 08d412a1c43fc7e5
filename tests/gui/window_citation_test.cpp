// The split view on the real window and app objects (AppContext, no model): a citation link in
// a reply opens its page beside the answer; next / previous citation step through the chat's
// citations in reading order; Esc and the close button close the pane; another chat closes it;
// a text document's page is shown as text.
#include <QTemporaryDir>
#include <QtTest>

#include "app/app_controller.h"
#include "app/application.h"
#include "app/documents/citations.h"
#include "app/documents/document_store.h"
#include "app/documents/documents_controller.h"
#include "app/documents/page_renderer.h"
#include "app/settings.h"
#include "gui/window_test_util.h"
#include "support/test_env.h"
#include "unit/doc_fixtures.h"

class WindowCitationTest : public QObject {
    Q_OBJECT

private slots:
    void citationsOpenBesideTheAnswer() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        AppOptions options;
        options.dataDir = dir.path();
        options.headlessSmoke = true;  // no model: the exchange is stored directly
        AppContext context(options);
        AppController* app = context.controller();
        folio::DocumentsController* documents = context.documents();

        // A stored PDF attached to a chat whose reply cites pages 2 and 3, then 1.
        const QString pdf = dir.filePath("contract.pdf");
        QVERIFY(folio::test::writeContractPdf(pdf, 4));
        QSignalSpy added(documents, &folio::DocumentsController::documentAdded);
        QVERIFY(documents->addFile(pdf));
        QVERIFY(added.wait(60000));
        const qint64 documentId = added.first().at(0).toLongLong();
        const qint64 chat = app->ensureConversation("Notes");
        QVERIFY(documents->attachTo(chat, documentId));
        QVERIFY(app->addExchange(chat, "What do the pages say?",
                                 "The parties read the schedules [p.2]. Headings are for "
                                 "convenience only [p.3]."));
        QVERIFY(app->addExchange(chat, "And page one?", "It is the first page [p.1]."));

        folio::test::QmlWindow qml(app, context.settings(), documents);
        QVERIFY2(qml.window(), qPrintable(qml.warnings()));
        qml.engine()->addImageProvider("folio-page",
                                       new folio::PageImageProvider([pdf](qint64) { return pdf; }));
        QVERIFY(QTest::qWaitForWindowExposed(qml.window()));
        auto* pane = qml.find<QQuickItem>("citationPane");
        QVERIFY(!pane->isVisible());

        const QStringList links = documents->citationLinks(chat, app->messages()->at(1).text);
        QCOMPARE(links.size(), 2);
        QVERIFY(documents->activateCitation(links.at(0)));  // what clicking "p.2" does
        QTRY_VERIFY(pane->isVisible());
        auto* position = qml.find<QObject>("citationPosition");
        QCOMPARE(position->property("text").toString(), QString("Citation 1 of 3"));

        // Ctrl+] twice: page 3, then the next reply's page 1; no further.
        QTest::keyClick(qml.window(), Qt::Key_BracketRight, Qt::ControlModifier);
        QTRY_COMPARE(position->property("text").toString(), QString("Citation 2 of 3"));
        qint64 id = 0;
        int page = 0;
        QVERIFY(folio::parseCitationUrl(documents->lastCitation(), &id, &page));
        QCOMPARE(page, 3);
        QTest::keyClick(qml.window(), Qt::Key_BracketRight, Qt::ControlModifier);
        QTRY_COMPARE(position->property("text").toString(), QString("Citation 3 of 3"));
        QVERIFY(!qml.find<QObject>("nextCitationButton")->property("enabled").toBool());
        QVERIFY(folio::parseCitationUrl(documents->lastCitation(), &id, &page));
        QCOMPARE(page, 1);
        QTest::keyClick(qml.window(), Qt::Key_BracketLeft, Qt::ControlModifier);
        QTRY_COMPARE(position->property("text").toString(), QString("Citation 2 of 3"));

        QTest::keyClick(qml.window(), Qt::Key_Escape);
        QTRY_VERIFY(!pane->isVisible());
        QVERIFY(documents->activateCitation(links.at(1)));
        QTRY_VERIFY(pane->isVisible());
        app->newConversation();  // another chat: the pane closes
        QTRY_VERIFY(!pane->isVisible());

        // A text document has no page images: the pane shows the cited page's text.
        QFile text(dir.filePath("notes.txt"));
        QVERIFY(text.open(QIODevice::WriteOnly));
        text.write("Page one.\fPage two: the deposit is 10%.\fPage three.\n");
        text.close();
        added.clear();
        QVERIFY(documents->addFile(dir.filePath("notes.txt")));
        QVERIFY(added.wait(60000));
        const qint64 notes = app->ensureConversation("Notes");
        QVERIFY(documents->attachTo(notes, added.first().at(0).toLongLong()));
        QVERIFY(app->addExchange(notes, "The deposit?", "It is 10% [p.2]."));
        QVERIFY(documents->activateCitation(
            documents->citationLinks(notes, app->messages()->at(1).text).value(0)));
        QTRY_VERIFY(pane->isVisible());
        auto* pageText = qml.find<QObject>("pageText");
        QTRY_COMPARE(pageText->property("text").toString(),
                     QString("Page two: the deposit is 10%."));
        QVERIFY(pageText->property("visible").toBool());
        QVERIFY2(!qml.hasWarnings(), qPrintable(qml.warnings()));
    }
};

QTEST_MAIN(WindowCitationTest)
#include "window_citation_test.moc"
