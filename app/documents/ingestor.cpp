#include "app/documents/ingestor.h"

#include <sys/resource.h>

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringDecoder>

#include "app/documents/ingest_protocol.h"
#include "app/documents/text_cleanup.h"

namespace folio {
namespace {

constexpr qint64 kMaxTextFileBytes = qint64(64) << 20;

// The child's exit codes and what they mean to the user.
struct ExitMeaning {
    IngestExit code;
    IngestOutcome outcome;
    const char* message;
};
const ExitMeaning kExitMeanings[] = {
    {IngestExit::NotFound, IngestOutcome::NotFound, "The file does not exist or cannot be read."},
    {IngestExit::Corrupt, IngestOutcome::Corrupt,
     "The file is not a readable PDF (it may be damaged or truncated)."},
    {IngestExit::NeedsPassword, IngestOutcome::NeedsPassword,
     "The PDF is encrypted: enter its password to open it."},
    {IngestExit::WrongPassword, IngestOutcome::WrongPassword,
     "The password is wrong for this PDF."},
    {IngestExit::Usage, IngestOutcome::Crashed, "Internal error: folio-ingest was misused."},
};

QString fileSha256(const QByteArray& bytes) {
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

}  // namespace

QString defaultIngestProgram() {
    return QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("folio-ingest"));
}

// An AddressSanitizer build (the asan preset) reserves terabytes of address space for its shadow
// memory at start-up, so a child built with it cannot run under RLIMIT_AS: no limit there.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kCanLimitAddressSpace = false;
#else
constexpr bool kCanLimitAddressSpace = true;
#endif

void limitChildMemory(QProcess& process, qint64 bytes) {
    if (!kCanLimitAddressSpace) return;
    const rlim_t limit = rlim_t(bytes);
    // Runs in the child between fork and exec: only async-signal-safe calls.
    process.setChildProcessModifier([limit] {
        struct rlimit rl {
            limit, limit
        };
        setrlimit(RLIMIT_AS, &rl);
    });
}

Ingestor::Ingestor(QObject* parent) : QObject(parent) {
    m_stallTimer.setSingleShot(true);
    connect(&m_stallTimer, &QTimer::timeout, this, &Ingestor::onStalled);
}

Ingestor::~Ingestor() {
    if (m_process) {
        m_process->disconnect(this);
        m_process->kill();
        m_process->waitForFinished(2000);
    }
}

QVector<IngestedPage> Ingestor::splitTextPages(const QString& text) {
    QVector<IngestedPage> pages;
    auto add = [&pages](const QString& t) { pages.push_back({int(pages.size()) + 1, t, false}); };
    if (text.contains(QChar('\f'))) {
        for (const QString& part : text.split(QChar('\f'))) add(part);
        return pages;
    }
    qsizetype start = 0;
    while (start < text.size()) {
        qsizetype end = std::min(text.size(), start + qsizetype(kTextPageChars));
        if (end < text.size()) {
            const qsizetype nl = text.lastIndexOf(QChar('\n'), end - 1);
            if (nl > start) end = nl + 1;  // cut after a line break when there is one
        }
        add(text.mid(start, end - start));
        start = end;
    }
    if (pages.isEmpty()) add(QString());
    return pages;
}

IngestResult Ingestor::readTextFile(const QString& path) {
    IngestResult r;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        r.outcome = IngestOutcome::NotFound;
        r.message = QStringLiteral("The file does not exist or cannot be read.");
        return r;
    }
    if (f.size() > kMaxTextFileBytes) {
        r.outcome = IngestOutcome::Unsupported;
        r.message = QStringLiteral("The text file is larger than 64 MB.");
        return r;
    }
    const QByteArray bytes = f.readAll();
    QStringDecoder decode(QStringDecoder::Utf8);  // invalid sequences become U+FFFD
    const QString text = decode(bytes);
    r.document.path = path;
    r.document.kind = QStringLiteral("text");
    r.document.title = QFileInfo(path).fileName();
    r.document.sha256 = fileSha256(bytes);
    r.document.pages = splitTextPages(text);
    return r;
}

bool Ingestor::start(const QString& path, const IngestOptions& options) {
    if (m_running) return false;
    m_running = true;
    m_killedForStall = false;
    m_options = options;
    m_result = {};
    m_pageCount = 0;
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == "txt" || suffix == "md" || suffix == "markdown") {
        // Deferred so that finished() never fires inside start().
        QMetaObject::invokeMethod(
            this,
            [this, path] {
                IngestResult r = readTextFile(path);
                m_result = r;
                if (r.ok())
                    emit progress(int(r.document.pages.size()), int(r.document.pages.size()));
                finish(r.outcome, r.message);
            },
            Qt::QueuedConnection);
        return true;
    }
    if (suffix != "pdf") {
        QMetaObject::invokeMethod(
            this,
            [this] {
                finish(IngestOutcome::Unsupported,
                       QStringLiteral("Only PDF, .txt and .md files can be added."));
            },
            Qt::QueuedConnection);
        return true;
    }
    m_result.document.path = path;
    m_result.document.kind = QStringLiteral("pdf");
    m_result.document.title = QFileInfo(path).completeBaseName();
    m_process = new QProcess(this);
    limitChildMemory(*m_process, options.memoryLimitBytes);
    connect(m_process, &QProcess::readyReadStandardOutput, this, &Ingestor::onReadyRead);
    connect(m_process, &QProcess::finished, this, &Ingestor::onProcessFinished);
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart)
            finish(IngestOutcome::Crashed,
                   QStringLiteral("Cannot start the PDF reader (%1).").arg(m_process->program()));
    });
    QStringList args{path};
    if (!options.password.isEmpty()) args << QStringLiteral("--password-stdin");
    if (options.ocr)
        args << QStringLiteral("--ocr") << QStringLiteral("--ocr-lang") << options.ocrLanguages;
    m_process->start(options.program.isEmpty() ? defaultIngestProgram() : options.program, args);
    if (!options.password.isEmpty()) m_process->write(options.password.toUtf8() + '\n');
    m_process->closeWriteChannel();
    m_stallTimer.start(options.stallTimeoutMs);
    return true;
}

void Ingestor::cancel() {
    if (!m_running) return;
    finish(IngestOutcome::Cancelled, QStringLiteral("Cancelled."));
}

void Ingestor::handleLine(const QByteArray& line) {
    const QJsonObject o = QJsonDocument::fromJson(line).object();
    const QString type = o.value("type").toString();
    if (type == "meta") {
        m_pageCount = o.value("pages").toInt();
        const QString title = o.value("title").toString().trimmed();
        if (!title.isEmpty()) m_result.document.title = title;
        m_result.document.author = o.value("author").toString().trimmed();
        m_result.document.sha256 = o.value("sha256").toString();
        m_result.document.pages.reserve(m_pageCount);
    } else if (type == "page") {
        IngestedPage page{o.value("page").toInt(),
                          normalizeExtractedText(o.value("text").toString()),
                          o.value("ocr").toBool()};
        m_result.document.pages.push_back(page);
        emit progress(int(m_result.document.pages.size()), m_pageCount);
    }
}

void Ingestor::onReadyRead() {
    m_stallTimer.start(m_options.stallTimeoutMs);
    while (m_process && m_process->canReadLine()) handleLine(m_process->readLine());
}

void Ingestor::onProcessFinished(int exitCode, QProcess::ExitStatus status) {
    if (!m_running) return;
    onReadyRead();
    if (m_killedForStall) return;  // finish() already ran
    if (status == QProcess::CrashExit) {
        finish(IngestOutcome::Crashed,
               QStringLiteral("The PDF reader crashed on this file (it may be damaged, or need "
                              "more than %1 MB of memory).")
                   .arg(m_options.memoryLimitBytes >> 20));
        return;
    }
    if (exitCode == 0) {
        if (m_result.document.pages.size() != m_pageCount || m_pageCount == 0)
            finish(IngestOutcome::Corrupt, QStringLiteral("The PDF reader stopped early."));
        else
            finish(IngestOutcome::Ok, {});
        return;
    }
    for (const ExitMeaning& m : kExitMeanings) {
        if (static_cast<int>(m.code) == exitCode) {
            finish(m.outcome, QString::fromUtf8(m.message));
            return;
        }
    }
    finish(IngestOutcome::Crashed,
           QStringLiteral("The PDF reader failed (exit code %1).").arg(exitCode));
}

void Ingestor::onStalled() {
    m_killedForStall = true;
    finish(IngestOutcome::TimedOut,
           QStringLiteral("Reading the PDF stopped making progress for %1 s and was stopped.")
               .arg(m_options.stallTimeoutMs / 1000));
}

void Ingestor::finish(IngestOutcome outcome, const QString& message) {
    if (!m_running) return;
    m_running = false;
    m_stallTimer.stop();
    if (m_process) {
        m_process->disconnect(this);
        if (m_process->state() != QProcess::NotRunning) {
            m_process->kill();
            m_process->waitForFinished(2000);
        }
        m_process->deleteLater();
        m_process = nullptr;
    }
    m_result.outcome = outcome;
    m_result.message = message;
    if (outcome != IngestOutcome::Ok) m_result.document.pages.clear();
    emit finished();
}

IngestResult Ingestor::ingestBlocking(const QString& path, const IngestOptions& options) {
    Ingestor ingestor;
    QEventLoop loop;
    connect(&ingestor, &Ingestor::finished, &loop, &QEventLoop::quit);
    if (!ingestor.start(path, options)) return {};
    loop.exec();
    return ingestor.result();
}

}  // namespace folio
