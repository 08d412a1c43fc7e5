#include "app/models/download.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QSaveFile>
#include <QStorageInfo>
#include <QTimer>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "engine/gguf/gguf.h"

namespace folio {
namespace {

constexpr qint64 kDiskMarginBytes = 64ll << 20;  // keep this much free beyond the download
constexpr qint64 kHashChunkBytes = 4ll << 20;
constexpr int kSpeedSampleMs = 500;

// Network errors after which resuming from the current offset may succeed.
bool isTransient(QNetworkReply::NetworkError e) {
    switch (e) {
        case QNetworkReply::RemoteHostClosedError:
        case QNetworkReply::TimeoutError:
        case QNetworkReply::OperationCanceledError:  // setTransferTimeout fired
        case QNetworkReply::TemporaryNetworkFailureError:
        case QNetworkReply::NetworkSessionFailedError:
        case QNetworkReply::UnknownNetworkError:
        case QNetworkReply::ProxyTimeoutError:
            return true;
        default:
            return false;
    }
}

QString formatBytes(qint64 bytes) {
    return QLocale::c().formattedDataSize(bytes);
}

}  // namespace

Download::Download(QNetworkAccessManager* nam, const QString& dir, const DownloadSpec& spec,
                   const DownloadOptions& options, QObject* parent)
    : QObject(parent), m_nam(nam), m_dir(dir), m_spec(spec), m_options(options) {
    const QFileInfo part(partPath());
    if (part.exists()) m_received = part.size();
}

Download::~Download() {
    closeReply();
}

Download* Download::restore(QNetworkAccessManager* nam, const QString& sidecarPath,
                            const DownloadOptions& options, QString* error, QObject* parent) {
    QFile file(sidecarPath);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(sidecarPath, file.errorString());
        return nullptr;
    }
    const QJsonObject o = QJsonDocument::fromJson(file.readAll()).object();
    DownloadSpec spec;
    spec.url = QUrl(o.value(QLatin1String("url")).toString());
    spec.fileName = o.value(QLatin1String("file")).toString();
    spec.expectedSize = qint64(o.value(QLatin1String("expectedSize")).toDouble(-1));
    spec.sha256 = o.value(QLatin1String("sha256")).toString();
    spec.checkGguf = o.value(QLatin1String("checkGguf")).toBool(true);
    if (!spec.url.isValid() || spec.url.isEmpty() || spec.fileName.isEmpty() ||
        spec.fileName.contains(QLatin1Char('/'))) {
        *error = QStringLiteral("%1: 'url' or 'file' is missing or invalid").arg(sidecarPath);
        return nullptr;
    }
    auto* d = new Download(nam, QFileInfo(sidecarPath).absolutePath(), spec, options, parent);
    d->m_total = qint64(o.value(QLatin1String("total")).toDouble(-1));
    d->m_etag = o.value(QLatin1String("etag")).toString();
    d->m_lastModified = o.value(QLatin1String("lastModified")).toString();
    d->m_state = State::Paused;
    return d;
}

QString Download::finalPath() const {
    return QDir(m_dir).filePath(m_spec.fileName);
}
QString Download::partPath() const {
    return finalPath() + QStringLiteral(".part");
}
QString Download::sidecarPath() const {
    return partPath() + QStringLiteral(".json");
}

double Download::secondsLeft() const {
    if (m_total <= 0 || m_speed <= 0) return -1;
    return double(m_total - m_received) / m_speed;
}

void Download::start() {
    if (m_state == State::Downloading || m_state == State::Verifying || m_state == State::Done)
        return;
    m_error.clear();
    m_retries = 0;
    if (!QDir().mkpath(m_dir)) {
        fail(QStringLiteral("cannot create the folder %1").arg(m_dir), true);
        return;
    }
    if (!openPart()) return;
    const qint64 size = m_total > 0 ? m_total : m_spec.expectedSize;
    if (size > 0 && !checkDiskSpace(size - m_received)) return;
    if (!writeSidecar()) return;
    sendRequest();
}

void Download::pause() {
    if (m_state != State::Downloading && m_state != State::Queued) return;
    closeReply();
    m_part.flush();
    m_speed = 0;
    setState(State::Paused);
}

void Download::cancel() {
    if (m_state == State::Done || m_state == State::Cancelled) return;
    closeReply();
    m_part.close();
    removePartials();
    m_received = 0;
    m_speed = 0;
    setState(State::Cancelled);
}

bool Download::openPart() {
    if (m_part.isOpen()) return true;
    m_part.setFileName(partPath());
    if (!m_part.open(QIODevice::ReadWrite)) {
        fail(QStringLiteral("cannot open %1 for writing: %2").arg(partPath(), m_part.errorString()),
             true);
        return false;
    }
    // The checksum covers the whole file, so a resumed download hashes what it already has.
    m_hash.reset();
    m_received = 0;
    while (!m_part.atEnd()) {
        const QByteArray chunk = m_part.read(kHashChunkBytes);
        if (chunk.isEmpty()) break;
        m_hash.addData(chunk);
        m_received += chunk.size();
    }
    m_part.seek(m_received);
    return true;
}

void Download::truncatePart() {
    m_part.resize(0);
    m_part.seek(0);
    m_hash.reset();
    m_received = 0;
    m_total = -1;
}

bool Download::checkDiskSpace(qint64 needed) {
    const QStorageInfo info(m_dir);
    if (!info.isValid() || needed <= 0 || info.bytesAvailable() >= needed + kDiskMarginBytes)
        return true;
    fail(
        QStringLiteral("not enough disk space in %1: the download needs %2 more, %3 free")
            .arg(m_dir, formatBytes(needed + kDiskMarginBytes), formatBytes(info.bytesAvailable())),
        true);
    return false;
}

bool Download::writeSidecar() {
    QJsonObject o{{QStringLiteral("url"), m_spec.url.toString()},
                  {QStringLiteral("file"), m_spec.fileName},
                  {QStringLiteral("expectedSize"), double(m_spec.expectedSize)},
                  {QStringLiteral("total"), double(m_total)},
                  {QStringLiteral("etag"), m_etag},
                  {QStringLiteral("lastModified"), m_lastModified},
                  {QStringLiteral("sha256"), m_spec.sha256},
                  {QStringLiteral("checkGguf"), m_spec.checkGguf}};
    QSaveFile file(sidecarPath());
    if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(o).toJson()) < 0 ||
        !file.commit()) {
        fail(QStringLiteral("cannot write %1: %2").arg(sidecarPath(), file.errorString()), true);
        return false;
    }
    return true;
}

void Download::sendRequest() {
    QNetworkRequest request(m_spec.url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::NoLessSafeRedirectPolicy);
    request.setTransferTimeout(m_options.transferTimeoutMs);
    // Byte offsets must count the file's bytes, not a compressed stream's.
    request.setRawHeader("Accept-Encoding", "identity");
    if (m_received > 0) {
        request.setRawHeader("Range", "bytes=" + QByteArray::number(m_received) + "-");
        const QString validator = !m_etag.isEmpty() ? m_etag : m_lastModified;
        if (!validator.isEmpty()) request.setRawHeader("If-Range", validator.toUtf8());
    }
    m_headersHandled = false;
    m_reply = m_nam->get(request);
    connect(m_reply, &QNetworkReply::readyRead, this, &Download::onReadyRead);
    connect(m_reply, &QNetworkReply::finished, this, &Download::onFinished);
    m_speedClock.start();
    m_speedMark = m_received;
    setState(State::Downloading);
}

bool Download::acceptResponse() {
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const qint64 length = m_reply->header(QNetworkRequest::ContentLengthHeader).toLongLong();
    if (status == 206) {
        static const QRegularExpression range(QStringLiteral("^bytes (\\d+)-(\\d+)/(\\d+|\\*)$"));
        const auto m = range.match(QString::fromLatin1(m_reply->rawHeader("Content-Range")));
        if (!m.hasMatch() || m.captured(1).toLongLong() != m_received) {
            // The server resumed from somewhere else: start over rather than splice.
            closeReply();
            truncatePart();
            retryOrFail(QStringLiteral("the server resumed from the wrong offset"));
            return false;
        }
        m_total =
            m.captured(3) == QLatin1String("*") ? m_received + length : m.captured(3).toLongLong();
    } else if (status == 200) {
        if (m_received > 0)
            truncatePart();  // Range ignored, or the file changed (If-Range): take it whole
        m_total = length > 0 ? length : -1;
    } else if (status == 416) {
        closeReply();
        truncatePart();
        retryOrFail(QStringLiteral("the server refused the resume offset (HTTP 416)"));
        return false;
    } else {
        const QString reason =
            m_reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
        fail(QStringLiteral("HTTP %1 %2 for %3").arg(status).arg(reason, m_spec.url.toString()),
             true);
        return false;
    }
    const QByteArray etag = m_reply->rawHeader("ETag");
    if (status == 200 || !etag.isEmpty())
        m_etag =
            etag.startsWith("W/") ? QString() : QString::fromLatin1(etag);  // If-Range needs strong
    const QByteArray lastModified = m_reply->rawHeader("Last-Modified");
    if (status == 200 || !lastModified.isEmpty())
        m_lastModified = QString::fromLatin1(lastModified);
    m_headersHandled = true;
    if (m_total > 0 && !checkDiskSpace(m_total - m_received)) return false;
    return writeSidecar();
}

void Download::onReadyRead() {
    if (!m_reply) return;
    if (!m_headersHandled && !acceptResponse()) return;
    const QByteArray data = m_reply->readAll();
    if (data.isEmpty()) return;
    if (m_part.write(data) != data.size()) {
        fail(QStringLiteral("cannot write %1: %2 (is the disk full?)")
                 .arg(partPath(), m_part.errorString()),
             true);
        return;
    }
    m_hash.addData(data);
    m_received += data.size();
    m_retries = 0;  // progress: a later break gets the full number of retries again
    updateSpeed();
    emit progressChanged();
}

void Download::onFinished() {
    QNetworkReply* reply = m_reply;
    if (!reply) return;
    const bool hasStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).isValid();
    if (reply->bytesAvailable() > 0 || (!m_headersHandled && hasStatus))
        onReadyRead();  // the last bytes, or the headers of an empty or error answer
    if (m_state != State::Downloading || m_reply != reply)
        return;  // failed or restarted while handling the rest
    m_reply = nullptr;
    reply->deleteLater();
    m_part.flush();
    const QNetworkReply::NetworkError error = reply->error();
    if (error != QNetworkReply::NoError) {
        const bool stalled =
            error == QNetworkReply::OperationCanceledError || error == QNetworkReply::TimeoutError;
        const QString message = stalled ? QStringLiteral("no data from the server for %1 s")
                                              .arg(m_options.transferTimeoutMs / 1000.0)
                                        : reply->errorString();
        if (isTransient(error))
            retryOrFail(message);
        else
            fail(QStringLiteral("download failed: %1").arg(message), true);
        return;
    }
    if (m_total >= 0 && m_received != m_total) {
        retryOrFail(
            QStringLiteral("the connection closed at %1 of %2 bytes").arg(m_received).arg(m_total));
        return;
    }
    verifyAndInstall();
}

void Download::retryOrFail(const QString& message) {
    if (m_retries >= m_options.maxRetries) {
        fail(QStringLiteral("download failed: %1").arg(message), true);
        return;
    }
    ++m_retries;
    QTimer::singleShot(m_options.retryDelayMs, this, [this] {
        if (m_state == State::Downloading && !m_reply) sendRequest();
    });
}

void Download::verifyAndInstall() {
    setState(State::Verifying);
    m_part.close();
    if (!m_spec.sha256.isEmpty()) {
        const QString actual = QString::fromLatin1(m_hash.result().toHex());
        if (actual != m_spec.sha256) {
            removePartials();
            fail(QStringLiteral("checksum mismatch for %1: expected sha256 %2, got %3; the file "
                                "was deleted")
                     .arg(m_spec.fileName, m_spec.sha256, actual),
                 false);
            return;
        }
    }
    if (m_spec.checkGguf) {
        auto gguf = GgufFile::open(partPath().toStdString());
        if (!gguf) {
            removePartials();
            fail(QStringLiteral("%1 is not a valid GGUF model (%2); the file was deleted")
                     .arg(m_spec.fileName, QString::fromStdString(gguf.error().message)),
                 false);
            return;
        }
    }
    // rename(2) replaces the target atomically: readers see the old file or the whole new one.
    if (std::rename(QFile::encodeName(partPath()).constData(),
                    QFile::encodeName(finalPath()).constData()) != 0) {
        fail(QStringLiteral("cannot move %1 into place: %2")
                 .arg(finalPath(), QString::fromLocal8Bit(std::strerror(errno))),
             true);
        return;
    }
    QFile::remove(sidecarPath());
    m_speed = 0;
    setState(State::Done);
    emit finished(finalPath());
}

void Download::removePartials() {
    QFile::remove(partPath());
    QFile::remove(sidecarPath());
}

void Download::updateSpeed() {
    const qint64 ms = m_speedClock.elapsed();
    if (ms < kSpeedSampleMs) return;
    const double now = double(m_received - m_speedMark) * 1000.0 / double(ms);
    m_speed = m_speed <= 0 ? now : 0.7 * m_speed + 0.3 * now;
    m_speedMark = m_received;
    m_speedClock.restart();
}

void Download::setState(State state) {
    if (m_state == state) return;
    m_state = state;
    emit stateChanged();
}

void Download::fail(const QString& message, bool keepPartial) {
    closeReply();
    m_part.close();
    if (!keepPartial) {
        removePartials();
        m_received = 0;
    }
    m_error = message;
    m_speed = 0;
    setState(State::Failed);
    emit failed(message);
}

void Download::closeReply() {
    if (!m_reply) return;
    QNetworkReply* reply = m_reply;
    m_reply = nullptr;
    disconnect(reply, nullptr, this, nullptr);
    reply->abort();
    reply->deleteLater();
}

}  // namespace folio
