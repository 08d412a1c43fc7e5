#pragma once
// DownloadManager: the model downloads into one folder, as a list model for QML (`downloads`).
// On construction it finds unfinished downloads (<dir>/*.gguf.part.json sidecars) and lists them
// as paused, so a download survives a restart of the app. Rows are keyed by file name.
// GUI thread only (item models change only there).
#include <QAbstractListModel>
#include <QNetworkAccessManager>
#include <QString>
#include <vector>

#include "app/models/download.h"

namespace folio {

class DownloadManager : public QAbstractListModel {
    Q_OBJECT
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
    Q_PROPERTY(QString directory READ directory CONSTANT)

public:
    enum Role {
        FileNameRole = Qt::UserRole + 1,
        StateRole,          // "queued" | "downloading" | "paused" | "verifying" | "failed" | ...
        ReceivedRole,       // bytes (qint64)
        TotalRole,          // bytes, -1 unknown
        ProgressRole,       // 0..1, -1 unknown
        SpeedRole,          // bytes per second
        SecondsLeftRole,    // -1 unknown
        ErrorRole,          // the last error, empty when none
        ChecksumKnownRole,  // true when a sha256 is pinned (else only the GGUF check runs)
    };

    explicit DownloadManager(const QString& directory, const DownloadOptions& options = {},
                             QObject* parent = nullptr);
    ~DownloadManager() override;

    QString directory() const { return m_dir; }
    // Starts (or resumes) the download of spec.fileName. Returns the row's Download, or nullptr
    // with *error set when the spec is invalid or the file is already installed.
    Download* start(const DownloadSpec& spec, QString* error = nullptr);
    Download* find(const QString& fileName) const;

    Q_INVOKABLE bool start(const QString& url, const QString& fileName, qint64 expectedSize,
                           const QString& sha256);
    Q_INVOKABLE void pause(const QString& fileName);
    Q_INVOKABLE void resume(const QString& fileName);
    Q_INVOKABLE void cancel(const QString& fileName);   // deletes partial files, drops the row
    Q_INVOKABLE void dismiss(const QString& fileName);  // drops a Done/Failed row, keeps files
    Q_INVOKABLE QString lastError() const { return m_lastError; }

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    static QString stateName(Download::State state);

signals:
    void countChanged();
    void downloadFinished(const QString& fileName, const QString& path);
    void downloadFailed(const QString& fileName, const QString& message);

private:
    void add(Download* download);
    void removeRow(int row);
    int rowOf(const Download* download) const;
    void rowChanged(const Download* download);

    QString m_dir;
    DownloadOptions m_options;
    QNetworkAccessManager m_nam;
    std::vector<Download*> m_downloads;  // owned (QObject children)
    QString m_lastError;
};

}  // namespace folio
