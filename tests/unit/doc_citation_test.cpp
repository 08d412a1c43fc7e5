// Citations in replies become links to the right document and page.
#include <QtTest>

#include "app/documents/citations.h"

class DocCitationTest : public QObject {
    Q_OBJECT

private slots:
    void linkify_data() {
        QTest::addColumn<QString>("reply");
        QTest::addColumn<QString>("linked");
        QTest::newRow("plain") << "See [p.12]."
                               << "See [p.12](folio://doc/7/page/12).";
        QTest::newRow("space")
            << "as stated [p. 3] and [p.4]"
            << "as stated [p. 3](folio://doc/7/page/3) and [p.4](folio://doc/7/page/4)";
        QTest::newRow("range") << "[pp. 4-6]"
                               << "[pp. 4-6](folio://doc/7/page/4)";
        QTest::newRow("page word") << "[Page 2]"
                                   << "[Page 2](folio://doc/7/page/2)";
        QTest::newRow("zh") << QString::fromUtf8("见第12页。")
                            << QString::fromUtf8("见[第12页](folio://doc/7/page/12)。");
        QTest::newRow("zh space") << QString::fromUtf8("第 3 页")
                                  << QString::fromUtf8("[第 3 页](folio://doc/7/page/3)");
        QTest::newRow("second doc") << "[Document 2, p.5]"
                                    << "[Document 2, p.5](folio://doc/9/page/5)";
        QTest::newRow("zh second doc") << QString::fromUtf8("文档2第5页")
                                       << QString::fromUtf8("[文档2第5页](folio://doc/9/page/5)");
        QTest::newRow("out of range") << "[p.41] [p.0]"
                                      << "[p.41] [p.0]";
        QTest::newRow("unknown doc") << "[Document 3, p.1]"
                                     << "[Document 3, p.1]";
        QTest::newRow("already linked") << "[p.2](folio://doc/7/page/2)"
                                        << "[p.2](folio://doc/7/page/2)";
        QTest::newRow("no citation") << "price [p] p.12 [x.3]"
                                     << "price [p] p.12 [x.3]";
    }
    void linkify() {
        QFETCH(QString, reply);
        QFETCH(QString, linked);
        const QVector<folio::CitationTarget> targets{{7, 40}, {9, 10}};
        QCOMPARE(folio::linkifyCitations(reply, targets), linked);
    }

    void findReportsOffsets() {
        const QString text = QString::fromUtf8("A [p.3], B 第7页.");
        const auto found = folio::findCitations(text);
        QCOMPARE(found.size(), 2);
        QCOMPARE(text.mid(found[0].start, found[0].length), QString("[p.3]"));
        QCOMPARE(found[0].page, 3);
        QCOMPARE(found[1].page, 7);
        QCOMPARE(found[1].document, 0);
    }

    void urlsRoundTrip() {
        qint64 id = 0;
        int page = 0;
        QVERIFY(folio::parseCitationUrl(folio::citationUrl(42, 17), &id, &page));
        QCOMPARE(id, 42);
        QCOMPARE(page, 17);
        QVERIFY(!folio::parseCitationUrl("folio://doc/42/page/0", &id, &page));
        QVERIFY(!folio::parseCitationUrl("https://example.com/doc/1/page/2", &id, &page));
        QVERIFY(!folio::parseCitationUrl("folio://doc/x/page/2", &id, &page));
    }
};

QTEST_GUILESS_MAIN(DocCitationTest)
#include "doc_citation_test.moc"
