// Ingestion: PDFs written by the test are read page by page through the folio-ingest child;
// encrypted, truncated, non-PDF and hostile inputs give clear outcomes and the app keeps working.
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "app/documents/ingestor.h"
#include "app/documents/text_cleanup.h"
#include "unit/doc_fixtures.h"

using folio::IngestOptions;
using folio::Ingestor;
using folio::IngestOutcome;

namespace {

constexpr int kPages = 32;

IngestOptions noOcr() {
    IngestOptions o;
    o.ocr = false;
    return o;
}

}  // namespace

class DocIngestTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_pdf = m_dir.filePath("contract.pdf");
        QVERIFY(folio::test::writeContractPdf(m_pdf, kPages));
    }

    void extractsTextPerPage() {
        Ingestor ingestor;
        QSignalSpy progress(&ingestor, &Ingestor::progress);
        QSignalSpy finished(&ingestor, &Ingestor::finished);
        QVERIFY(ingestor.start(m_pdf, noOcr()));
        QVERIFY(finished.wait(60000));
        const folio::IngestResult& r = ingestor.result();
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(r.document.kind, QString("pdf"));
        QCOMPARE(r.document.title, QString("Supply Agreement"));
        QCOMPARE(r.document.sha256.size(), 64);
        QCOMPARE(r.document.pages.size(), kPages);
        QCOMPARE(progress.size(), kPages);
        QCOMPARE(progress.last().at(0).toInt(), kPages);
        QCOMPARE(progress.last().at(1).toInt(), kPages);
        for (int i = 0; i < kPages; ++i) {
            const folio::IngestedPage& page = r.document.pages[i];
            QCOMPARE(page.number, i + 1);
            QVERIFY(!page.ocr);
            QVERIFY2(page.text.contains(QStringLiteral("Supply Agreement page %1").arg(i + 1)),
                     qPrintable(page.text));
        }
        for (const folio::test::KnownClause& c : folio::test::kKnownClauses) {
            // Compare without whitespace: the text layer may wrap lines differently.
            const QString want = QString::fromUtf8(c.text).simplified().remove(' ');
            for (int i = 0; i < kPages; ++i) {
                const QString got = r.document.pages[i].text.simplified().remove(' ');
                QCOMPARE(got.contains(want), i + 1 == c.page);
            }
        }
    }

    void extractionArtefactsAreRepaired() {
        // Kangxi radicals, a radicals-supplement form and a ligature, as poppler often returns
        // them.
        const QString raw =
            QString::fromUtf8("\u2F00\u822C \u2EDA\u7801 \uFB00ect \u2F45\u5F0F \u2E80");
        // (The space between two Chinese words goes too: see below.)
        QCOMPARE(folio::normalizeExtractedText(raw),
                 QString::fromUtf8("\u4E00\u822C\u9875\u7801 ffect \u65B9\u5F0F \u2E80"));
        QCOMPARE(folio::normalizeExtractedText("plain text"), QString("plain text"));
        // OCR's spaces between Chinese characters go; those next to Latin text and digits stay.
        QCOMPARE(folio::normalizeExtractedText(
                     QString::fromUtf8("合同总价款为人 民 币 880,000 元（大 写）")),
                 QString::fromUtf8("合同总价款为人民币 880,000 元（大写）"));
        QCOMPARE(folio::normalizeExtractedText(QString::fromUtf8("第 十 条\t双方 陈述")),
                 QString::fromUtf8("第十条双方陈述"));
        QCOMPARE(folio::normalizeExtractedText(QString::fromUtf8("人\u2EA0币 账\u2F3E")),
                 QString::fromUtf8("人民币账户"));
    }

    void encryptedNeedsThePassword() {
        if (!folio::test::haveQpdf()) QSKIP("qpdf is not installed (scripts/debian-packages.txt)");
        const QString locked = m_dir.filePath("locked.pdf");
        QVERIFY(folio::test::encryptPdf(m_pdf, locked, "s3cret"));
        folio::IngestResult r = Ingestor::ingestBlocking(locked, noOcr());
        QCOMPARE(r.outcome, IngestOutcome::NeedsPassword);
        QVERIFY(r.message.contains("password"));
        IngestOptions wrong = noOcr();
        wrong.password = "guess";
        r = Ingestor::ingestBlocking(locked, wrong);
        QCOMPARE(r.outcome, IngestOutcome::WrongPassword);
        QVERIFY(r.message.contains("wrong", Qt::CaseInsensitive));
        IngestOptions right = noOcr();
        right.password = "s3cret";
        r = Ingestor::ingestBlocking(locked, right);
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(r.document.pages.size(), kPages);
        QVERIFY(r.document.pages[11].text.contains("ninety days"));
    }

    void brokenFilesGiveMessagesAndTheNextFileStillWorks() {
        QFile f(m_pdf);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray bytes = f.readAll();
        const QString truncated = m_dir.filePath("truncated.pdf");
        QVERIFY(folio::test::writeFile(truncated, bytes.left(bytes.size() / 3)));
        const QString fake = m_dir.filePath("fake.pdf");
        QVERIFY(folio::test::writeFile(fake, "This is a plain text file, not a PDF.\n"));

        folio::IngestResult r = Ingestor::ingestBlocking(truncated, noOcr());
        QCOMPARE(r.outcome, IngestOutcome::Corrupt);
        QVERIFY(r.message.contains("damaged") || r.message.contains("stopped early"));
        QVERIFY(r.document.pages.isEmpty());
        r = Ingestor::ingestBlocking(fake, noOcr());
        QCOMPARE(r.outcome, IngestOutcome::Corrupt);
        QVERIFY(r.message.contains("not a readable PDF"));
        r = Ingestor::ingestBlocking(m_dir.filePath("missing.pdf"), noOcr());
        QCOMPARE(r.outcome, IngestOutcome::NotFound);
        r = Ingestor::ingestBlocking(m_dir.filePath("picture.png"), noOcr());
        QCOMPARE(r.outcome, IngestOutcome::Unsupported);

        r = Ingestor::ingestBlocking(m_pdf, noOcr());
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(r.document.pages.size(), kPages);
    }

    void textFilesAreReadDirectlyWithInvalidBytesReplaced() {
        const QString txt = m_dir.filePath("notes.txt");
        QVERIFY(folio::test::writeFile(txt, "first page caf\xc3\xa9 \xff\xfe end\fsecond page\n"));
        folio::IngestResult r = Ingestor::ingestBlocking(txt);
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(r.document.kind, QString("text"));
        QCOMPARE(r.document.pages.size(), 2);
        QVERIFY(r.document.pages[0].text.startsWith(QString::fromUtf8("first page café ")));
        QVERIFY(r.document.pages[0].text.contains(QChar(0xFFFD)));
        QCOMPARE(r.document.pages[1].text, QString("second page\n"));

        QString longText;
        for (int i = 0; i < 500; ++i)
            longText += QStringLiteral("line %1 of a markdown file\n").arg(i);
        const QVector<folio::IngestedPage> pages = Ingestor::splitTextPages(longText);
        QVERIFY(pages.size() >= 3);
        QString joined;
        for (const auto& p : pages) {
            QVERIFY(p.text.size() <= Ingestor::kTextPageChars);
            QVERIFY(p.text.endsWith('\n'));  // cut at line breaks
            joined += p.text;
        }
        QCOMPARE(joined, longText);
    }

    // Fake parsers (shell scripts) stand in for a PDF that hangs, crashes or checks its limits.
    void stalledParserIsKilled() {
        IngestOptions o = noOcr();
        o.program = script("hang.sh", "sleep 30\n");
        o.stallTimeoutMs = 300;
        QElapsedTimer t;
        t.start();
        folio::IngestResult r = Ingestor::ingestBlocking(m_pdf, o);
        QCOMPARE(r.outcome, IngestOutcome::TimedOut);
        QVERIFY(r.message.contains("progress"));
        QVERIFY(t.elapsed() < 10000);
    }

    void crashedParserIsReported() {
        IngestOptions o = noOcr();
        o.program = script("crash.sh", "kill -SEGV $$\n");
        folio::IngestResult r = Ingestor::ingestBlocking(m_pdf, o);
        QCOMPARE(r.outcome, IngestOutcome::Crashed);
        QVERIFY(r.message.contains("crashed"));
    }

    void childRunsUnderTheMemoryLimit() {
#if defined(__SANITIZE_ADDRESS__)
        QSKIP("an AddressSanitizer build applies no address-space limit (limitChildMemory)");
#endif
        IngestOptions o = noOcr();
        o.memoryLimitBytes = qint64(768) << 20;
        const QString out = m_dir.filePath("limit.txt");
        o.program = script("limit.sh", QStringLiteral("ulimit -v > '%1'\nexit 4\n").arg(out));
        folio::IngestResult r = Ingestor::ingestBlocking(m_pdf, o);
        QCOMPARE(r.outcome, IngestOutcome::Corrupt);
        QFile f(out);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll().trimmed(), QByteArray::number(768 * 1024));  // ulimit -v is in KiB
    }

    void cancelStopsAndFinishesOnce() {
        Ingestor ingestor;
        QSignalSpy finished(&ingestor, &Ingestor::finished);
        IngestOptions o = noOcr();
        o.program = script("slow.sh", "sleep 30\n");
        QVERIFY(ingestor.start(m_pdf, o));
        QVERIFY(!ingestor.start(m_pdf, o));  // one at a time
        QTest::qWait(100);
        ingestor.cancel();
        QCOMPARE(finished.size(), 1);
        QCOMPARE(ingestor.result().outcome, IngestOutcome::Cancelled);
        QVERIFY(!ingestor.isRunning());
        QTest::qWait(200);
        QCOMPARE(finished.size(), 1);
    }

private:
    QString script(const QString& name, const QString& body) {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly)) return {};
        f.write(("#!/bin/sh\n" + body).toUtf8());
        f.close();
        f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        return path;
    }

    QTemporaryDir m_dir;
    QString m_pdf;
};

QTEST_MAIN(DocIngestTest)
#include "doc_ingest_test.moc"
