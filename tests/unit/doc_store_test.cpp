// Document storage: same file stored once, pages round-trip, FTS5 page search (trigram: Chinese
// too), attachments to conversations, cascading deletes, preset overrides.
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

#include "app/database.h"
#include "app/documents/citations.h"
#include "app/documents/document_store.h"
#include "app/documents/documents_controller.h"
#include "unit/doc_fixtures.h"

using folio::citationUrl;
using folio::DocumentsController;
using folio::DocumentStore;

namespace {

folio::IngestedDocument contract(const QString& sha = QString(64, 'a')) {
    folio::IngestedDocument doc = folio::test::ingestedContract(sha, "Supply Agreement", 32, 3);
    doc.author = "Legal";
    return doc;
}

}  // namespace

class DocStoreTest : public QObject {
    Q_OBJECT

private slots:
    void init() {
        QVERIFY(m_dir.isValid());
        m_db = std::make_unique<folio::Database>();
        auto report = m_db->open(m_dir.filePath(QStringLiteral("db%1.sqlite3").arg(++m_n)));
        QVERIFY2(report.ok(), report.ok() ? "" : report.error().message.c_str());
        m_store = std::make_unique<DocumentStore>([this] { return m_db->connection(); });
    }
    void cleanup() {
        m_store.reset();
        m_db.reset();
    }

    void sameFileIsStoredOnce() {
        auto first = m_store->add(contract());
        QVERIFY(first.ok());
        QVERIFY(!first->alreadyStored);
        auto second = m_store->add(contract());
        QVERIFY(second.ok());
        QVERIFY(second->alreadyStored);
        QCOMPARE(second->id, first->id);
        auto other = m_store->add(contract(QString(64, 'b')));
        QVERIFY(other.ok());
        QVERIFY(other->id != first->id);
        auto all = m_store->list();
        QVERIFY(all.ok());
        QCOMPARE(all->size(), 2);
        QCOMPARE(all->first().id, other->id);              // newest first
        QVERIFY(!m_store->add(contract(QString())).ok());  // no sha256: refused
        folio::IngestedDocument bare;  // no title, author, path or page text (null strings)
        bare.kind = "text";
        bare.sha256 = QString(64, 'd');
        bare.pages.push_back({1, QString(), false});
        auto stored = m_store->add(bare);
        QVERIFY2(stored.ok(), stored.ok() ? "" : stored.error().message.c_str());
        QCOMPARE(m_store->pages(stored->id)->size(), 1);
    }

    void pagesAndMetadataRoundTrip() {
        auto added = m_store->add(contract());
        QVERIFY(added.ok());
        auto info = m_store->document(added->id);
        QVERIFY(info.ok());
        QCOMPARE(info->title, QString("Supply Agreement"));
        QCOMPARE(info->author, QString("Legal"));
        QCOMPARE(info->kind, QString("pdf"));
        QCOMPARE(info->pages, 32);
        QCOMPARE(info->tokenCount, -1);
        QVERIFY(info->addedAt > 0);
        QVERIFY(m_store->setTokenCount(added->id, 4321).ok());
        QCOMPARE(m_store->document(added->id)->tokenCount, 4321);
        auto pages = m_store->pages(added->id);
        QVERIFY(pages.ok());
        QCOMPARE(pages->size(), 32);
        QCOMPARE(pages->at(19).page, 20);
        QCOMPARE(pages->at(19).text, folio::test::pageText(20));
        QVERIFY(pages->at(2).ocr);
        QVERIFY(!pages->at(3).ocr);
        QVERIFY(!m_store->document(9999).ok());
    }

    void searchFindsThePageOfAClause() {
        auto id = m_store->add(contract())->id;
        auto hits = m_store->search(R"("thirty" OR "invoice")", {id}, 5);
        QVERIFY(hits.ok());
        QVERIFY(!hits->isEmpty());
        QCOMPARE(hits->first().page, 5);
        QCOMPARE(hits->first().documentId, id);
        hits = m_store->search(R"("singapore")", {id}, 5);
        QCOMPARE(hits->size(), 1);
        QCOMPARE(hits->first().page, 27);
        QVERIFY(m_store->search(R"("singapore")", {id + 1}, 5)->isEmpty());  // other documents
        QVERIFY(m_store->search("", {id}, 5)->isEmpty());
        if (m_db->searchTokenizer() != "trigram") QSKIP("this SQLite has no trigram tokenizer");
        hits = m_store->search(QString::fromUtf8(R"("保密义")"), {id}, 5);
        QCOMPARE(hits->size(), 1);
        QCOMPARE(hits->first().page, 20);
    }

    void citationsLinkToTheChatsDocuments() {
        QSqlQuery q(m_db->connection());
        QVERIFY(
            q.exec("INSERT INTO conversations (title, created_at, updated_at) VALUES ('l', 1, 1)"));
        const qint64 conversation = q.lastInsertId().toLongLong();
        const qint64 doc = m_store->add(contract(QString(64, 'd')))->id;
        DocumentsController controller(m_store.get());
        const QString reply = QStringLiteral("Payment is due in 30 days [p.5].");
        QCOMPARE(controller.linkify(conversation, reply), reply);  // nothing attached yet
        QVERIFY(controller.attachTo(conversation, doc));
        const QString linked = controller.linkify(conversation, reply);
        const QString url = citationUrl(doc, 5);
        QVERIFY2(linked.contains(url), qPrintable(linked));
        QSignalSpy spy(&controller, &DocumentsController::citationActivated);
        QVERIFY(controller.activateCitation(url));
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.first().at(0).toLongLong(), doc);
        QCOMPARE(spy.first().at(1).toInt(), 5);
        QVERIFY(!controller.activateCitation(QStringLiteral("https://example.org/")));
    }

    void attachDetachAndCascade() {
        QSqlQuery q(m_db->connection());
        QVERIFY(
            q.exec("INSERT INTO conversations (title, created_at, updated_at) VALUES ('c', 1, 1)"));
        const qint64 conversation = q.lastInsertId().toLongLong();
        const qint64 a = m_store->add(contract())->id;
        const qint64 b = m_store->add(contract(QString(64, 'c')))->id;
        QVERIFY(m_store->attach(conversation, a).ok());
        QVERIFY(m_store->attach(conversation, b).ok());
        QVERIFY(m_store->attach(conversation, a).ok());  // twice: still once
        auto attached = m_store->attached(conversation);
        QVERIFY(attached.ok());
        QCOMPARE(attached->size(), 2);
        QCOMPARE(attached->at(0).id, a);
        QVERIFY(m_store->detach(conversation, a).ok());
        QCOMPARE(m_store->attached(conversation)->size(), 1);
        QVERIFY(!m_store->attach(conversation, 9999).ok());  // foreign key

        QVERIFY(m_store->remove(b).ok());
        QCOMPARE(m_store->attached(conversation)->size(), 0);
        QCOMPARE(m_store->pages(b)->size(), 0);
        QVERIFY(m_store->search(R"("singapore")", {b}, 5)->isEmpty());
        QCOMPARE(m_store->search(R"("singapore")", {a}, 5)->size(), 1);
        QVERIFY(q.exec("SELECT count(*) FROM document_pages") && q.next());
        QCOMPARE(q.value(0).toInt(), 32);
    }

    void presetOverridesAreStoredAndReset() {
        QCOMPARE(*m_store->presetOverride("summary", "en"), QString());
        QVERIFY(m_store->setPresetOverride("summary", "en", "My summary prompt").ok());
        QCOMPARE(*m_store->presetOverride("summary", "en"), QString("My summary prompt"));
        QCOMPARE(*m_store->presetOverride("summary", "zh_CN"), QString());
        QVERIFY(m_store->setPresetOverride("summary", "en", "").ok());
        QCOMPARE(*m_store->presetOverride("summary", "en"), QString());
    }

private:
    QTemporaryDir m_dir;
    int m_n = 0;
    std::unique_ptr<folio::Database> m_db;
    std::unique_ptr<DocumentStore> m_store;
};

QTEST_MAIN(DocStoreTest)
#include "doc_store_test.moc"
