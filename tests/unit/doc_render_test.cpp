// Page images for the viewer: rendered by the folio-ingest child, served by PageImageProvider;
// bad pages and broken files give errors, not crashes.
#include <QTemporaryDir>
#include <QtTest>

#include "app/documents/page_renderer.h"
#include "unit/doc_fixtures.h"

namespace {

int darkPixels(const QImage& image) {
    int n = 0;
    for (int y = 0; y < image.height(); y += 2)
        for (int x = 0; x < image.width(); x += 2)
            if (qGray(image.pixel(x, y)) < 128) ++n;
    return n;
}

}  // namespace

class DocRenderTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_pdf = m_dir.filePath("contract.pdf");
        QVERIFY(folio::test::writeContractPdf(m_pdf, 3));
    }

    void rendersAPage() {
        folio::RenderOptions options;
        options.dpi = 50;
        auto image = folio::renderPdfPage(m_pdf, 2, options);
        QVERIFY2(image.ok(), image.ok() ? "" : image.error().message.c_str());
        // A4 at 50 dpi: 8.27 x 11.69 in.
        QVERIFY(qAbs(image->width() - 413) <= 2);
        QVERIFY(qAbs(image->height() - 585) <= 2);
        QVERIFY(darkPixels(*image) > 50);  // the text is drawn
    }

    void badRequestsGiveErrors() {
        auto missingPage = folio::renderPdfPage(m_pdf, 9);
        QVERIFY(!missingPage.ok());
        QVERIFY(QString::fromStdString(missingPage.error().message).contains("no page 9"));
        QVERIFY(!folio::renderPdfPage(m_pdf, 0).ok());
        const QString fake = m_dir.filePath("fake.pdf");
        QVERIFY(folio::test::writeFile(fake, "not a pdf"));
        QVERIFY(!folio::renderPdfPage(fake, 1).ok());
    }

    void providerServesDocumentPages() {
        folio::RenderOptions options;
        options.dpi = 40;
        folio::PageImageProvider provider([this](qint64 id) { return id == 7 ? m_pdf : QString(); },
                                          options);
        QSize size;
        const QImage page = provider.requestImage("7/1", &size, QSize());
        QVERIFY(!page.isNull());
        QCOMPARE(size, page.size());
        const QImage small = provider.requestImage("7/1", &size, QSize(100, 100));
        QVERIFY(small.width() <= 100 && small.height() <= 100);
        QVERIFY(provider.requestImage("8/1", &size, QSize()).isNull());   // unknown document
        QVERIFY(provider.requestImage("7/x", &size, QSize()).isNull());   // malformed id
        QVERIFY(provider.requestImage("7/99", &size, QSize()).isNull());  // no such page
    }

private:
    QTemporaryDir m_dir;
    QString m_pdf;
};

QTEST_MAIN(DocRenderTest)
#include "doc_render_test.moc"
