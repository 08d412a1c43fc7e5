// folio-ingest: the child process that parses one PDF with poppler-qt6 and writes its text as JSON
// lines on stdout. It runs in its own process (started by folio::Ingestor with a time and memory
// limit) so that a PDF that crashes or hangs the parser cannot take the app down.
//
// Usage: folio-ingest FILE [--password-stdin] [--ocr] [--ocr-lang eng+chi_sim]
//        folio-ingest FILE [--password-stdin] --render PAGE --dpi DPI --output FILE.png
//        folio-ingest FILE [--password-stdin] --words PAGE
// The second form renders one page (1-based) to a PNG for the page viewer and prints nothing.
// The third prints the page's words with their boxes in page fractions (0..1, origin top left),
// for highlighting a cited passage: {"type":"words","page":N,"words":[[text,x,y,w,h],...]}.
// Output, one compact JSON object per line, flushed after each:
//   {"type":"meta","title":..,"author":..,"pages":N,"sha256":hex}
//   {"type":"page","page":N,"text":..,"ocr":bool}        N = 1..pages, in order
// Pages without a text layer are rendered at 300 dpi and read with tesseract when --ocr is given
// ("ocr":true); a failed OCR leaves the text empty and adds "ocrError". Messages go to stderr.
// Exit codes: the IngestExit table in app/documents/ingest_protocol.h.
#include <poppler-qt6.h>

#include <QByteArray>
#include <QCoreApplication>
#include <QCryptographicHash>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTextStream>
#include <cstdio>

#include "app/documents/ingest_protocol.h"

namespace {

using folio::IngestExit;

constexpr double kOcrDpi = 300.0;
constexpr int kOcrTimeoutMs = 180'000;  // one page
constexpr int kMinTextChars = 1;        // fewer non-space characters: the page needs OCR

struct Args {
    QString file;
    bool passwordOnStdin = false;
    bool ocr = false;
    QString ocrLanguages = QStringLiteral("eng+chi_sim");
    int renderPage = 0;  // > 0: render this page instead of extracting text
    int wordsPage = 0;   // > 0: print this page's word boxes instead of extracting text
    double dpi = 100;
    QString output;
};

int fail(IngestExit code, const QString& message) {
    QTextStream(stderr) << message << '\n';
    return static_cast<int>(code);
}

void writeLine(const QJsonObject& object) {
    const QByteArray line = QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n';
    std::fwrite(line.constData(), 1, static_cast<size_t>(line.size()), stdout);
    std::fflush(stdout);
}

bool parseArgs(const QStringList& argv, Args& args) {
    for (int i = 1; i < argv.size(); ++i) {
        const QString& a = argv[i];
        if (a == "--password-stdin") {
            args.passwordOnStdin = true;
        } else if (a == "--ocr") {
            args.ocr = true;
        } else if (a == "--ocr-lang" && i + 1 < argv.size()) {
            args.ocrLanguages = argv[++i];
        } else if (a == "--render" && i + 1 < argv.size()) {
            args.renderPage = argv[++i].toInt();
            if (args.renderPage <= 0) return false;
        } else if (a == "--words" && i + 1 < argv.size()) {
            args.wordsPage = argv[++i].toInt();
            if (args.wordsPage <= 0) return false;
        } else if (a == "--dpi" && i + 1 < argv.size()) {
            args.dpi = argv[++i].toDouble();
            if (args.dpi < 10 || args.dpi > 600) return false;
        } else if (a == "--output" && i + 1 < argv.size()) {
            args.output = argv[++i];
        } else if (a.startsWith("--") || !args.file.isEmpty()) {
            return false;
        } else {
            args.file = a;
        }
    }
    return !args.file.isEmpty() && (args.renderPage == 0 || !args.output.isEmpty());
}

QString sha256Of(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(&f);
    return QString::fromLatin1(hash.result().toHex());
}

// Reads the page image with tesseract; returns the text or sets error.
QString ocrPage(const Poppler::Page& page, const QString& languages, const QTemporaryDir& dir,
                QString& error) {
    const QImage image = page.renderToImage(kOcrDpi, kOcrDpi);
    const QString png = dir.filePath(QStringLiteral("page.png"));
    if (image.isNull() || !image.save(png, "PNG")) {
        error = QStringLiteral("cannot render the page for OCR");
        return {};
    }
    QProcess tesseract;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("OMP_THREAD_LIMIT"), QStringLiteral("1"));
    tesseract.setProcessEnvironment(env);
    tesseract.start(QStringLiteral("tesseract"),
                    {png, QStringLiteral("stdout"), QStringLiteral("-l"), languages});
    if (!tesseract.waitForStarted()) {
        error = QStringLiteral("tesseract is not installed");
        return {};
    }
    if (!tesseract.waitForFinished(kOcrTimeoutMs)) {
        tesseract.kill();
        tesseract.waitForFinished();
        error = QStringLiteral("tesseract timed out");
        return {};
    }
    if (tesseract.exitStatus() != QProcess::NormalExit || tesseract.exitCode() != 0) {
        error = QStringLiteral("tesseract failed: %1")
                    .arg(QString::fromLocal8Bit(tesseract.readAllStandardError()).trimmed());
        return {};
    }
    return QString::fromUtf8(tesseract.readAllStandardOutput()).trimmed();
}

bool needsOcr(const QString& text) {
    int visible = 0;
    for (QChar c : text)
        if (!c.isSpace() && ++visible >= kMinTextChars) return false;
    return true;
}

// Opens the document and, when it is encrypted, unlocks it with the password read from stdin.
int openDocument(const Args& args, std::unique_ptr<Poppler::Document>& doc) {
    if (!QFile::exists(args.file))
        return fail(IngestExit::NotFound, "file not found: " + args.file);
    doc = Poppler::Document::load(args.file);
    if (!doc) return fail(IngestExit::Corrupt, "not a readable PDF file");
    if (!doc->isLocked()) return static_cast<int>(IngestExit::Ok);
    if (!args.passwordOnStdin) return fail(IngestExit::NeedsPassword, "the PDF is encrypted");
    QTextStream in(stdin);
    const QByteArray password = in.readLine().toUtf8();
    // poppler: unlock() returns true when the document is STILL locked.
    if (doc->unlock(password, password) || doc->isLocked())
        return fail(IngestExit::WrongPassword, "wrong password");
    return static_cast<int>(IngestExit::Ok);
}

int render(const Args& args, const Poppler::Document& doc) {
    if (args.renderPage > doc.numPages())
        return fail(IngestExit::Usage, QStringLiteral("no page %1").arg(args.renderPage));
    std::unique_ptr<Poppler::Page> page = doc.page(args.renderPage - 1);
    const QImage image = page ? page->renderToImage(args.dpi, args.dpi) : QImage();
    if (image.isNull() || !image.save(args.output, "PNG"))
        return fail(IngestExit::Corrupt, "cannot render the page");
    return static_cast<int>(IngestExit::Ok);
}

int words(const Args& args, const Poppler::Document& doc) {
    if (args.wordsPage > doc.numPages())
        return fail(IngestExit::Usage, QStringLiteral("no page %1").arg(args.wordsPage));
    std::unique_ptr<Poppler::Page> page = doc.page(args.wordsPage - 1);
    const QSizeF size = page ? page->pageSizeF() : QSizeF();
    if (size.width() <= 0 || size.height() <= 0)
        return fail(IngestExit::Corrupt, "cannot read the page");
    QJsonArray list;
    for (const std::unique_ptr<Poppler::TextBox>& box : page->textList()) {
        const QRectF r = box->boundingBox();
        list.append(QJsonArray{box->text(), r.x() / size.width(), r.y() / size.height(),
                               r.width() / size.width(), r.height() / size.height()});
    }
    writeLine({{"type", "words"}, {"page", args.wordsPage}, {"words", list}});
    return static_cast<int>(IngestExit::Ok);
}

int run(const Args& args) {
    std::unique_ptr<Poppler::Document> doc;
    if (int rc = openDocument(args, doc); rc != 0) return rc;
    const int pageCount = doc->numPages();
    if (pageCount <= 0) return fail(IngestExit::Corrupt, "the PDF has no readable pages");
    if (args.renderPage > 0) return render(args, *doc);
    if (args.wordsPage > 0) return words(args, *doc);
    writeLine({{"type", "meta"},
               {"title", doc->info(QStringLiteral("Title"))},
               {"author", doc->info(QStringLiteral("Author"))},
               {"pages", pageCount},
               {"sha256", sha256Of(args.file)}});
    QTemporaryDir tmp;
    for (int i = 0; i < pageCount; ++i) {
        std::unique_ptr<Poppler::Page> page = doc->page(i);
        QJsonObject line{{"type", "page"}, {"page", i + 1}, {"ocr", false}};
        QString text = page ? page->text(QRectF()) : QString();
        if (page && args.ocr && needsOcr(text)) {
            QString error;
            text = ocrPage(*page, args.ocrLanguages, tmp, error);
            line["ocr"] = true;
            if (!error.isEmpty()) line["ocrError"] = error;
        }
        line["text"] = text;
        writeLine(line);
    }
    return static_cast<int>(IngestExit::Ok);
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    Args args;
    if (!parseArgs(app.arguments(), args))
        return fail(
            IngestExit::Usage,
            "usage: folio-ingest FILE [--password-stdin] [--ocr] [--ocr-lang LANGS]\n"
            "       folio-ingest FILE [--password-stdin] --render PAGE --dpi DPI --output PNG\n"
            "       folio-ingest FILE [--password-stdin] --words PAGE");
    Poppler::setDebugErrorFunction([](const QString&, const QVariant&) {}, QVariant());
    return run(args);
}
