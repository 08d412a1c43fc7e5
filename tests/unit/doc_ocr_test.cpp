// OCR: a page that holds only an image of text is read by tesseract (marked as OCR text); pages
// with a text layer are not; OCR can be turned off.
#include <QElapsedTimer>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "app/documents/ingestor.h"
#include "unit/doc_fixtures.h"

class DocOcrTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_pdf = m_dir.filePath("scanned.pdf");
        QVERIFY(folio::test::writeContractPdf(m_pdf, 3, 2));
    }

    void imageOnlyPageIsReadByOcr() {
        if (QStandardPaths::findExecutable("tesseract").isEmpty())
            QSKIP("tesseract is not installed (scripts/debian-packages.txt)");
        folio::IngestOptions options;
        options.ocrLanguages = "eng";
        QElapsedTimer timer;
        timer.start();
        const folio::IngestResult r = folio::Ingestor::ingestBlocking(m_pdf, options);
        qInfo("OCR of one page took %lld ms", static_cast<long long>(timer.elapsed()));
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(r.document.pages.size(), 3);
        QVERIFY(!r.document.pages[0].ocr);
        QVERIFY(!r.document.pages[2].ocr);
        QVERIFY(r.document.pages[0].text.contains("Supply Agreement page 1"));
        const folio::IngestedPage& scanned = r.document.pages[1];
        QVERIFY(scanned.ocr);
        QVERIFY2(scanned.text.contains("INVOICE", Qt::CaseInsensitive), qPrintable(scanned.text));
        QVERIFY2(scanned.text.contains("4711"), qPrintable(scanned.text));
        QVERIFY2(scanned.text.contains("OVERDUE", Qt::CaseInsensitive), qPrintable(scanned.text));
    }

    void ocrCanBeTurnedOff() {
        folio::IngestOptions options;
        options.ocr = false;
        const folio::IngestResult r = folio::Ingestor::ingestBlocking(m_pdf, options);
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(r.document.pages.size(), 3);
        QVERIFY(!r.document.pages[1].ocr);
        QVERIFY(r.document.pages[1].text.trimmed().isEmpty());
    }

private:
    QTemporaryDir m_dir;
    QString m_pdf;
};

QTEST_MAIN(DocOcrTest)
#include "doc_ocr_test.moc"
