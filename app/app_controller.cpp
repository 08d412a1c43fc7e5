#include "app/app_controller.h"

#include <QClipboard>
#include <QFile>
#include <QGuiApplication>
#include <QSaveFile>
#include <QUrl>

#include "app/chat_request.h"
#include "app/conversation_export.h"
#include "app/engine_worker.h"
#include "app/saved_tags.h"
#include "app/settings.h"

using folio::MessageState;
using folio::PathEntry;

namespace {

const int kCheckpointIntervalMs = 1000;  // a crash loses at most this much of a streaming reply
const int kTitleLength = 60;
const int kTextTokenCacheSize = 64;                  // system prompts and document blocks
const qint64 kMaxImportBytes = 256LL * 1024 * 1024;  // larger files are not conversations

// A path from QML: FileDialog gives file: URLs, tests and the command line plain paths.
QString localPath(const QString& pathOrUrl) {
    if (pathOrUrl.startsWith(QLatin1String("file:"))) return QUrl(pathOrUrl).toLocalFile();
    return pathOrUrl;
}

struct ExportFormat {
    const char* name;
    QByteArray (*write)(const folio::ConversationDump&);
};

QByteArray markdownBytes(const folio::ConversationDump& dump) {
    return folio::exportMarkdown(dump).toUtf8();
}

const ExportFormat kExportFormats[] = {
    {"markdown", &markdownBytes},
    {"json", &folio::exportJson},
};

ConversationItem toItem(const folio::ConversationRecord& c) {
    return ConversationItem{c.id, c.title, c.updatedAt, c.pinned};
}

MessageItem toItem(const PathEntry& e) {
    const folio::MessageRecord& m = e.message;
    MessageItem item;
    item.id = m.id;
    item.role = m.role;
    item.text = m.content;
    item.thinking = m.thinking;
    item.thinkingMs = m.thinkingMs;
    item.streaming = m.state == MessageState::Streaming;
    item.interrupted = m.state == MessageState::Interrupted;
    item.branchIndex = e.branchIndex;
    item.branchCount = e.branchCount;
    item.stats = folio::formatStats(m.stats);
    return item;
}

// A title from the first line of the first message.
QString titleFrom(const QString& text) {
    QString line = text.section('\n', 0, 0).simplified();
    if (line.size() > kTitleLength) line = line.left(kTitleLength - 1) + QChar(0x2026);
    return line.isEmpty() ? AppController::tr("New chat") : line;
}

}  // namespace

AppController::AppController(folio::ConversationStore* store, EngineWorker* worker,
                             Settings* settings, const QString& databaseError, QObject* parent)
    : QObject(parent),
      m_store(store),
      m_worker(worker),
      m_settings(settings),
      m_databaseError(databaseError),
      m_counter([worker](const QString& text) { return worker->countTokens(text); }) {
    connect(&m_counter, &TokenCounter::counted, this, &AppController::onCounted);
    connect(m_worker, &EngineWorker::loadProgress, this, &AppController::onLoadProgress);
    connect(m_worker, &EngineWorker::modelLoaded, this, &AppController::onModelLoaded);
    connect(m_worker, &EngineWorker::textArrived, this, &AppController::onText);
    connect(m_worker, &EngineWorker::prefillProgress, this, &AppController::onPrefill);
    connect(m_worker, &EngineWorker::finished, this, &AppController::onFinished);
    m_checkpointTimer.setInterval(kCheckpointIntervalMs);
    connect(&m_checkpointTimer, &QTimer::timeout, this, &AppController::checkpoint);
    m_thinkingEnabled = m_settings->samplingPreset() == "qwen3-thinking";
    refreshConversations();
    if (!m_databaseError.isEmpty()) setStatus(m_databaseError);
}

AppController::~AppController() {
    if (m_requestId != 0) {
        m_worker->cancel(m_requestId);
        checkpoint();  // the reply comes back 'interrupted' on the next start
    }
}

bool AppController::modelReady() const {
    return m_worker->modelReady();
}

bool AppController::failed(const folio::Status& status) {
    if (status.ok()) return false;
    const QString message = tr("Could not save: %1").arg(QString::fromStdString(status.message()));
    setStatus(message);
    emit errorOccurred(message);
    return true;
}

void AppController::setStatus(const QString& text) {
    if (text == m_statusText) return;
    m_statusText = text;
    emit statusTextChanged();
}

void AppController::setPrefill(double progress) {
    if (progress == m_prefillProgress) return;
    m_prefillProgress = progress;
    emit prefillProgressChanged();
}

// --- conversations -------------------------------------------------------------------------------

void AppController::refreshConversations() {
    auto list = m_searchText.trimmed().isEmpty() ? m_store->listConversations()
                                                 : m_store->search(m_searchText);
    if (!list) {
        failed(list.error());
        return;
    }
    QList<ConversationItem> items;
    items.reserve(list->size());
    for (const folio::ConversationRecord& c : *list) items.append(toItem(c));
    m_conversations.setConversations(items);
}

void AppController::newConversation() {
    if (m_currentId == 0 && m_messages.count() == 0) return;
    if (m_overflow.userId != 0) setOverflow(0, 0);
    m_currentId = 0;
    m_currentTitle.clear();
    m_messages.clear();
    emit currentConversationChanged();
    updateContextUsed();
}

void AppController::selectConversation(qint64 id) {
    auto c = m_store->conversation(id);
    if (!c) {
        failed(c.error());
        return;
    }
    if (m_overflow.userId != 0 && id != m_currentId) setOverflow(0, 0);
    m_currentId = id;
    m_currentTitle = c->title;
    applyEngine(c->engine);
    if (m_thinkingEnabled != c->thinkingEnabled) {
        m_thinkingEnabled = c->thinkingEnabled;
        emit thinkingEnabledChanged();
    }
    emit currentConversationChanged();
    reloadMessages();
}

// --- the chat's engine: this computer or the remote server ---------------------------------------

void AppController::setRemoteEngine(folio::RemoteEngine* remote) {
    m_remote = remote;
    m_worker->setRemoteEngine(remote);
}

QString AppController::knownEngine(const QString& engine) const {
    return engine == QLatin1String("remote") && m_remote ? engine : QString();
}

void AppController::setConversationEngine(const QString& engine) {
    const QString chosen = knownEngine(engine);
    if (m_currentId > 0 && failed(m_store->setEngine(m_currentId, chosen))) return;
    applyEngine(chosen);
}

void AppController::applyEngine(const QString& engine) {
    const QString chosen = knownEngine(engine);
    if (chosen == m_engine) return;
    if (m_requestId != 0) stop();  // a reply runs on the engine it started on
    m_engine = chosen;
    m_worker->setUseRemote(!chosen.isEmpty());
    m_messageTokens.clear();  // counted by another tokenizer (or estimated)
    m_textTokens.clear();
    emit modelChanged();
    updateContextUsed();
}

void AppController::remoteEngineChanged() {
    if (m_engine.isEmpty()) return;
    if (!m_remote->configured()) {
        applyEngine(QString());
        return;
    }
    emit modelChanged();
    updateContextUsed();
}

bool AppController::localModelReady() const {
    return m_worker->localModelReady();
}

QString AppController::modelName() const {
    return m_worker->usingRemote() ? m_remote->endpoint().model : m_modelName;
}

QString AppController::deviceName() const {
    if (!m_worker->usingRemote()) return m_deviceName;
    return tr("Remote: %1").arg(QUrl(m_remote->endpoint().baseUrl).host());
}

int AppController::contextSize() const {
    return m_worker->usingRemote() ? m_remote->endpoint().contextLength : m_contextSize;
}

void AppController::renameConversation(qint64 id, const QString& title) {
    if (failed(m_store->renameConversation(id, title.trimmed()))) return;
    if (auto c = m_store->conversation(id)) m_conversations.upsert(toItem(*c));
    if (id == m_currentId) {
        m_currentTitle = title.trimmed();
        emit currentConversationChanged();
    }
}

void AppController::deleteConversation(qint64 id) {
    if ((id == m_replyConversationId && m_requestId != 0) ||
        (id == m_waiting.conversationId && m_waiting.userId != 0))
        stop();
    if (failed(m_store->deleteConversation(id))) return;
    // What was saved of this chat's text goes now (undo brings the chat back; it is then read
    // again): a deleted chat leaves nothing of itself in the cache folder.
    forgetSavedMemory(folio::conversationTag(id));
    m_lastDeletedId = id;
    m_conversations.remove(id);
    if (id == m_currentId) {
        m_currentId = -1;  // force newConversation() to reset
        newConversation();
    }
}

void AppController::undoDelete() {
    if (m_lastDeletedId == 0 || failed(m_store->undoDelete(m_lastDeletedId))) return;
    if (auto c = m_store->conversation(m_lastDeletedId)) m_conversations.upsert(toItem(*c));
    m_lastDeletedId = 0;
}

void AppController::setPinned(qint64 id, bool pinned) {
    if (failed(m_store->setPinned(id, pinned))) return;
    if (auto c = m_store->conversation(id)) m_conversations.upsert(toItem(*c));
}

void AppController::setSearchText(const QString& text) {
    if (text == m_searchText) return;
    m_searchText = text;
    refreshConversations();
}

void AppController::setThinkingEnabled(bool enabled) {
    if (enabled == m_thinkingEnabled) return;
    if (m_currentId > 0 && failed(m_store->setThinkingEnabled(m_currentId, enabled))) return;
    m_thinkingEnabled = enabled;
    emit thinkingEnabledChanged();
}

// --- messages ------------------------------------------------------------------------------------

void AppController::reloadMessages() {
    if (m_currentId <= 0) {
        m_messages.clear();
        updateContextUsed();
        return;
    }
    auto path = m_store->activePath(m_currentId);
    if (!path) {
        failed(path.error());
        return;
    }
    QList<MessageItem> items;
    items.reserve(path->size());
    for (const PathEntry& e : *path) {
        MessageItem item = toItem(e);
        if (e.message.id == m_replyId && m_requestId != 0) {  // live text beats the checkpoint
            item.text = m_replyText;
            item.thinking = m_replyThinking;
            item.streaming = true;
        }
        items.append(item);
    }
    m_messages.syncMessages(items);  // rows that did not change keep their delegates
    updateContextUsed();
}

int AppController::tokensOf(PathEntry& entry) {
    folio::MessageRecord& m = entry.message;
    if (m.tokenCount >= 0 || m.state == MessageState::Streaming) return std::max(m.tokenCount, 0);
    if (const auto it = m_messageTokens.constFind(m.id); it != m_messageTokens.constEnd()) {
        m.tokenCount = *it;
        return *it;
    }
    if (const int n = countNow(m.content); n >= 0) {
        m.tokenCount = n;
        m_messageTokens.insert(m.id, n);
        m_store->setTokenCount(m.id, n).ok();  // a cache: losing it only costs a recount
        return n;
    }
    if (!m_countingMessages.contains(m.id)) {
        m_countingMessages.insert(m.id);
        m_toCount.append({m.id, false, m.content});
    }
    return -1;
}

int AppController::textTokens(const QString& text) {
    if (text.isEmpty()) return 0;
    if (const auto it = m_textTokens.constFind(text); it != m_textTokens.constEnd()) return *it;
    if (const int n = countNow(text); n >= 0) {
        cacheTextTokens(text, n);
        return n;
    }
    if (!m_countingTexts.contains(text)) {
        m_countingTexts.insert(text);
        m_toCount.append({0, false, text});
    }
    return -1;
}

int AppController::countNow(const QString& text) {
    if (text.size() > m_syncCountChars || !m_worker->modelReady()) return -1;
    m_syncCountChars -= int(text.size());
    return std::max(m_worker->countTokens(text), 0);
}

void AppController::cacheTextTokens(const QString& text, int tokens) {
    if (m_textTokens.size() >= kTextTokenCacheSize) m_textTokens.clear();  // old prompts, blocks
    m_textTokens.insert(text, tokens);
}

void AppController::flushCounts() {
    if (m_toCount.isEmpty()) return;
    QStringList texts;
    texts.reserve(m_toCount.size());
    for (const CountTarget& t : m_toCount) texts.append(t.text);
    m_countJobs.insert(m_counter.count(std::move(texts)), std::move(m_toCount));
    m_toCount.clear();
}

void AppController::countDraft(const QString& text) {
    m_draftText = text;
    const int estimate = text.isEmpty() ? 0 : TokenCounter::estimate(text);
    if (estimate != m_draftTokens) {
        m_draftTokens = estimate;
        emit draftTokensChanged();
    }
    if (text.isEmpty() || !m_worker->modelReady()) return;
    m_toCount.append({0, true, text});
    flushCounts();
}

void AppController::onCounted(quint64 job, const QList<int>& counts) {
    const QList<CountTarget> targets = m_countJobs.take(job);
    for (qsizetype i = 0; i < targets.size() && i < counts.size(); ++i) {
        const CountTarget& t = targets.at(i);
        const int n = std::max(counts.at(i), 0);  // -1: no model; 0 keeps a waiting reply going
        if (t.draft) {
            if (t.text == m_draftText && n != m_draftTokens) {
                m_draftTokens = n;
                emit draftTokensChanged();
            }
        } else if (t.messageId > 0) {
            m_countingMessages.remove(t.messageId);
            m_messageTokens.insert(t.messageId, n);
            if (counts.at(i) >= 0)
                m_store->setTokenCount(t.messageId, n).ok();  // a cache: a loss costs a recount
        } else {
            m_countingTexts.remove(t.text);
            cacheTextTokens(t.text, n);
        }
    }
    updateContextUsed();
    if (m_waiting.userId != 0 && m_countingMessages.isEmpty() && m_countingTexts.isEmpty()) {
        // In the next event-loop turn: the view gets to paint between the meter's update and the
        // reply's start, so neither waits for the other.
        QMetaObject::invokeMethod(this, &AppController::resumeWaitingReply, Qt::QueuedConnection);
    }
}

void AppController::resumeWaitingReply() {
    if (m_waiting.userId == 0 || !m_countingMessages.isEmpty() || !m_countingTexts.isEmpty())
        return;  // stopped meanwhile, or another count is still on its way
    const WaitingReply waiting = m_waiting;
    m_waiting = {};
    if (waiting.conversationId == m_currentId)
        startReply(waiting.userId, waiting.continueId, waiting.askOnOverflow);
    if (!generating()) {  // cancelled, or it stopped at the overflow question or an error
        setPrefill(-1);
        emit generatingChanged();
    }
}

void AppController::waitForCounts(qint64 userMessageId, qint64 continueId, bool askOnOverflow) {
    const bool was = generating();
    m_waiting = {m_currentId, userMessageId, continueId, askOnOverflow};
    flushCounts();
    setPrefill(0);
    if (!was) emit generatingChanged();
}

QString AppController::systemPromptFor(const folio::ConversationRecord& c) const {
    return c.hasSystemPrompt ? c.systemPrompt : m_settings->systemPrompt();
}

void AppController::setDocumentEstimate(int tokens) {
    if (tokens == m_documentEstimate) return;
    m_documentEstimate = std::max(tokens, -1);
    updateContextUsed();
}

void AppController::updateContextUsed() {
    m_syncCountChars = kSyncCountChars;
    int used = 0;
    ContextParts parts;
    int lastDocumentTokens = 0;
    bool exact = true;
    if (m_worker->modelReady()) {
        const int overhead = m_worker->templateOverheadPerMessage();
        QString system = m_settings->systemPrompt();
        if (m_currentId > 0) {
            if (auto c = m_store->conversation(m_currentId)) system = systemPromptFor(*c);
            if (auto path = m_store->activePath(m_currentId)) {
                const History history = historyUpTo(*path, -1);
                for (const folio::HistoryTurn& t : history.turns) used += t.tokens + overhead;
                parts.history = used;
                // The attached documents as the last reply read them (its stats say how many
                // tokens of them were in the prompt).
                for (auto it = path->crbegin(); it != path->crend(); ++it)
                    if (it->message.stats.contains(QStringLiteral("documentTokens"))) {
                        lastDocumentTokens =
                            it->message.stats.value(QStringLiteral("documentTokens")).toInt();
                        break;
                    }
                system = folio::systemWithSummary(system, history.summary);
                exact = history.exact;
            }
        }
        if (!system.isEmpty()) {
            int n = textTokens(system);
            if (n < 0) {
                n = TokenCounter::estimate(system);
                exact = false;
            }
            used += n + overhead;
            parts.system = n + overhead;
        }
        flushCounts();
    }
    const int budget =
        m_worker->modelReady() ? std::max(0, contextSize() - used - m_maxReplyTokens) : 0;
    parts.documents = m_documentEstimate >= 0 ? m_documentEstimate : lastDocumentTokens;
    used += parts.documents;
    if (used == m_contextUsed && exact == m_contextExact && budget == m_documentBudget &&
        parts == m_contextParts)
        return;
    m_contextUsed = used;
    m_contextParts = parts;
    m_contextExact = exact;
    m_documentBudget = budget;
    emit contextUsedChanged();
}

void AppController::send(const QString& text) {
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty() || generating()) return;
    if (!m_worker->modelReady()) {
        emit errorOccurred(tr("No model is loaded yet."));
        return;
    }
    if (m_currentId <= 0) {
        auto id = m_store->createConversation(titleFrom(trimmed), m_thinkingEnabled);
        if (!id) {
            failed(id.error());
            return;
        }
        m_currentId = *id;
        m_currentTitle = titleFrom(trimmed);
        if (!m_engine.isEmpty()) failed(m_store->setEngine(m_currentId, m_engine));
        emit currentConversationChanged();
    }
    auto path = m_store->activePath(m_currentId);
    if (!path) {
        failed(path.error());
        return;
    }
    const qint64 parent = path->isEmpty() ? 0 : path->last().message.id;
    // Committed before the engine sees it: a crash from here on never loses the question.
    auto userId = m_store->addMessage(m_currentId, parent, "user", trimmed);
    if (!userId) {
        failed(userId.error());
        return;
    }
    reloadMessages();
    startReply(*userId);
}

bool AppController::addExchange(qint64 conversationId, const QString& question,
                                const QString& answer) {
    auto path = m_store->activePath(conversationId);
    if (!path || question.trimmed().isEmpty() || answer.trimmed().isEmpty()) {
        if (!path) failed(path.error());
        return false;
    }
    // While a reply streams in that conversation the exchange would cut into it: it goes after.
    if (generating() && m_replyConversationId == conversationId) return false;
    const qint64 parent = path->isEmpty() ? 0 : path->last().message.id;
    auto userId = m_store->addMessage(conversationId, parent, "user", question.trimmed());
    if (!userId) {
        failed(userId.error());
        return false;
    }
    auto replyId = m_store->addMessage(conversationId, *userId, "assistant", answer.trimmed());
    if (!replyId) {
        failed(replyId.error());
        return false;
    }
    if (conversationId == m_currentId) reloadMessages();
    refreshConversations();
    return true;
}

void AppController::regenerate() {
    if (generating() || m_currentId <= 0) return;
    auto path = m_store->activePath(m_currentId);
    if (!path || path->isEmpty()) return;
    const folio::MessageRecord& last = path->last().message;
    const qint64 userId = last.role == "assistant" ? last.parentId : last.id;
    if (userId > 0) startReply(userId);
}

void AppController::continueReply() {
    if (generating() || m_currentId <= 0) return;
    auto path = m_store->activePath(m_currentId);
    if (!path || path->isEmpty() || path->last().message.role != "assistant") return;
    startReply(path->last().message.parentId, path->last().message.id);
}

void AppController::editMessage(qint64 messageId, const QString& text) {
    if (generating() || text.trimmed().isEmpty()) return;
    auto id = m_store->editMessage(messageId, text.trimmed());
    if (!id) {
        failed(id.error());
        return;
    }
    reloadMessages();
    startReply(*id);
}

void AppController::switchBranch(qint64 messageId, int delta) {
    if (generating()) return;  // the streaming reply is on the active path
    auto id = m_store->switchBranch(messageId, delta);
    if (!id) {
        failed(id.error());
        return;
    }
    reloadMessages();
}

int AppController::countTokens(const QString& text) const {
    return m_worker->modelReady() ? m_worker->countTokens(text) : -1;
}

void AppController::copyToClipboard(const QString& text) {
    if (auto* app = qobject_cast<QGuiApplication*>(QCoreApplication::instance()))
        app->clipboard()->setText(text);
}

void AppController::stop() {
    if (m_waiting.userId != 0 && m_requestId == 0) {  // still counting: nothing reached the engine
        m_waiting = {};
        setPrefill(-1);
        emit generatingChanged();
        return;
    }
    if (m_requestId == 0) return;
    m_stopRequested = true;
    m_worker->cancel(m_requestId);
}

// --- export / import -----------------------------------------------------------------------------

bool AppController::exportConversation(qint64 id, const QString& path, const QString& format) {
    const ExportFormat* writer = nullptr;
    for (const ExportFormat& f : kExportFormats)
        if (format == QLatin1String(f.name)) writer = &f;
    const QString file = localPath(path);
    QString error;
    if (!writer) {
        error = tr("Unknown export format “%1” (use markdown or json).").arg(format);
    } else if (file.isEmpty()) {
        error = tr("No file was chosen for the export.");
    } else if (auto dump = m_store->dump(id); !dump) {
        error = QString::fromStdString(dump.error().message);
    } else {
        // QSaveFile: an existing file is replaced only once the new one is complete.
        QSaveFile out(file);
        const QByteArray bytes = writer->write(*dump);
        if (!out.open(QIODevice::WriteOnly) || out.write(bytes) != bytes.size() || !out.commit())
            error = out.errorString();
    }
    if (error.isEmpty()) {
        setStatus(tr("Exported to %1").arg(file));
        return true;
    }
    const QString message = tr("Could not export the conversation: %1").arg(error);
    setStatus(message);
    emit errorOccurred(message);
    return false;
}

qint64 AppController::importConversation(const QString& path) {
    const QString file = localPath(path);
    QFile in(file);
    QString error;
    qint64 id = 0;
    if (!in.open(QIODevice::ReadOnly)) {
        error = in.errorString();
    } else if (in.size() > kMaxImportBytes) {
        error = tr("the file is larger than %1 MiB").arg(kMaxImportBytes >> 20);
    } else if (auto dump = folio::parseConversationJson(in.readAll()); !dump) {
        error = QString::fromStdString(dump.error().message);
    } else if (auto imported = m_store->import(*dump); !imported) {
        error = QString::fromStdString(imported.error().message);
    } else {
        id = *imported;
    }
    if (id == 0) {
        const QString message = tr("Could not import %1: %2").arg(file, error);
        setStatus(message);
        emit errorOccurred(message);
        return 0;
    }
    refreshConversations();
    selectConversation(id);
    setStatus(tr("Imported “%1”").arg(m_currentTitle));
    return id;
}
