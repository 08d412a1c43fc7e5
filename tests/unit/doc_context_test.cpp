// The document block: whole documents when they fit, else the pages retrieval ranks best; the
// block never exceeds the budget; the page of the clause a question asks about is chosen.
#include <QRegularExpression>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

#include "app/database.h"
#include "app/documents/document_context.h"
#include "app/documents/ingestor.h"
#include "unit/doc_fixtures.h"

using folio::ContextMode;
using folio::DocumentContext;

namespace {

int countTokens(const QString& text) {
    return folio::test::wordTokenCount(text);
}

folio::ContextDocument contractDoc(qint64 id = 1, int pages = 32) {
    folio::ContextDocument doc{id, "Supply Agreement", {}};
    for (int p = 1; p <= pages; ++p) doc.pages.push_back({p, folio::test::pageText(p), false});
    return doc;
}

// Pages that mention any of the expression's quoted terms, most mentions first (a stand-in for
// FTS5 bm25, used where no database is needed).
folio::PageRanker naiveRanker(const QVector<folio::ContextDocument>& docs) {
    return [docs](const QString& expr, const QVector<qint64>&) {
        static const QRegularExpression kTerm("\"([^\"]+)\"");
        QVector<folio::PageHit> hits;
        for (const auto& d : docs)
            for (const auto& p : d.pages) {
                int score = 0;
                for (auto it = kTerm.globalMatch(expr); it.hasNext();)
                    score += p.text.toLower().count(it.next().captured(1));
                if (score > 0) hits.push_back({d.id, p.page, -double(score)});
            }
        std::sort(hits.begin(), hits.end(), [](auto& a, auto& b) { return a.score < b.score; });
        return hits;
    };
}

QVector<int> markersIn(const QString& text) {
    QVector<int> pages;
    static const QRegularExpression kMarker("^\\[p\\.(\\d+)\\]$",
                                            QRegularExpression::MultilineOption);
    for (auto it = kMarker.globalMatch(text); it.hasNext();) pages << it.next().captured(1).toInt();
    return pages;
}

}  // namespace

class DocContextTest : public QObject {
    Q_OBJECT

private slots:
    void keyTermsDropStopWordsAndUseChineseTrigrams() {
        QCOMPARE(folio::questionKeyTerms("What is the payment deadline in the contract?"),
                 QStringList({"payment", "deadline", "contract"}));
        // "多久" (how long) and "多长时间" are question words, not what the question is about.
        QCOMPARE(folio::questionKeyTerms(QString::fromUtf8("保密义务的期限是多久？")),
                 QStringList({QString::fromUtf8("保密义"), QString::fromUtf8("密义务"),
                              QString::fromUtf8("期限")}));
        QCOMPARE(folio::questionKeyTerms(QString::fromUtf8("质保期是多长时间？"), 0),
                 QStringList({QString::fromUtf8("质保期")}));
        QCOMPARE(folio::documentSearchQuery("Is \"clause\" binding?"),
                 QString(R"("clause" OR "binding")"));
        QCOMPARE(folio::documentSearchQuery("is it?"), QString());
        QCOMPARE(folio::documentTokenBudget(32768, 500, 3000, 2048), 32768 - 500 - 3000 - 2048);
        QCOMPARE(folio::documentTokenBudget(4096, 500, 3000, 2048), 0);
    }

    void wholeDocumentWhenItFitsExactly() {
        const QVector<folio::ContextDocument> docs{contractDoc()};
        auto probe = folio::buildDocumentContext("anything", docs, 1 << 30, countTokens, {});
        QVERIFY(probe.ok());
        QCOMPARE(probe->mode, ContextMode::WholeDocuments);
        const int whole = probe->tokens;
        auto exact = folio::buildDocumentContext("anything", docs, whole, countTokens, {});
        QCOMPARE(exact->mode, ContextMode::WholeDocuments);
        QCOMPARE(exact->tokens, whole);
        QCOMPARE(exact->tokens, countTokens(exact->text));
        QCOMPARE(exact->pagesUsed(), 32);
        QVector<int> all;
        for (int p = 1; p <= 32; ++p) all << p;
        QCOMPARE(markersIn(exact->text), all);
        QVERIFY(exact->text.contains(folio::test::pageText(12)));

        auto less = folio::buildDocumentContext("anything", docs, whole - 1, countTokens, {});
        QCOMPARE(less->mode, ContextMode::Retrieval);
        QVERIFY(less->tokens <= whole - 1);
        QVERIFY(less->pagesUsed() < 32);
    }

    void neverExceedsTheBudget() {
        const QVector<folio::ContextDocument> docs{contractDoc(1), contractDoc(2, 5)};
        const auto rank = naiveRanker(docs);
        for (int budget = 0; budget < 2200; budget += 37) {
            auto ctx = folio::buildDocumentContext("When can a party terminate?", docs, budget,
                                                   countTokens, rank);
            QVERIFY(ctx.ok());
            QVERIFY2(ctx->tokens <= budget, qPrintable(QString::number(budget)));
            QCOMPARE(ctx->tokens, countTokens(ctx->text));
            QVector<int> used;
            for (const auto& u : ctx->used) used += u.pages;
            QCOMPARE(markersIn(ctx->text), used);  // the report matches the text
        }
        QVERIFY(folio::buildDocumentContext("q", {}, 1000, countTokens, rank)->text.isEmpty());
        auto noModel = folio::buildDocumentContext(
            "q", docs, 1000, [](const QString&) { return -1; }, rank);
        QVERIFY(!noModel.ok());
    }

    void retrievalChoosesTheClausePage_data() {
        QTest::addColumn<QString>("question");
        QTest::addColumn<int>("page");
        QTest::newRow("termination") << "When can either party terminate the agreement?" << 12;
        QTest::newRow("payment") << "How many days does the buyer have to pay an invoice?" << 5;
        QTest::newRow("law") << "Which law governs it?" << 27;
        QTest::newRow("zh") << QString::fromUtf8("保密义务的期限是多久？") << 20;
    }
    void retrievalChoosesTheClausePage() {
        QFETCH(QString, question);
        QFETCH(int, page);
        const QVector<folio::ContextDocument> docs{contractDoc()};
        auto ctx = folio::buildDocumentContext(question, docs, 300, countTokens, naiveRanker(docs));
        QVERIFY(ctx.ok());
        QCOMPARE(ctx->mode, ContextMode::Retrieval);
        QCOMPARE(ctx->used.size(), 1);
        QVERIFY2(ctx->used[0].pages.contains(page), qPrintable(ctx->text));
        QVERIFY(ctx->used[0].pages.size() < 10);
        QVERIFY(ctx->text.contains(QStringLiteral("Included pages:")));
    }

    // End to end: a PDF made here, read by folio-ingest, stored, ranked by FTS5 bm25.
    void retrievalWithTheStoreFindsTheClause() {
        QTemporaryDir dir;
        const QString pdf = dir.filePath("contract.pdf");
        QVERIFY(folio::test::writeContractPdf(pdf, 32));
        folio::IngestOptions options;
        options.ocr = false;
        const folio::IngestResult r = folio::Ingestor::ingestBlocking(pdf, options);
        QVERIFY2(r.ok(), qPrintable(r.message));
        folio::Database db;
        QVERIFY(db.open(dir.filePath("folio.sqlite3")).ok());
        folio::DocumentStore store([&db] { return db.connection(); });
        const qint64 id = store.add(r.document)->id;
        folio::ContextDocument doc{id, r.document.title, *store.pages(id)};
        auto rank = [&store](const QString& expr, const QVector<qint64>& ids) {
            return store.search(expr, ids, 100).value();
        };
        const struct {
            const char* question;
            int page;
        } cases[] = {
            {"When can either party terminate the agreement?", 12},
            {"Which law governs it?", 27},
            {"保密义务的期限是多久？", 20},
        };
        for (const auto& c : cases) {
            auto ctx = folio::buildDocumentContext(QString::fromUtf8(c.question), {doc}, 250,
                                                   countTokens, rank);
            QVERIFY(ctx.ok());
            QCOMPARE(ctx->mode, ContextMode::Retrieval);
            QVERIFY2(!ctx->used.isEmpty() && ctx->used[0].pages.contains(c.page),
                     qPrintable(ctx->text));
        }

        // Through a conversation's attachments: two documents, the clause is in the second.
        QSqlQuery q(db.connection());
        QVERIFY(
            q.exec("INSERT INTO conversations (title, created_at, updated_at) VALUES ('c', 1, 1)"));
        const qint64 conversation = q.lastInsertId().toLongLong();
        folio::IngestedDocument other;
        other.kind = "text";
        other.title = "Notes";
        other.sha256 = QString(64, 'e');
        for (int p = 1; p <= 10; ++p)
            other.pages.push_back({p, QStringLiteral("note %1").arg(p), false});
        const qint64 notes = store.add(other)->id;
        QVERIFY(store.attach(conversation, notes).ok());
        QVERIFY(store.attach(conversation, id).ok());
        auto whole =
            folio::buildConversationContext(store, conversation, "anything", 100000, countTokens);
        QVERIFY(whole.ok());
        QCOMPARE(whole->mode, ContextMode::WholeDocuments);
        QCOMPARE(whole->used.size(), 2);
        QCOMPARE(whole->used[0].documentId, notes);
        QVERIFY(whole->text.contains("=== Document 2: Supply Agreement (32 pages) ==="));
        auto ranked = folio::buildConversationContext(store, conversation, "Which law governs it?",
                                                      300, countTokens);
        QVERIFY(ranked.ok());
        QCOMPARE(ranked->mode, ContextMode::Retrieval);
        bool found = false;
        for (const auto& u : ranked->used) found |= u.documentId == id && u.pages.contains(27);
        QVERIFY2(found, qPrintable(ranked->text));
        QVERIFY(ranked->tokens <= 300);
        db.closeThreadConnection();
    }
};

QTEST_MAIN(DocContextTest)
#include "doc_context_test.moc"
