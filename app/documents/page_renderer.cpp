#include "app/documents/page_renderer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include "app/documents/ingestor.h"

namespace folio {

namespace {

// Runs folio-ingest with args (the password, if any, on stdin) and waits for it. Returns its
// standard output, or an error naming what went wrong with `what` ("render page 3").
Expected<QByteArray> runChild(QStringList args, const RenderOptions& options, const QString& what) {
    QProcess child;
    limitChildMemory(child, options.memoryLimitBytes);
    if (!options.password.isEmpty()) args << QStringLiteral("--password-stdin");
    child.start(options.program.isEmpty() ? defaultIngestProgram() : options.program, args);
    if (!child.waitForStarted()) return makeError("cannot start folio-ingest");
    if (!options.password.isEmpty()) child.write(options.password.toUtf8() + '\n');
    child.closeWriteChannel();
    if (!child.waitForFinished(options.timeoutMs)) {
        child.kill();
        child.waitForFinished();
        return makeError(("cannot " + what + ": it took too long").toStdString());
    }
    if (child.exitStatus() != QProcess::NormalExit || child.exitCode() != 0) {
        const QString why = QString::fromLocal8Bit(child.readAllStandardError()).trimmed();
        return makeError(("cannot " + what + ": " +
                          (why.isEmpty() ? QStringLiteral("the renderer crashed") : why))
                             .toStdString());
    }
    return child.readAllStandardOutput();
}

}  // namespace

Expected<QImage> renderPdfPage(const QString& path, int page, const RenderOptions& options) {
    if (page < 1) return makeError("page numbers start at 1");
    QTemporaryDir dir;
    if (!dir.isValid()) return makeError("cannot create a temporary folder for the page image");
    const QString png = dir.filePath(QStringLiteral("page.png"));
    const QStringList args{path,
                           QStringLiteral("--render"),
                           QString::number(page),
                           QStringLiteral("--dpi"),
                           QString::number(options.dpi),
                           QStringLiteral("--output"),
                           png};
    Expected<QByteArray> out = runChild(args, options, QStringLiteral("render page %1").arg(page));
    if (!out) return out.error();
    QImage image(png);
    if (image.isNull()) return makeError("the rendered page image cannot be read");
    return image;
}

Expected<QVector<WordBox>> readPageWords(const QString& path, int page,
                                         const RenderOptions& options) {
    if (page < 1) return makeError("page numbers start at 1");
    const QStringList args{path, QStringLiteral("--words"), QString::number(page)};
    Expected<QByteArray> out =
        runChild(args, options, QStringLiteral("read the words of page %1").arg(page));
    if (!out) return out.error();
    const QJsonObject line = QJsonDocument::fromJson(out->trimmed()).object();
    if (line.value(QStringLiteral("type")).toString() != QStringLiteral("words"))
        return makeError("folio-ingest gave no word list");
    QVector<WordBox> words;
    for (const QJsonValue& v : line.value(QStringLiteral("words")).toArray()) {
        const QJsonArray w = v.toArray();
        if (w.size() != 5) continue;
        words.push_back({w[0].toString(), QRectF(w[1].toDouble(), w[2].toDouble(), w[3].toDouble(),
                                                 w[4].toDouble())});
    }
    return words;
}

PageImageProvider::PageImageProvider(std::function<QString(qint64)> pathForDocument,
                                     RenderOptions options)
    : QQuickImageProvider(QQuickImageProvider::Image,
                          QQmlImageProviderBase::ForceAsynchronousImageLoading),
      m_pathForDocument(std::move(pathForDocument)),
      m_options(std::move(options)) {}

QImage PageImageProvider::requestImage(const QString& id, QSize* size, const QSize& requestedSize) {
    const QStringList parts = id.split('/');
    bool okId = false;
    bool okPage = false;
    const qint64 documentId = parts.value(0).toLongLong(&okId);
    const int page = parts.value(1).toInt(&okPage);
    if (parts.size() != 2 || !okId || !okPage) return {};
    const QString path = m_pathForDocument ? m_pathForDocument(documentId) : QString();
    if (path.isEmpty()) return {};
    Expected<QImage> image = renderPdfPage(path, page, m_options);
    if (!image) return {};
    QImage out = *image;
    if (requestedSize.isValid() && !requestedSize.isEmpty())
        out = out.scaled(requestedSize, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    if (size) *size = out.size();
    return out;
}

}  // namespace folio
