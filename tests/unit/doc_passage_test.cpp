// Highlighting the cited passage: which passage of a page a reply's sentence refers to,
// which sentence of a reply a citation supports, the claim carried in the citation link, and the
// word boxes of the passage on a generated PDF (read by folio-ingest --words).
#include <QTemporaryDir>
#include <QtTest>

#include "app/documents/citations.h"
#include "app/documents/page_renderer.h"
#include "app/documents/passage_match.h"
#include "unit/doc_fixtures.h"

using folio::TextSpan;

namespace {

const char* const kPage =
    "Clause 7. Delivery: the Seller delivers the goods to the Buyer's warehouse in Rotterdam.\n"
    "Clause 8. Payment: the Buyer shall pay each invoice within thirty days of delivery. "
    "Late payments carry interest of 2% per month.\n"
    "\n"
    "Clause 9. Warranty: the goods are free of defects for twelve months from delivery.";

QString spanText(const QString& text, TextSpan span) {
    return text.mid(span.start, span.length);
}

}  // namespace

class DocPassageTest : public QObject {
    Q_OBJECT

private slots:
    void findsTheCitedPassage_data() {
        QTest::addColumn<QString>("page");
        QTest::addColumn<QString>("claim");
        QTest::addColumn<QString>("expected");  // the passage's text; empty = not found
        const QString page = QString::fromUtf8(kPage);
        QTest::newRow("paraphrase") << page << "Invoices must be paid within thirty days."
                                    << "Clause 8. Payment: the Buyer shall pay each invoice "
                                       "within thirty days of delivery.";
        QTest::newRow("other sentence") << page << "Late payments carry monthly interest of 2%"
                                        << "Late payments carry interest of 2% per month.";
        QTest::newRow("after a blank line")
            << page << "The warranty lasts twelve months."
            << "Clause 9. Warranty: the goods are free of defects for twelve months from delivery.";
        QTest::newRow("quote wins, spacing ignored")
            << page << QString::fromUtf8("It says “goods to the  Buyer's warehouse” there.")
            << "goods to the Buyer's warehouse";
        QTest::newRow("unrelated") << page << "The moon orbits the earth." << QString();
        QTest::newRow("stop words only") << page << "It is the one that shall be." << QString();
        const QString zh = QString::fromUtf8(
            "第一条 双方同意按月结算。第二十条 保密义务：双方应对本合同的内容严格保密，"
            "期限为五年。第二十一条 本合同一式两份。");
        QTest::newRow("chinese") << zh << QString::fromUtf8("双方须对合同内容保密五年")
                                 << QString::fromUtf8(
                                        "第二十条 保密义务：双方应对本合同的内容严格保密，"
                                        "期限为五年。");
        QTest::newRow("empty page") << QString() << "thirty days" << QString();
    }
    void findsTheCitedPassage() {
        QFETCH(QString, page);
        QFETCH(QString, claim);
        QFETCH(QString, expected);
        const TextSpan span = folio::findCitedPassage(page, claim);
        QCOMPARE(spanText(page, span), expected);
        QCOMPARE(span.isEmpty(), expected.isEmpty());
    }

    void findsTheSentenceACitationSupports_data() {
        QTest::addColumn<QString>("reply");
        QTest::addColumn<QString>("citation");  // its first occurrence is the one asked about
        QTest::addColumn<QString>("expected");
        QTest::newRow("at the end") << "Delivery is in Rotterdam. Payment is due in thirty "
                                       "days [p.8]. Interest is 2%."
                                    << "[p.8]"
                                    << "Payment is due in thirty days";
        QTest::newRow("after the period") << "First point. The **term** is twelve months. [p.9]"
                                          << "[p.9]"
                                          << "The term is twelve months";
        QTest::newRow("opens the sentence") << "[p.3]: the buyer pays the freight. Next."
                                            << "[p.3]"
                                            << "the buyer pays the freight";
        QTest::newRow("other citations removed")
            << "Both clauses [p.2] limit liability to the price [p.5]."
            << "[p.5]"
            << "Both clauses limit liability to the price";
        QTest::newRow("chinese") << QString::fromUtf8(
                                        "付款期限为三十天。保密期限为五年（第20页）。")
                                 << QString::fromUtf8("第20页")
                                 << QString::fromUtf8("保密期限为五年");
    }
    void findsTheSentenceACitationSupports() {
        QFETCH(QString, reply);
        QFETCH(QString, citation);
        QFETCH(QString, expected);
        const qsizetype at = reply.indexOf(citation);
        QVERIFY(at >= 0);
        QCOMPARE(folio::citedSentence(reply, at, citation.size()), expected);
    }

    void linksCarryTheirClaim() {
        const QString reply = QStringLiteral("Payment (net) is due in 30 days [p.8].");
        const QString linked = folio::linkifyCitations(reply, {{7, 10}}, true);
        QVERIFY2(linked.startsWith("Payment (net) is due in 30 days [p.8](folio://doc/7/page/8?q="),
                 qPrintable(linked));
        // The link target holds no spaces or parentheses (Markdown would cut it there).
        const QString target = linked.mid(linked.indexOf("](") + 2);
        QVERIFY(!target.chopped(2).contains(' '));
        QVERIFY(!target.chopped(2).contains('('));
        const QString url = target.left(target.lastIndexOf(')'));
        qint64 id = 0;
        int page = 0;
        QString claim;
        QVERIFY(folio::parseCitationUrl(url, &id, &page, &claim));
        QCOMPARE(id, 7);
        QCOMPARE(page, 8);
        QCOMPARE(claim, QStringLiteral("Payment (net) is due in 30 days"));
        // Without claims the links stay as before; a claim is cut at kMaxClaimChars.
        QCOMPARE(folio::linkifyCitations(reply, {{7, 10}}),
                 QStringLiteral("Payment (net) is due in 30 days [p.8](folio://doc/7/page/8)."));
        QVERIFY(folio::parseCitationUrl(folio::citationUrl(3, 2, QString(1000, 'x')), &id, &page,
                                        &claim));
        QCOMPARE(claim.size(), folio::kMaxClaimChars);
        QVERIFY(!folio::parseCitationUrl("folio://doc/3/page/2?q=a b", &id, &page, &claim));
    }

    void mergesWordBoxesPerLine() {
        // Two lines of words; the passage spans the end of line 1 and line 2.
        const QVector<folio::WordBox> words = {
            {"Headings", QRectF(0.1, 0.10, 0.1, 0.02)},
            {"are", QRectF(0.21, 0.10, 0.05, 0.02)},
            {"convenient.", QRectF(0.27, 0.10, 0.1, 0.02)},
            {"Interest", QRectF(0.38, 0.10, 0.1, 0.02)},
            {"is", QRectF(0.49, 0.10, 0.03, 0.02)},
            {"two", QRectF(0.1, 0.13, 0.05, 0.02)},
            {"percent", QRectF(0.16, 0.13, 0.1, 0.02)},
            {"monthly.", QRectF(0.27, 0.13, 0.1, 0.02)},
        };
        const QVector<QRectF> boxes =
            folio::highlightBoxes(words, "interest of two percent monthly");
        QCOMPARE(boxes.size(), 2);
        QCOMPARE(boxes[0], QRectF(0.38, 0.10, 0.14, 0.02));
        QCOMPARE(boxes[1], QRectF(0.1, 0.13, 0.27, 0.02));
        QVERIFY(folio::highlightBoxes(words, "the moon and the stars").isEmpty());
    }

    void findsBoxesOnAGeneratedPdf() {
        QTemporaryDir dir;
        const QString pdf = dir.filePath("contract.pdf");
        QVERIFY(folio::test::writeContractPdf(pdf, 12));
        auto words = folio::readPageWords(pdf, 12);
        QVERIFY2(words.ok(), words.ok() ? "" : words.error().message.c_str());
        QVERIFY(words->size() > 30);
        const QVector<QRectF> boxes = folio::highlightBoxes(
            *words, "Either party can end the agreement with ninety days written notice.");
        QVERIFY(!boxes.isEmpty());
        // The words inside the boxes are the termination clause's, not the filler's.
        QStringList inside;
        for (const folio::WordBox& w : *words)
            for (const QRectF& b : boxes)
                if (b.contains(w.rect.center())) inside << w.text;
        QVERIFY2(inside.contains("Termination:"), qPrintable(inside.join(' ')));
        QVERIFY2(inside.contains("ninety"), qPrintable(inside.join(' ')));
        QVERIFY2(!inside.contains("schedules"), qPrintable(inside.join(' ')));
        for (const QRectF& b : boxes) {
            QVERIFY(b.left() >= 0 && b.right() <= 1);
            QVERIFY(b.top() > 0.1 && b.bottom() < 1);  // below the heading and filler lines
        }
        QVERIFY(!folio::readPageWords(pdf, 13).ok());
        QVERIFY(!folio::readPageWords(dir.filePath("missing.pdf"), 1).ok());
    }
};

QTEST_MAIN(DocPassageTest)
#include "doc_passage_test.moc"
