#pragma once
// Page images and word boxes for the viewer pane, rendered by the folio-ingest child (so a hostile
// PDF cannot crash the app while it is being viewed either), and a QML image provider that serves
// them as image://folio-page/<documentId>/<page>.
#include <QImage>
#include <QQuickImageProvider>
#include <QString>
#include <functional>

#include "app/documents/passage_match.h"
#include "engine/status.h"

namespace folio {

struct RenderOptions {
    double dpi = 100;
    QString password;  // for encrypted PDFs; never stored
    int timeoutMs = 30'000;
    qint64 memoryLimitBytes = qint64(2) << 30;
    QString program;  // folio-ingest; empty = beside the app binary
};

// Renders page (1-based) of the PDF at path. Blocks until the child is done: call it off the GUI
// thread (the image provider below runs on Qt Quick's loader threads). Errors name the problem.
Expected<QImage> renderPdfPage(const QString& path, int page, const RenderOptions& options = {});

// The words of page (1-based) with their boxes in page fractions, read by the folio-ingest child
// (--words). Blocks like renderPdfPage: call it off the GUI thread.
Expected<QVector<WordBox>> readPageWords(const QString& path, int page,
                                         const RenderOptions& options = {});

class PageImageProvider : public QQuickImageProvider {
public:
    // pathForDocument: the PDF file of a stored document ("" when unknown). Called on loader
    // threads, so it must be thread-safe (e.g. a DocumentStore query on that thread's connection).
    explicit PageImageProvider(std::function<QString(qint64)> pathForDocument,
                               RenderOptions options = {});
    // id: "<documentId>/<page>". A failure gives a null image (QML shows Image.Error).
    QImage requestImage(const QString& id, QSize* size, const QSize& requestedSize) override;

private:
    std::function<QString(qint64)> m_pathForDocument;
    RenderOptions m_options;
};

}  // namespace folio
