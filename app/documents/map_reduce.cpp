#include "app/documents/map_reduce.h"

#include <QCryptographicHash>
#include <QTimer>
#include <algorithm>

namespace folio {
namespace {

// The instructions, per language. %1: the word limit.
struct SummaryPrompts {
    const char* language;
    const char* partSystem;      // summarise one chunk of pages
    const char* combineSystem;   // combine partial summaries
    const char* defaultRequest;  // when the user gave no words
    const char* pagesHeading;    // %1 title, %2 first page, %3 last page
    const char* partsHeading;    // %1 title
    const char* partLabel;       // %1 part number, %2 first page, %3 last page
};
const SummaryPrompts kPrompts[] = {
    {"en",
     "You summarise one part of a long document. Keep the key facts: parties, dates, amounts, "
     "obligations, deadlines, termination, liability and risks. Write at most %1 words. After "
     "each fact cite its page with the page marker from the text, such as [p.12].",
     "You combine the summaries of consecutive parts of one document into a single answer. Keep "
     "the page citations such as [p.12]; do not invent facts. Write at most %1 words.",
     "Summarise the whole document.", "Document: %1\nPages %2 to %3:\n\n",
     "Summaries of the parts of \"%1\", in document order:\n\n", "Part %1 (pages %2 to %3):\n"},
    {"zh_CN",
     "你负责总结长文档中的一部分。保留关键事实：当事方、日期、金额、义务、期限、终止、责任和风险。"
     "不超过%1字。每个事实后用文中的页码标记注明出处，例如 [p.12]。",
     "你负责把同一文档各个连续部分的摘要合并成一个回答。保留页码引用（例如 [p.12]），不要编造事实。"
     "不超过%1字。",
     "请总结整个文档。", "文档：%1\n第%2页至第%3页：\n\n", "《%1》各部分的摘要（按文档顺序）：\n\n",
     "第%1部分（第%2页至第%3页）：\n"},
};

const SummaryPrompts& promptsFor(const QString& language) {
    for (const SummaryPrompts& p : kPrompts)
        if (language == QLatin1String(p.language)) return p;
    return kPrompts[0];
}

QString tr8(const char* text) {
    return QString::fromUtf8(text);
}

// Words are about 3/4 of a token in English; the token limit stops the reply anyway.
int wordLimit(int tokens) {
    return std::max(20, tokens * 3 / 4);
}

// Cuts one page's block into `parts` pieces of about equal length, at spaces when near.
QVector<PageChunk> splitPage(const PageText& page, int parts) {
    QVector<PageChunk> out;
    const QString text = page.text.trimmed();
    const qsizetype step = (text.size() + parts - 1) / parts;
    for (qsizetype at = 0; at < text.size();) {
        qsizetype end = std::min(text.size(), at + step);
        const qsizetype space = text.lastIndexOf(' ', end);
        if (end < text.size() && space > at + step / 2) end = space;
        out.push_back(
            {page.page, page.page, pageMarker(page.page) + '\n' + text.mid(at, end - at)});
        at = end;
    }
    return out;
}

}  // namespace

QVector<PageChunk> chunkPages(const QVector<PageText>& pages, int budgetTokens,
                              const TokenCounter& count) {
    QVector<PageChunk> chunks;
    if (budgetTokens <= 0) return chunks;
    PageChunk current;
    int currentTokens = 0;
    auto flush = [&] {
        if (!current.text.isEmpty()) chunks.push_back(current);
        current = {};
        currentTokens = 0;
    };
    for (const PageText& page : pages) {
        if (page.text.trimmed().isEmpty()) continue;
        const QString block = pageMarker(page.page) + '\n' + page.text.trimmed() + '\n';
        const int tokens = std::max(count(block), 0);
        if (tokens > budgetTokens) {  // a page alone is too long: its own chunks
            flush();
            for (int parts = tokens / budgetTokens + 1;; ++parts) {
                QVector<PageChunk> pieces = splitPage(page, parts);
                const bool fits =
                    std::all_of(pieces.begin(), pieces.end(),
                                [&](const PageChunk& c) { return count(c.text) <= budgetTokens; });
                if (fits || parts >= page.text.size()) {
                    chunks += pieces;
                    break;
                }
            }
            continue;
        }
        if (currentTokens + tokens > budgetTokens) flush();
        if (current.text.isEmpty()) current.firstPage = page.page;
        current.lastPage = page.page;
        current.text += block;
        currentTokens += tokens;
    }
    flush();
    return chunks;
}

MapReduceSummarizer::MapReduceSummarizer(DocumentStore* store, SummaryGenerator* generator,
                                         QObject* parent)
    : QObject(parent), m_store(store), m_generator(generator) {}

Status MapReduceSummarizer::start(qint64 documentId, const QString& request,
                                  const SummaryOptions& options) {
    if (running()) return makeError("a summary is already being made");
    if (m_generator->countTokens(QStringLiteral("x")) < 0) return makeError("no model is loaded");
    Expected<DocumentInfo> info = m_store->document(documentId);
    if (!info) return info.error();
    Expected<QVector<PageText>> pages = m_store->pages(documentId);
    if (!pages) return pages.error();
    m_options = options;
    m_generator->setDocument(documentId);
    const QVector<PageChunk> chunks =
        chunkPages(*pages, m_options.chunkTokens,
                   [this](const QString& t) { return m_generator->countTokens(t); });
    if (chunks.isEmpty()) return makeError("the document has no text to summarise");
    m_documentId = documentId;
    ++m_job;
    m_title = info->title;
    m_request = request.trimmed().isEmpty() ? tr8(promptsFor(m_options.language).defaultRequest)
                                            : request.trimmed();
    m_todo.clear();
    m_done.clear();
    for (const PageChunk& c : chunks) m_todo.push_back({c.firstPage, c.lastPage, c.text});
    m_pageLevel = true;
    m_step = 0;
    m_steps = int(m_todo.size()) + 1;
    QTimer::singleShot(0, this, [this, job = m_job] {
        if (job == m_job) next();
    });
    return {};
}

void MapReduceSummarizer::cancel() {
    if (!running()) return;
    const qint64 id = m_documentId;
    m_documentId = 0;
    ++m_job;
    m_generator->cancel();
    emit cancelled(id);
}

QString MapReduceSummarizer::variant() const {
    const SummaryPrompts& p = promptsFor(m_options.language);
    // One multi-arg call: chained arg() would replace the "%1" inside the instructions.
    const QString key =
        QStringLiteral("%1|%2|%3|%4|%5")
            .arg(tr8(p.partSystem), tr8(p.pagesHeading), QString::number(m_options.partTokens),
                 QString::number(m_options.chunkTokens), m_generator->modelKey());
    return QString::fromLatin1(
        QCryptographicHash::hash(key.toUtf8(), QCryptographicHash::Sha256).toHex().left(16));
}

// One step: the next part to summarise, else the next level of combining, else the final answer.
void MapReduceSummarizer::next() {
    if (!m_todo.isEmpty()) {
        const Part part = m_todo.takeFirst();
        ++m_step;
        if (m_pageLevel) {
            Expected<QString> cached =
                m_store->partialSummary(m_documentId, part.firstPage, part.lastPage, variant());
            if (cached && !cached->isEmpty()) {
                emit progress(m_step, m_steps, true);
                if (!running()) return;
                m_done.push_back({part.firstPage, part.lastPage, *cached});
                QTimer::singleShot(0, this, [this, job = m_job] {
                    if (job == m_job) next();
                });
                return;
            }
        }
        emit progress(m_step, m_steps, false);
        if (!running()) return;  // a progress handler cancelled
        summarise(part, m_pageLevel);
        return;
    }
    combine();
}

void MapReduceSummarizer::summarise(const Part& part, bool pages) {
    const SummaryPrompts& p = promptsFor(m_options.language);
    const QString system = tr8(p.partSystem).arg(wordLimit(m_options.partTokens));
    const QString user = pages ? tr8(p.pagesHeading)
                                         .arg(m_title, QString::number(part.firstPage),
                                              QString::number(part.lastPage)) +
                                     part.text
                               : part.text;
    m_generator->generate(system, user, m_options.partTokens,
                          [this, job = m_job, part, pages](Expected<QString> text) {
                              if (job != m_job) return;
                              if (!text) return finish(text.error(), false);
                              const QString summary = text->trimmed();
                              if (pages)  // stored at once: a cancel later loses nothing
                                  m_store
                                      ->setPartialSummary(m_documentId, part.firstPage,
                                                          part.lastPage, variant(), summary)
                                      .ok();
                              m_done.push_back({part.firstPage, part.lastPage, summary});
                              QTimer::singleShot(0, this, [this, job] {
                                  if (job == m_job) next();
                              });
                          });
}

// All parts of this level are summarised: combine them into the final answer when they fit the
// chunk budget together, else in groups that do (a new level).
void MapReduceSummarizer::combine() {
    const SummaryPrompts& p = promptsFor(m_options.language);
    auto label = [&](const Part& s, int n) {
        return tr8(p.partLabel).arg(n).arg(s.firstPage).arg(s.lastPage) + s.text + "\n\n";
    };
    QString all;
    for (int i = 0; i < m_done.size(); ++i) all += label(m_done[i], i + 1);
    if (m_done.size() > 1 && m_generator->countTokens(all) > m_options.chunkTokens) {
        QVector<Part> groups;
        Part group;
        for (int i = 0; i < m_done.size(); ++i) {
            const QString piece = label(m_done[i], i + 1);
            if (!group.text.isEmpty() &&
                m_generator->countTokens(group.text + piece) > m_options.chunkTokens) {
                groups.push_back(group);
                group = {};
            }
            if (group.text.isEmpty()) group.firstPage = m_done[i].firstPage;
            group.lastPage = m_done[i].lastPage;
            group.text += piece;
        }
        groups.push_back(group);
        if (groups.size() < m_done.size()) {  // progress is made: summarise the groups
            m_todo = groups;
            m_done.clear();
            m_pageLevel = false;
            m_steps += int(groups.size());
            next();
            return;
        }
    }
    ++m_step;
    emit progress(m_step, m_steps, false);
    if (!running()) return;  // a progress handler cancelled
    const QString system = tr8(p.combineSystem).arg(wordLimit(m_options.finalTokens));
    const QString user = m_request + "\n\n" + tr8(p.partsHeading).arg(m_title) + all;
    m_generator->generate(system, user, m_options.finalTokens,
                          [this, job = m_job](Expected<QString> text) {
                              if (job == m_job) finish(std::move(text), true);
                          });
}

void MapReduceSummarizer::finish(Expected<QString> text, bool final) {
    const qint64 id = m_documentId;
    m_documentId = 0;
    ++m_job;
    if (!text) {
        emit failed(id, QString::fromStdString(text.error().message));
        return;
    }
    Q_ASSERT(final);
    emit finished(id, text->trimmed());
}

}  // namespace folio
