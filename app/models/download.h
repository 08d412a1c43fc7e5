#pragma once
// Download: one resumable HTTP(S) transfer of a model file into a folder.
//
// On disk, while unfinished: <dir>/<file>.part (the bytes so far; its size is the resume offset)
// and <dir>/<file>.part.json (sidecar: url, total size, ETag/Last-Modified, sha256), so a new
// process can resume it (Download::restore). A finished file is checked (sha256 when known,
// then opened with folio::GgufFile) and renamed to <dir>/<file> atomically; a failed check
// deletes the partial files.
//
// Resume: "Range: bytes=<offset>-" plus "If-Range: <ETag>" (or Last-Modified) when the server
// gave one, so a changed file is sent whole (200) instead of spliced. A 200 answer to a ranged
// request restarts the file cleanly from byte 0. Broken connections and stalls are retried from
// the current offset up to maxRetries times, then reported.
//
// Thread-safety: GUI (or any one) thread with an event loop; not thread-safe.
#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;

namespace folio {

struct DownloadSpec {
    QUrl url;
    QString fileName;  // plain name, no '/'
    qint64 expectedSize =
        -1;                 // bytes, for the free-disk check before the server answers; -1 unknown
    QString sha256;         // lower-case hex; empty = unknown (the GGUF check still runs)
    bool checkGguf = true;  // open the finished file with GgufFile before installing (false for
                            // non-model files such as the default model's wheels)
};

struct DownloadOptions {
    int transferTimeoutMs = 30000;  // no data for this long -> error (or retry)
    int maxRetries = 3;             // automatic resumes after a broken connection or a stall
    int retryDelayMs = 2000;
};

class Download : public QObject {
    Q_OBJECT

public:
    enum class State { Queued, Downloading, Paused, Verifying, Failed, Cancelled, Done };
    Q_ENUM(State)

    // nam must outlive this object. Does not start: call start().
    Download(QNetworkAccessManager* nam, const QString& dir, const DownloadSpec& spec,
             const DownloadOptions& options, QObject* parent = nullptr);
    ~Download() override;  // aborts a running transfer; the partial files stay for a resume

    // Re-creates a paused download from <dir>/<file>.part.json; nullptr (and *error) when the
    // sidecar is unreadable.
    static Download* restore(QNetworkAccessManager* nam, const QString& sidecarPath,
                             const DownloadOptions& options, QString* error, QObject* parent);

    void start();   // also resumes a Paused or Failed download from its partial file
    void pause();   // keeps the partial file
    void cancel();  // stops and removes the partial file and sidecar (state Cancelled)

    State state() const { return m_state; }
    const DownloadSpec& spec() const { return m_spec; }
    qint64 received() const { return m_received; }
    qint64 total() const { return m_total; }  // -1 until known
    double bytesPerSecond() const { return m_speed; }
    double secondsLeft() const;  // -1 when unknown
    QString errorText() const { return m_error; }
    QString finalPath() const;
    QString partPath() const;
    QString sidecarPath() const;

signals:
    void progressChanged();
    void stateChanged();
    void finished(const QString& path);   // Done; path = the installed file
    void failed(const QString& message);  // Failed; message says what and why

private:
    void sendRequest();
    void onMetaData();
    void onReadyRead();
    void onFinished();
    bool acceptResponse();  // status checks; false when it failed or restarted
    bool openPart();        // opens the .part for append and hashes its prefix
    void truncatePart();
    void verifyAndInstall();
    bool writeSidecar();
    void removePartials();
    bool checkDiskSpace(qint64 needed);  // false (and Failed) when the folder lacks room
    void retryOrFail(const QString& message);
    void updateSpeed();
    void setState(State state);
    void fail(const QString& message, bool keepPartial);
    void closeReply();

    QNetworkAccessManager* m_nam;
    QString m_dir;
    DownloadSpec m_spec;
    DownloadOptions m_options;
    State m_state = State::Queued;
    QPointer<QNetworkReply> m_reply;
    QFile m_part;
    QCryptographicHash m_hash{QCryptographicHash::Sha256};  // over bytes 0..m_received
    qint64 m_received = 0;
    qint64 m_total = -1;
    QString m_etag;          // validator for If-Range
    QString m_lastModified;  // fallback validator
    QString m_error;
    int m_retries = 0;
    bool m_headersHandled = false;
    QElapsedTimer m_speedClock;
    qint64 m_speedMark = 0;  // m_received at the last speed sample
    double m_speed = 0;      // bytes/s, smoothed
};

}  // namespace folio
