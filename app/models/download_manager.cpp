#include "app/models/download_manager.h"

#include <QDir>
#include <QFileInfo>
#include <QUrl>
#include <array>

namespace folio {
namespace {

constexpr std::array<std::pair<Download::State, const char*>, 7> kStateNames{{
    {Download::State::Queued, "queued"},
    {Download::State::Downloading, "downloading"},
    {Download::State::Paused, "paused"},
    {Download::State::Verifying, "verifying"},
    {Download::State::Failed, "failed"},
    {Download::State::Cancelled, "cancelled"},
    {Download::State::Done, "done"},
}};

}  // namespace

DownloadManager::DownloadManager(const QString& directory, const DownloadOptions& options,
                                 QObject* parent)
    : QAbstractListModel(parent), m_dir(directory), m_options(options) {
    const QDir dir(m_dir);
    const QStringList sidecars =
        dir.entryList({QStringLiteral("*.part.json")}, QDir::Files, QDir::Name);
    for (const QString& name : sidecars) {
        QString error;
        Download* d = Download::restore(&m_nam, dir.filePath(name), m_options, &error, this);
        if (d)
            add(d);
        else
            qWarning("downloads: skipping %s", qPrintable(error));
    }
}

DownloadManager::~DownloadManager() = default;  // children abort their transfers

QString DownloadManager::stateName(Download::State state) {
    for (const auto& [s, name] : kStateNames)
        if (s == state) return QLatin1String(name);
    return QString();
}

Download* DownloadManager::find(const QString& fileName) const {
    for (Download* d : m_downloads)
        if (d->spec().fileName == fileName) return d;
    return nullptr;
}

Download* DownloadManager::start(const DownloadSpec& spec, QString* error) {
    QString problem;
    if (spec.fileName.isEmpty() || spec.fileName.contains(QLatin1Char('/')) ||
        spec.fileName.startsWith(QLatin1Char('.')))
        problem = QStringLiteral("invalid file name '%1'").arg(spec.fileName);
    else if (!spec.url.isValid() || (spec.url.scheme() != QLatin1String("http") &&
                                     spec.url.scheme() != QLatin1String("https")))
        problem = QStringLiteral("invalid download URL '%1'").arg(spec.url.toString());
    else if (QFileInfo::exists(QDir(m_dir).filePath(spec.fileName)))
        problem = QStringLiteral("%1 is already installed").arg(spec.fileName);
    if (!problem.isEmpty()) {
        m_lastError = problem;
        if (error) *error = problem;
        return nullptr;
    }
    Download* d = find(spec.fileName);
    if (d && d->state() == Download::State::Done) {
        removeRow(rowOf(d));
        d = nullptr;
    }
    if (!d) {
        d = new Download(&m_nam, m_dir, spec, m_options, this);
        add(d);
    }
    d->start();
    return d;
}

bool DownloadManager::start(const QString& url, const QString& fileName, qint64 expectedSize,
                            const QString& sha256) {
    DownloadSpec spec{QUrl(url), fileName, expectedSize, sha256.toLower()};
    return start(spec, nullptr) != nullptr;
}

void DownloadManager::pause(const QString& fileName) {
    if (Download* d = find(fileName)) d->pause();
}

void DownloadManager::resume(const QString& fileName) {
    if (Download* d = find(fileName)) d->start();
}

void DownloadManager::cancel(const QString& fileName) {
    if (Download* d = find(fileName)) {
        d->cancel();
        removeRow(rowOf(d));
    }
}

void DownloadManager::dismiss(const QString& fileName) {
    Download* d = find(fileName);
    if (d && (d->state() == Download::State::Done || d->state() == Download::State::Failed))
        removeRow(rowOf(d));
}

void DownloadManager::add(Download* d) {
    const int row = int(m_downloads.size());
    beginInsertRows({}, row, row);
    m_downloads.push_back(d);
    endInsertRows();
    connect(d, &Download::progressChanged, this, [this, d] { rowChanged(d); });
    connect(d, &Download::stateChanged, this, [this, d] { rowChanged(d); });
    connect(d, &Download::finished, this,
            [this, d](const QString& path) { emit downloadFinished(d->spec().fileName, path); });
    connect(d, &Download::failed, this, [this, d](const QString& message) {
        m_lastError = message;
        emit downloadFailed(d->spec().fileName, message);
    });
    emit countChanged();
}

void DownloadManager::removeRow(int row) {
    if (row < 0) return;
    beginRemoveRows({}, row, row);
    Download* d = m_downloads[size_t(row)];
    m_downloads.erase(m_downloads.begin() + row);
    endRemoveRows();
    d->disconnect(this);
    d->deleteLater();
    emit countChanged();
}

int DownloadManager::rowOf(const Download* download) const {
    for (size_t i = 0; i < m_downloads.size(); ++i)
        if (m_downloads[i] == download) return int(i);
    return -1;
}

void DownloadManager::rowChanged(const Download* download) {
    const int row = rowOf(download);
    if (row >= 0) emit dataChanged(index(row), index(row));
}

int DownloadManager::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_downloads.size());
}

QVariant DownloadManager::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const Download* d = m_downloads[size_t(index.row())];
    switch (role) {
        case Qt::DisplayRole:
        case FileNameRole:
            return d->spec().fileName;
        case StateRole:
            return stateName(d->state());
        case ReceivedRole:
            return d->received();
        case TotalRole:
            return d->total();
        case ProgressRole:
            return d->total() > 0 ? double(d->received()) / double(d->total()) : -1.0;
        case SpeedRole:
            return d->bytesPerSecond();
        case SecondsLeftRole:
            return d->secondsLeft();
        case ErrorRole:
            return d->errorText();
        case ChecksumKnownRole:
            return !d->spec().sha256.isEmpty();
        default:
            return {};
    }
}

QHash<int, QByteArray> DownloadManager::roleNames() const {
    return {{FileNameRole, "fileName"},          {StateRole, "state"},
            {ReceivedRole, "received"},          {TotalRole, "total"},
            {ProgressRole, "progress"},          {SpeedRole, "speed"},
            {SecondsLeftRole, "secondsLeft"},    {ErrorRole, "errorText"},
            {ChecksumKnownRole, "checksumKnown"}};
}

}  // namespace folio
