// libFuzzer target: PDF ingestion up to the prompt, on arbitrary bytes. The path the app takes:
// poppler-qt6 opens the file and extracts each page's text the way the folio-ingest child does
// (app/ingest/main.cpp), each page goes through the child's JSON line protocol and the Ingestor's
// cleanup (normalizeExtractedText), and the page texts become the document block of a prompt
// (buildDocumentContext, app/documents/document_context.h) counted with the qwen2 tokenizer.
//
// Poppler runs in-process here (the app isolates it in the child) and is not instrumented, so
// libFuzzer's coverage feedback covers Folio's side; ASan still catches bad frees and heap misuse
// that passes through the interposed allocator.
//
// Contracts checked:
// - a page's JSON line is one line (no raw newline) that parses back with the same page number;
// - normalizeExtractedText is idempotent;
// - the document block: tokens == count(text) <= budget; the title verbatim; with a budget that
//   holds everything, the whole mode with every page's marker and text; with a small budget, only
//   existing pages, each listed once in ascending order, each with its marker in the text.
#include <poppler-qt6.h>

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "app/documents/document_context.h"
#include "app/documents/text_cleanup.h"
#include "fuzz_common.h"

namespace {

using folio::fuzz::fuzzFail;

// Pages read per input: enough for retrieval to choose among pages, few enough to keep a
// mutated page count from turning one input into a timeout.
constexpr int kMaxPages = 24;
// The password tried on an encrypted input (the seed corpus has one encrypted with it), as the
// child does with the password the user typed.
const QByteArray kPassword = QByteArrayLiteral("folio");

int countTokens(const QString& text) {
    return int(folio::fuzz::fuzzTokenizer().encode(text.toStdString()).size());
}

// The child's page line and the Ingestor's reading of it (app/documents/ingestor.cpp).
QString pageThroughProtocol(int number, const QString& text) {
    const QJsonObject line{{"type", "page"}, {"page", number}, {"ocr", false}, {"text", text}};
    const QByteArray bytes = QJsonDocument(line).toJson(QJsonDocument::Compact);
    if (bytes.contains('\n')) fuzzFail("a page's JSON line contains a raw newline");
    QJsonParseError error{};
    const QJsonObject back = QJsonDocument::fromJson(bytes, &error).object();
    if (error.error != QJsonParseError::NoError) fuzzFail("a page's JSON line does not parse");
    if (back.value("page").toInt() != number) fuzzFail("a page's JSON line lost its number");
    const QString cleaned = folio::normalizeExtractedText(back.value("text").toString());
    if (folio::normalizeExtractedText(cleaned) != cleaned)
        fuzzFail("normalizeExtractedText is not idempotent");
    return cleaned;
}

// Pages whose text contains one of the expression's quoted terms, in page order (a stand-in for
// the store's FTS5 search, which needs a database).
QVector<folio::PageHit> containsRanker(const folio::ContextDocument& doc, const QString& expr) {
    QVector<folio::PageHit> hits;
    const QStringList terms = expr.split(QStringLiteral(" OR "), Qt::SkipEmptyParts);
    for (const folio::PageText& page : doc.pages)
        for (QString term : terms) {
            term =
                term.mid(1, term.size() - 2).replace(QStringLiteral("\"\""), QStringLiteral("\""));
            if (!term.isEmpty() && page.text.contains(term, Qt::CaseInsensitive)) {
                hits.push_back({doc.id, page.page, 0.0});
                break;
            }
        }
    return hits;
}

void checkContext(const folio::ContextDocument& doc, const QString& question, int budget) {
    const auto rank = [&doc](const QString& expr, const QVector<qint64>&) {
        return containsRanker(doc, expr);
    };
    auto built = folio::buildDocumentContext(question, {doc}, budget, countTokens, rank);
    if (!built) fuzzFail("buildDocumentContext failed with a working token counter");
    const folio::DocumentContext& ctx = built.value();
    if (ctx.tokens > budget) fuzzFail("the document block exceeds its budget");
    if (ctx.text.isEmpty()) return;
    if (!ctx.text.contains(doc.title)) fuzzFail("the block lost the document's title");
    if (ctx.tokens != countTokens(ctx.text)) fuzzFail("the block's token count is wrong");
    for (const folio::UsedPages& used : ctx.used) {
        if (used.documentId != doc.id) fuzzFail("the block uses an unknown document");
        for (qsizetype i = 0; i < used.pages.size(); ++i) {
            const int page = used.pages[i];
            if (page < 1 || page > doc.pages.size()) fuzzFail("the block uses a missing page");
            if (i > 0 && used.pages[i - 1] >= page) fuzzFail("used pages are not ascending");
            if (!ctx.text.contains(folio::pageMarker(page))) fuzzFail("a used page has no marker");
        }
    }
    if (ctx.mode == folio::ContextMode::WholeDocuments) {
        if (ctx.pagesUsed() != doc.pages.size()) fuzzFail("whole mode left pages out");
        for (const folio::PageText& page : doc.pages)
            if (!ctx.text.contains(page.text.trimmed())) fuzzFail("whole mode lost page text");
    }
}

}  // namespace

// The vocabulary loads before the first input, outside libFuzzer's per-input timeout (loading
// the qwen2 vocabulary with ASan takes seconds, more than 20 on a loaded machine); poppler's
// messages are silenced as the child does.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
    (void)folio::fuzz::fuzzTokenizer();
    Poppler::setDebugErrorFunction([](const QString&, const QVariant&) {}, QVariant());
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const QByteArray bytes(reinterpret_cast<const char*>(data), qsizetype(size));
    std::unique_ptr<Poppler::Document> pdf = Poppler::Document::loadFromData(bytes);
    if (!pdf) return 0;  // the child: "not a readable PDF file"
    // poppler: unlock() returns true when the document is still locked.
    if (pdf->isLocked() && (pdf->unlock(kPassword, kPassword) || pdf->isLocked())) return 0;
    const int pageCount = pdf->numPages();
    if (pageCount <= 0) return 0;

    folio::ContextDocument doc;
    doc.id = 1;
    doc.title = pdf->info(QStringLiteral("Title")).trimmed();
    if (doc.title.isEmpty()) doc.title = QStringLiteral("input.pdf");
    for (int i = 0; i < std::min(pageCount, kMaxPages); ++i) {
        std::unique_ptr<Poppler::Page> page = pdf->page(i);
        const QString text = page ? page->text(QRectF()) : QString();
        doc.pages.push_back({i + 1, pageThroughProtocol(i + 1, text), false});
    }

    // A fixed question, and one made of the first page's words so that retrieval finds hits.
    const QString fromText = doc.pages.first().text.left(80);
    checkContext(doc, QStringLiteral("What does the agreement say about payment?"), 1 << 20);
    checkContext(doc, fromText, 64);
    checkContext(doc, fromText, 400);
    return 0;
}
