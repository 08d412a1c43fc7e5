// folio-docqa: the document-QA benchmark's driver (bench/docqa/run.sh; issue 19).
//
//   folio-docqa ask --model M.gguf --out ANSWERS.jsonl [--baseline] [--context N] [--threads N]
//                   [--only TYPE,...] [--max-questions N] SPEC.json...
//       For each spec: reads its PDF (beside the spec, from bench/docqa/render.py) with
//       folio-ingest, stores it in a fresh database, attaches it to a conversation, and asks each
//       question through the app's own pipeline: prepareDocumentTurn (the document block,
//       retrieval, the focus), the chat template and the engine, then finishDocumentAnswer. One
//       JSON line per question.
//       --baseline: the pipeline as before issue 19 (document block only, no retrieval cap).
//       --without STEP,...: turn steps off (focus, conflicts, citations, steer, cap);
//       --with cite: ask the model for [p.N] (off by default: it did not help).
//   folio-docqa clauses FILE.pdf
//       The clause table, the facts read from each clause and the conflict candidates.
//
// The budget and request are built as AppController does (system prompt, reply reserve, sampling
// preset); sampling uses a fixed seed so runs repeat.
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <condition_variable>
#include <cstdio>
#include <mutex>

#include "app/chat_request.h"
#include "app/conversation_store.h"
#include "app/database.h"
#include "app/documents/document_store.h"
#include "app/documents/document_turn.h"
#include "app/documents/ingestor.h"
#include "app/documents/retrieval_cap.h"
#include "app/settings.h"
#include "engine/runtime/engine.h"

namespace {

int fail(const QString& message) {
    std::fprintf(stderr, "folio-docqa: %s\n", qPrintable(message));
    return 1;
}

QJsonObject readSpec(const QString& path, QString* error) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1").arg(path);
        return {};
    }
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &pe);
    if (!doc.isObject()) *error = QStringLiteral("%1: %2").arg(path, pe.errorString());
    return doc.object();
}

struct Reply {
    std::mutex mutex;
    std::condition_variable cv;
    bool done = false;
    std::string text;
    folio::GenerationResult result;
};

QJsonObject ask(folio::Engine& engine, const folio::DocumentTurn& turn, const QString& system,
                const folio::DocumentTurnOptions& options, int maxTokens) {
    folio::GenerationRequest request;
    const QString systemText =
        turn.systemBlock.isEmpty() ? system : system + QStringLiteral("\n\n") + turn.systemBlock;
    request.messages = {{"system", systemText.toStdString()},
                        {"user", turn.userMessage.toStdString()}};
    request.sampling = folio::samplingForPreset(QStringLiteral("qwen3-non-thinking"));
    request.sampling.seed = 1234;
    request.maxTokens = maxTokens;
    request.continueAssistant = turn.answerStart.toStdString();
    Reply reply;
    folio::GenerationCallbacks callbacks;
    callbacks.onText = [&reply](std::string_view piece) {
        std::lock_guard<std::mutex> l(reply.mutex);
        reply.text += piece;
    };
    callbacks.onFinished = [&reply](const folio::GenerationResult& r) {
        std::lock_guard<std::mutex> l(reply.mutex);
        reply.result = r;
        reply.done = true;
        reply.cv.notify_all();
    };
    engine.submit(std::move(request), callbacks);
    std::unique_lock<std::mutex> l(reply.mutex);
    reply.cv.wait(l, [&reply] { return reply.done; });
    const QString raw = turn.answerStart + QString::fromStdString(reply.text);
    QJsonArray pages;
    for (const folio::UsedPages& u : turn.context.used)
        for (int p : u.pages) pages << p;
    return QJsonObject{
        {"raw", raw},
        {"userMessage", turn.userMessage},
        {"answer", folio::finishDocumentAnswer(raw, turn, options)},
        {"mode", turn.context.mode == folio::ContextMode::Retrieval ? "retrieval" : "whole"},
        {"contextPages", pages},
        {"documentTokens", turn.context.tokens},
        {"stats", folio::statsJson(reply.result)},
        {"error", QString::fromStdString(reply.result.error)},
    };
}

struct AskArgs {
    QString model;
    QString out;
    bool baseline = false;
    int context = 32768;
    int threads = 0;
    int maxTokens = 512;
    int maxQuestions = 1000;
    QStringList only;
    QStringList without;    // pipeline steps turned off: focus, conflicts, citations, steer, cap
    QStringList with;       // steps off by default turned on: cite
    int retrievalCap = -1;  // --retrieval-cap N: a fixed cap; -1 the app's rule (retrieval_cap.h)
    QStringList specs;
};

int askAll(const AskArgs& a) {
    folio::Engine engine;
    folio::LoadOptions load;
    load.modelPath = a.model.toStdString();
    load.contextLength = a.context;
    load.threads = a.threads;
    std::mutex m;
    std::condition_variable cv;
    bool loaded = false;
    std::string loadError;
    // As the app: the retrieval cap is what the model reads in a fixed time (retrieval_cap.h).
    folio::PrefillSpeed speed;
    engine.load(load, {}, [&](folio::Expected<folio::ModelSummary> s) {
        std::lock_guard<std::mutex> l(m);
        if (!s) loadError = s.error().message;
        if (s) speed.reset(s->parameters);
        loaded = true;
        cv.notify_all();
    });
    {
        std::unique_lock<std::mutex> l(m);
        cv.wait(l, [&] { return loaded; });
    }
    if (!loadError.empty()) return fail(QString::fromStdString(loadError));
    QFile out(a.out);
    if (!out.open(QIODevice::Append)) return fail("cannot write " + a.out);
    QTemporaryDir dir;
    folio::Database db;
    if (!db.open(dir.filePath("folio.sqlite3"))) return fail("cannot create the database");
    folio::ConversationStore conversations(db);
    folio::DocumentStore store([&db] { return db.connection(); });
    folio::DocumentTurnOptions options;
    if (a.baseline) options = {false, false, false, false, false, false, 0};
    // Ablations: each step is kept only where the benchmark shows it helps.
    options.focusExcerpts &= !a.without.contains("focus");
    options.conflictCandidates &= !a.without.contains("conflicts");
    options.checkCitations &= !a.without.contains("citations");
    options.citeInstruction |= a.with.contains("cite");
    options.steerAnswers &= !a.without.contains("steer");
    options.calculations &= !a.without.contains("calc");
    if (a.retrievalCap >= 0) options.retrievalBudgetTokens = a.retrievalCap;
    if (a.without.contains("cap")) options.retrievalBudgetTokens = 0;
    const QString system = QString::fromLatin1(Settings::kDefaultSystemPrompt);
    auto count = [&engine](const QString& s) { return engine.countTokens(s.toStdString()); };
    for (const QString& specPath : a.specs) {
        QString error;
        const QJsonObject spec = readSpec(specPath, &error);
        if (!error.isEmpty()) return fail(error);
        const QString pdf =
            QFileInfo(specPath).path() + '/' + QFileInfo(specPath).completeBaseName() + ".pdf";
        if (!QFileInfo::exists(pdf))
            return fail("no " + pdf + " (bench/docqa/render.py makes it from the spec)");
        folio::IngestOptions ingestOptions;
        const folio::IngestResult ingested = folio::Ingestor::ingestBlocking(pdf, ingestOptions);
        if (!ingested.ok()) return fail(pdf + ": " + ingested.message);
        auto added = store.add(ingested.document);
        auto conversation = conversations.createConversation(spec.value("id").toString());
        if (!added || !conversation) return fail("cannot store " + pdf);
        if (!store.attach(*conversation, added->id)) return fail("cannot attach " + pdf);
        auto documents = folio::conversationDocuments(store, *conversation);
        if (!documents) return fail(QString::fromStdString(documents.error().message));
        int asked = 0;
        for (const QJsonValue& qv : spec.value("questions").toArray()) {
            const QJsonObject q = qv.toObject();
            if (!a.only.isEmpty() && !a.only.contains(q.value("type").toString())) continue;
            if (asked++ >= a.maxQuestions) break;
            const QString question = q.value("question").toString();
            // As AppController::withDocuments: what the system prompt, the question and the reply
            // reserve leave of the context.
            const int overhead = engine.templateOverheadPerMessage();
            const int budget = folio::documentTokenBudget(
                a.context, count(system) + overhead, count(question) + overhead,
                folio::replyReserveTokens(a.context, 2048));
            QElapsedTimer clock;
            clock.start();
            if (a.retrievalCap < 0 && !a.baseline && !a.without.contains("cap"))
                options.retrievalBudgetTokens = speed.retrievalCapTokens();
            auto turn = folio::prepareDocumentTurn(question, *documents, budget, count,
                                                   folio::storeRanker(store), options);
            if (!turn) return fail(QString::fromStdString(turn.error().message));
            const double prepareMs = double(clock.nsecsElapsed()) / 1e6;
            QJsonObject line = ask(engine, *turn, system, options, a.maxTokens);
            const QJsonObject stats = line.value("stats").toObject();
            speed.add(
                stats.value("promptTokens").toInt() - stats.value("reusedPromptTokens").toInt(),
                stats.value("prefillTokensPerSecond").toDouble());
            line.insert("retrievalCap", options.retrievalBudgetTokens);
            line.insert("doc", spec.value("id"));
            line.insert("id", q.value("id"));
            line.insert("prepareMs", prepareMs);
            line.insert("pipeline",
                        a.baseline ? QStringLiteral("baseline")
                        : a.without.isEmpty() && a.with.isEmpty()
                            ? QStringLiteral("full")
                            : "with " + a.with.join(',') + " without " + a.without.join(','));
            out.write(QJsonDocument(line).toJson(QJsonDocument::Compact) + '\n');
            out.flush();
            std::fprintf(stderr, "%s: %.0f ms to first token\n",
                         qPrintable(q.value("id").toString()),
                         line.value("stats").toObject().value("ttftMs").toDouble());
        }
    }
    return 0;
}

// folio-docqa clauses FILE.pdf: the clause table and the conflict candidates the pipeline sees.
int printClauses(const QString& pdf) {
    const folio::IngestResult ingested = folio::Ingestor::ingestBlocking(pdf, {});
    if (!ingested.ok()) return fail(pdf + ": " + ingested.message);
    QVector<folio::PageText> pages;
    for (const folio::IngestedPage& p : ingested.document.pages)
        pages.push_back({p.number, p.text, p.ocr});
    const QVector<folio::Clause> clauses = folio::findClauses(pages);
    for (int i = 0; i < clauses.size(); ++i) {
        std::printf("%3d  %s\n", i, qPrintable(folio::clauseCaption(clauses[i])));
        for (const folio::ClauseFact& f : folio::clauseFacts(clauses[i].text))
            std::printf("       %s = %s\n", qPrintable(f.subject), qPrintable(f.value));
    }
    for (const folio::ClausePair& p : folio::findConflictCandidates(clauses))
        std::printf("candidate: %d / %d  %s: %s / %s\n", p.first, p.second, qPrintable(p.subject),
                    qPrintable(p.firstValue), qPrintable(p.secondValue));
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments().mid(1);
    if (args.size() == 2 && args[0] == "clauses") return printClauses(args[1]);
    if (args.value(0) != "ask")
        return fail(
            "usage: folio-docqa render SPEC.json OUT.pdf | ask --model M --out FILE SPEC...");
    AskArgs a;
    for (qsizetype i = 1; i < args.size(); ++i) {
        const QString& k = args[i];
        auto value = [&]() { return i + 1 < args.size() ? args[++i] : QString(); };
        if (k == "--model")
            a.model = value();
        else if (k == "--out")
            a.out = value();
        else if (k == "--baseline")
            a.baseline = true;
        else if (k == "--context")
            a.context = value().toInt();
        else if (k == "--threads")
            a.threads = value().toInt();
        else if (k == "--max-tokens")
            a.maxTokens = value().toInt();
        else if (k == "--max-questions")
            a.maxQuestions = value().toInt();
        else if (k == "--only")
            a.only = value().split(',');
        else if (k == "--without")
            a.without = value().split(',');
        else if (k == "--with")
            a.with = value().split(',');
        else if (k == "--retrieval-cap")
            a.retrievalCap = value().toInt();
        else if (k.startsWith("--"))
            return fail("unknown option " + k);
        else
            a.specs << k;
    }
    if (a.model.isEmpty() || a.out.isEmpty() || a.specs.isEmpty())
        return fail("ask needs --model, --out and at least one spec");
    return askAll(a);
}
