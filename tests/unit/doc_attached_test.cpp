// The document bar's model (AttachedDocuments): the current chat's documents with their token
// counts made off the GUI thread, whole vs retrieval mode by the budget as the prompt builder
// decides it, the block estimate the context meter adds, and refreshes on attach and detach; and
// the retrieval cap that budget uses (retrieval_cap.h).
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>
#include <atomic>
#include <climits>

#include "app/database.h"
#include "app/documents/attached_documents.h"
#include "app/documents/document_context.h"
#include "app/documents/document_store.h"
#include "app/documents/documents_controller.h"
#include "app/documents/retrieval_cap.h"
#include "unit/doc_fixtures.h"

using folio::AttachedDocuments;

namespace {

folio::IngestedDocument contract(const QString& sha, int pages, int ocrPage = 0) {
    return folio::test::ingestedContract(sha, "Supply Agreement " + sha.left(1), pages, ocrPage);
}

int role(const AttachedDocuments& m, int row, AttachedDocuments::Role r) {
    return m.data(m.index(row), r).toInt();
}

}  // namespace

class DocAttachedTest : public QObject {
    Q_OBJECT

private slots:
    void init() {
        QVERIFY(m_dir.isValid());
        m_db = std::make_unique<folio::Database>();
        auto report = m_db->open(m_dir.filePath(QStringLiteral("db%1.sqlite3").arg(++m_n)));
        QVERIFY2(report.ok(), report.ok() ? "" : report.error().message.c_str());
        m_store = std::make_unique<folio::DocumentStore>([this] { return m_db->connection(); });
        QSqlQuery q(m_db->connection());
        QVERIFY(
            q.exec("INSERT INTO conversations (title, created_at, updated_at) VALUES ('c', 1, 1)"));
        m_conversation = q.lastInsertId().toLongLong();
    }
    void cleanup() {
        m_store.reset();
        m_db.reset();
    }

    // Counted with the same block the prompt carries; whole while the budget holds them all,
    // retrieval (the cap) when it does not; the meter's estimate follows.
    void countsAndDecidesTheMode() {
        folio::DocumentsController controller(m_store.get());
        AttachedDocuments& attached = *controller.attached();
        const qint64 small = m_store->add(contract(QString(64, 'a'), 3, 2))->id;
        const qint64 large = m_store->add(contract(QString(64, 'b'), 30))->id;
        attached.setCounter(folio::test::wordTokenCount);
        attached.setBudget(100000, 6000);
        attached.setConversation(m_conversation);
        QCOMPARE(attached.count(), 0);
        QCOMPARE(attached.mode(), QString());
        QCOMPARE(attached.blockTokens(), 0);

        QVERIFY(controller.attachTo(m_conversation, small));
        QCOMPARE(attached.count(), 1);  // refreshed by the attachment signal
        QCOMPARE(attached.data(attached.index(0), AttachedDocuments::TitleRole).toString(),
                 QString("Supply Agreement a"));
        QCOMPARE(role(attached, 0, AttachedDocuments::PagesRole), 3);
        QCOMPARE(role(attached, 0, AttachedDocuments::OcrPagesRole), 1);
        QTRY_VERIFY(!attached.counting());
        const folio::ContextDocument doc{small, "Supply Agreement a", *m_store->pages(small)};
        const int expected =
            folio::buildDocumentContext({}, {doc}, INT_MAX, folio::test::wordTokenCount, {})
                ->tokens;
        QCOMPARE(role(attached, 0, AttachedDocuments::TokensRole), expected);
        QCOMPARE(attached.mode(), QString("whole"));
        QCOMPARE(attached.blockTokens(), expected);
        QVERIFY(attached.data(attached.index(0), AttachedDocuments::ReadWholeRole).toBool());

        QVERIFY(controller.attachTo(m_conversation, large));
        QCOMPARE(attached.count(), 2);
        QVERIFY(attached.counting());
        QCOMPARE(attached.mode(), QString());  // not known until counted
        QTRY_VERIFY(!attached.counting());
        const int both = role(attached, 0, AttachedDocuments::TokensRole) +
                         role(attached, 1, AttachedDocuments::TokensRole);
        QCOMPARE(attached.blockTokens(), both);
        // A budget below both: the next reply reads retrieved pages, up to the cap.
        QSignalSpy changed(&attached, &AttachedDocuments::changed);
        attached.setBudget(both - 1, 500);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(attached.mode(), QString("retrieval"));
        QCOMPARE(attached.blockTokens(), 500);
        QVERIFY(!attached.data(attached.index(1), AttachedDocuments::ReadWholeRole).toBool());
        attached.setBudget(300, 500);  // the budget caps below the cap
        QCOMPARE(attached.blockTokens(), 300);

        QVERIFY(controller.detachFrom(m_conversation, small));
        QCOMPARE(attached.count(), 1);
        QCOMPARE(attached.data(attached.index(0), AttachedDocuments::IdRole).toLongLong(), large);
        attached.setConversation(0);  // a new chat, not saved yet
        QCOMPARE(attached.count(), 0);
        QCOMPARE(attached.blockTokens(), 0);
    }

    // A new model (tokenizer) counts again; without one nothing is known.
    void countsAgainForANewTokenizer() {
        AttachedDocuments attached(m_store.get());
        const qint64 id = m_store->add(contract(QString(64, 'a'), 4))->id;
        QVERIFY(m_store->attach(m_conversation, id).ok());
        attached.setBudget(100000, 6000);
        attached.setConversation(m_conversation);
        QCOMPARE(attached.count(), 1);
        QVERIFY(attached.counting());  // no counter yet
        QTest::qWait(20);
        QCOMPARE(role(attached, 0, AttachedDocuments::TokensRole), -1);
        std::atomic<int> calls{0};
        attached.setCounter([&calls](const QString& text) {
            ++calls;
            return folio::test::wordTokenCount(text);
        });
        QTRY_VERIFY(!attached.counting());
        const int words = role(attached, 0, AttachedDocuments::TokensRole);
        QVERIFY(words > 0);
        attached.refresh();  // cached: no recount
        QVERIFY(!attached.counting());
        const int before = calls.load();
        attached.setCounter(
            [](const QString& text) { return 2 * folio::test::wordTokenCount(text); });
        QVERIFY(attached.counting());
        QTRY_COMPARE(role(attached, 0, AttachedDocuments::TokensRole), 2 * words);
        QCOMPARE(calls.load(), before);  // the old counter was not used again
        attached.setCounter([](const QString&) { return -1; });  // a model that cannot count
        QTest::qWait(50);
        QVERIFY(attached.counting());
        QCOMPARE(attached.blockTokens(), 0);
    }

    // The retrieval cap is a time budget: what the model reads in 15 s, estimated from its size
    // until a reply measures it, within [3000, 12000] tokens.
    void retrievalCapFollowsTheModelsSpeed() {
        folio::PrefillSpeed speed;
        QCOMPARE(speed.retrievalCapTokens(), folio::PrefillSpeed::kMinCapTokens);  // unknown
        speed.reset(494'000'000);  // the 0.5B model: about 6,000 tokens
        QVERIFY(speed.retrievalCapTokens() > 5500 && speed.retrievalCapTokens() < 6500);
        speed.reset(1'540'000'000);  // the 1.5B model: the floor
        QCOMPARE(speed.retrievalCapTokens(), folio::PrefillSpeed::kMinCapTokens);
        speed.add(500, 900.0);  // too few tokens to be a measurement
        QCOMPARE(speed.retrievalCapTokens(), folio::PrefillSpeed::kMinCapTokens);
        speed.add(5000, 400.0);  // measured: 400 tok/s x 15 s
        QCOMPARE(speed.retrievalCapTokens(), 6000);
        speed.add(5000, 5000.0);  // a GPU: capped
        QCOMPARE(speed.retrievalCapTokens(), folio::PrefillSpeed::kMaxCapTokens);
        speed.reset(1'540'000'000);  // another model: measured again
        QCOMPARE(speed.retrievalCapTokens(), folio::PrefillSpeed::kMinCapTokens);
    }

private:
    QTemporaryDir m_dir;
    int m_n = 0;
    std::unique_ptr<folio::Database> m_db;
    std::unique_ptr<folio::DocumentStore> m_store;
    qint64 m_conversation = 0;
};

QTEST_GUILESS_MAIN(DocAttachedTest)
#include "doc_attached_test.moc"
