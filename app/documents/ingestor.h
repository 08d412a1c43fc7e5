#pragma once
// Ingestor: turns a file into page texts without letting the file hurt the app.
//
// PDFs are parsed by the folio-ingest child process (app/ingest/main.cpp) with an address-space
// limit (RLIMIT_AS, set in the child before exec) and a stall limit (the child is killed when no
// page arrives for stallTimeoutMs), so a hostile or huge PDF can neither crash nor freeze the app.
// .txt and .md files are read directly: invalid UTF-8 becomes U+FFFD, form feeds split pages, and
// text without form feeds is cut into sections of about kTextPageChars characters at line breaks.
//
// Thread-safety: an Ingestor belongs to the thread that created it (it uses QProcess and timers);
// signals are emitted on that thread. One file at a time.
#include <QObject>
#include <QProcess>
#include <QString>
#include <QTimer>
#include <QVector>

namespace folio {

struct IngestOptions {
    QString password;  // for encrypted PDFs; never stored
    bool ocr = true;   // tesseract for pages without a text layer
    QString ocrLanguages = QStringLiteral("eng+chi_sim");
    int stallTimeoutMs = 60'000;                // kill the child after this long without progress
    qint64 memoryLimitBytes = qint64(2) << 30;  // the child's address-space limit
    QString program;                            // folio-ingest; empty = beside the app binary
};

struct IngestedPage {
    int number = 0;  // 1-based
    QString text;
    bool ocr = false;  // the text was read from a rendered image by tesseract
};

struct IngestedDocument {
    QString path;
    QString kind;   // "pdf" or "text"
    QString title;  // metadata title, else the file name
    QString author;
    QString sha256;  // hex of the file's bytes
    QVector<IngestedPage> pages;
};

enum class IngestOutcome {
    Ok,
    NotFound,
    Unsupported,  // not .pdf, .txt or .md
    NeedsPassword,
    WrongPassword,
    Corrupt,
    Crashed,   // the parser died (e.g. the memory limit)
    TimedOut,  // no progress for stallTimeoutMs
    Cancelled,
};

struct IngestResult {
    IngestOutcome outcome = IngestOutcome::Ok;
    QString message;  // user-facing; empty when Ok
    IngestedDocument document;
    bool ok() const { return outcome == IngestOutcome::Ok; }
};

// Makes process apply an address-space limit (RLIMIT_AS, bytes) in the child before exec.
void limitChildMemory(QProcess& process, qint64 bytes);
// The folio-ingest executable beside the running application.
QString defaultIngestProgram();

class Ingestor : public QObject {
    Q_OBJECT
public:
    static constexpr int kTextPageChars = 4000;

    explicit Ingestor(QObject* parent = nullptr);
    ~Ingestor() override;  // kills a running child

    // Starts reading path; progress() follows, then finished() exactly once (also on failure).
    // Returns false (and emits nothing) if one is already running.
    bool start(const QString& path, const IngestOptions& options = {});
    void cancel();
    bool isRunning() const { return m_running; }
    const IngestResult& result() const { return m_result; }

    // Runs start() to completion in a local event loop (tests, worker threads).
    static IngestResult ingestBlocking(const QString& path, const IngestOptions& options = {});
    // Reads a .txt/.md file into pages (no process). Exposed for tests.
    static IngestResult readTextFile(const QString& path);
    // Splits text into pages: at form feeds, else at line breaks every ~kTextPageChars.
    static QVector<IngestedPage> splitTextPages(const QString& text);

signals:
    void progress(int pagesDone, int pageCount);
    void finished();

private:
    void onReadyRead();
    void onProcessFinished(int exitCode, QProcess::ExitStatus status);
    void onStalled();
    void finish(IngestOutcome outcome, const QString& message);
    void handleLine(const QByteArray& line);

    QProcess* m_process = nullptr;
    QTimer m_stallTimer;
    IngestOptions m_options;
    IngestResult m_result;
    int m_pageCount = 0;
    bool m_running = false;
    bool m_killedForStall = false;
};

}  // namespace folio
