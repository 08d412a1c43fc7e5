#pragma once
// AppController: what the QML calls `app`. Owns the item models, drives the conversation store
// and the engine worker, and keeps the two in step.
//
// Durability: a user message is committed before its request reaches the engine; the streaming
// reply is checkpointed at least once a second and on finish, so a crash loses at most the last
// second of a reply (it comes back 'interrupted', with Continue).
// Thread-safety: GUI thread only. Engine results arrive as queued signals from EngineWorker.
#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QString>
#include <QTimer>
#include <algorithm>
#include <functional>
#include <memory>
#include <vector>

#include "app/chat_request.h"
#include "app/conversation_store.h"
#include "app/documents/document_turn.h"
#include "app/documents/retrieval_cap.h"
#include "app/read_ahead.h"
#include "app/remote/remote_engine.h"
#include "app/think_parser.h"
#include "app/token_counter.h"
#include "ui/conversation_list_model.h"
#include "ui/message_list_model.h"

class EngineWorker;
class Settings;
namespace folio {
struct GenerationResult;
}

class AppController : public QObject {
    Q_OBJECT
    Q_PROPERTY(ConversationListModel* conversations READ conversations CONSTANT)
    Q_PROPERTY(MessageListModel* messages READ messages CONSTANT)
    Q_PROPERTY(
        qint64 currentConversationId READ currentConversationId NOTIFY currentConversationChanged)
    Q_PROPERTY(QString currentTitle READ currentTitle NOTIFY currentConversationChanged)
    Q_PROPERTY(bool generating READ generating NOTIFY generatingChanged)
    Q_PROPERTY(bool modelReady READ modelReady NOTIFY modelChanged)
    Q_PROPERTY(QString modelName READ modelName NOTIFY modelChanged)
    Q_PROPERTY(QString deviceName READ deviceName NOTIFY modelChanged)
    // The loaded model's KV cache: "f16" | "q8_0" ("" before a model loads) and its bytes per
    // token of context (K and V, every layer).
    Q_PROPERTY(QString kvCacheType READ kvCacheType NOTIFY modelChanged)
    Q_PROPERTY(double kvBytesPerToken READ kvBytesPerToken NOTIFY modelChanged)
    Q_PROPERTY(QString statusText READ statusText NOTIFY statusTextChanged)
    Q_PROPERTY(
        double prefillProgress READ prefillProgress NOTIFY prefillProgressChanged)  // 0..1, -1 idle
    Q_PROPERTY(int contextSize READ contextSize NOTIFY modelChanged)
    // Which engine the current chat runs on: "" this computer's model, "remote" the
    // server set in Settings (text then leaves this computer: the window says so).
    Q_PROPERTY(QString conversationEngine READ conversationEngine NOTIFY modelChanged)
    // The model name, device, context size and readiness above follow the chat's engine; the
    // local model's own, for what always runs here (the API server):
    Q_PROPERTY(bool localModelReady READ localModelReady NOTIFY modelChanged)
    // Tokens the next turn will use (system prompt + history + the attached documents' block).
    // While a message's exact count is computed off the GUI thread it holds an estimate and
    // contextExact is false. The document block is the estimate set by setDocumentEstimate, or
    // without one what the last reply read.
    Q_PROPERTY(int contextUsed READ contextUsed NOTIFY contextUsedChanged)
    Q_PROPERTY(bool contextExact READ contextExact NOTIFY contextUsedChanged)
    // contextUsed in parts, for the meter's segments: the system prompt (with a history summary),
    // the documents' block, the conversation; and the tokens kept free for the reply.
    Q_PROPERTY(int contextSystem READ contextSystem NOTIFY contextUsedChanged)
    Q_PROPERTY(int contextDocuments READ contextDocuments NOTIFY contextUsedChanged)
    Q_PROPERTY(int contextHistory READ contextHistory NOTIFY contextUsedChanged)
    Q_PROPERTY(int replyReserve READ replyReserve NOTIFY contextUsedChanged)
    // Tokens of the composer's draft (see countDraft()): an estimate at once, exact shortly after.
    Q_PROPERTY(int draftTokens READ draftTokens NOTIFY draftTokensChanged)
    Q_PROPERTY(bool thinkingEnabled READ thinkingEnabled WRITE setThinkingEnabled NOTIFY
                   thinkingEnabledChanged)
    Q_PROPERTY(QString databaseError READ databaseError CONSTANT)
    // True while a reply waits for the user's choice: the history no longer fits the context
    // (system prompt + history + reply reserve > context size). overflowTurns: how many of the
    // oldest messages would be left out. Answer with resolveOverflow().
    Q_PROPERTY(bool contextOverflow READ contextOverflow NOTIFY contextOverflowChanged)
    Q_PROPERTY(int overflowTurns READ overflowTurns NOTIFY contextOverflowChanged)
    Q_PROPERTY(bool summarizing READ summarizing NOTIFY generatingChanged)

public:
    // Supplies the documents part of a question for a conversation: (conversationId, question,
    // budget in tokens for the document block) -> the turn (document_turn.h; an empty systemBlock
    // when nothing is attached). Set by AppContext when the documents store exists; unset, no
    // documents.
    // (conversation, question, document budget tokens, retrieval-mode cap tokens) -> the turn.
    using DocumentProvider = std::function<folio::DocumentTurn(qint64, const QString&, int, int)>;
    void setDocumentProvider(DocumentProvider provider) {
        m_documentProvider = std::move(provider);
    }
    // store, worker and settings must outlive the controller. databaseError: the message from
    // opening the database (empty when all was well).
    AppController(folio::ConversationStore* store, EngineWorker* worker, Settings* settings,
                  const QString& databaseError, QObject* parent = nullptr);
    ~AppController() override;

    ConversationListModel* conversations() { return &m_conversations; }
    MessageListModel* messages() { return &m_messages; }
    qint64 currentConversationId() const { return m_currentId; }
    QString currentTitle() const { return m_currentTitle; }
    // True from send() until the reply finishes, including while the history's token counts are
    // still being computed (before the request reaches the engine).
    bool generating() const { return m_requestId != 0 || m_waiting.userId != 0; }
    bool modelReady() const;
    QString modelName() const;
    QString deviceName() const;
    QString localModelName() const { return m_modelName; }
    int localContextSize() const { return m_contextSize; }
    bool localModelReady() const;
    QString conversationEngine() const { return m_engine; }
    // The remote engine the chats may run on (AppContext sets it once).
    void setRemoteEngine(folio::RemoteEngine* remote);
    // Runs the current chat (a new chat: from its first message) on "" or "remote".
    Q_INVOKABLE void setConversationEngine(const QString& engine);
    // The remote server or model changed (Settings): the chat's model, context and readiness
    // follow; a chat on a server that was forgotten runs here again.
    void remoteEngineChanged();
    QString kvCacheType() const { return m_kvCacheType; }
    double kvBytesPerToken() const { return m_kvBytesPerToken; }
    QString statusText() const { return m_statusText; }
    double prefillProgress() const { return m_prefillProgress; }
    int contextSize() const;
    int contextUsed() const { return m_contextUsed; }
    int contextSystem() const { return m_contextParts.system; }
    int contextDocuments() const { return m_contextParts.documents; }
    int contextHistory() const { return m_contextParts.history; }
    int replyReserve() const { return m_maxReplyTokens; }
    // Tokens left for the document block of the next prompt (context - system - history - reply
    // reserve), updated with contextUsed; what AttachedDocuments decides whole vs retrieval by.
    int documentBudget() const { return m_documentBudget; }
    // The document block's tokens as AttachedDocuments estimates them: 0 when the chat has no
    // documents, -1 when not known (the meter then counts what the last reply read).
    void setDocumentEstimate(int tokens);
    // The system message the next reply of the current chat starts with when its documents are
    // read whole (the user's system prompt, then the document block); empty when the chat has
    // none, they are read by retrieval, or no model is loaded. What ReadAhead prefills.
    // With the tags of its chat and documents (saved_tags.h).
    folio::ReadAheadPrompt readAheadPrompt();
    // The retrieval-mode cap of the document block for the loaded model on this computer.
    int retrievalCap() const { return m_prefillSpeed.retrievalCapTokens(); }
    bool contextExact() const { return m_contextExact; }
    int draftTokens() const { return m_draftTokens; }
    bool thinkingEnabled() const { return m_thinkingEnabled; }
    void setThinkingEnabled(bool enabled);
    QString databaseError() const { return m_databaseError; }
    bool contextOverflow() const { return m_overflow.userId != 0; }
    int overflowTurns() const { return m_overflow.turns; }
    bool summarizing() const { return m_summary.active; }
    // The messages of the last request sent to the engine (for tests).
    std::vector<folio::ChatMessage> lastRequestMessages() const { return m_lastRequestMessages; }
    // Upper bound of generated tokens per reply (default 2048); for tests and tools.
    void setMaxReplyTokens(int tokens) { m_maxReplyTokens = std::max(tokens, 1); }
    // Stress tests: replies run to the reply limit instead of ending at the model's end of text.
    void setIgnoreEndOfText(bool ignore) { m_ignoreEndOfText = ignore; }

    Q_INVOKABLE void newConversation();
    // The current conversation's id, creating it (titled `title`) when the chat is still new;
    // 0 on a database error. Used to attach documents before the first message.
    Q_INVOKABLE qint64 ensureConversation(const QString& title);
    Q_INVOKABLE void selectConversation(qint64 id);
    Q_INVOKABLE void renameConversation(qint64 id, const QString& title);
    Q_INVOKABLE void deleteConversation(qint64 id);
    Q_INVOKABLE void undoDelete();
    Q_INVOKABLE void setPinned(qint64 id, bool pinned);
    Q_INVOKABLE void setSearchText(const QString& text);

    Q_INVOKABLE void send(const QString& text);
    // A question answered outside the chat's own reply path (a map-reduce summary of a long
    // document): both are stored at the end of that conversation's active path, as a complete
    // exchange. False (and errorOccurred) when the conversation is gone or the store fails.
    Q_INVOKABLE bool addExchange(qint64 conversationId, const QString& question,
                                 const QString& answer);
    Q_INVOKABLE void stop();
    Q_INVOKABLE void regenerate();
    Q_INVOKABLE void continueReply();
    Q_INVOKABLE void editMessage(qint64 messageId, const QString& text);
    Q_INVOKABLE void switchBranch(qint64 messageId, int delta);
    // Synchronous: tokenizes on the calling thread (tools and tests; the UI uses countDraft()).
    Q_INVOKABLE int countTokens(const QString& text) const;
    // Counts the draft off the GUI thread: draftTokens becomes an estimate now and the exact count
    // when it arrives (a later call supersedes an earlier one). Empty text: 0.
    Q_INVOKABLE void countDraft(const QString& text);
    Q_INVOKABLE void loadModel(const QString& path);
    // The folder where read documents' KV blocks are saved (the engine's disk tier); set once
    // by AppContext. Empty: nothing is saved.
    void setSavedMemoryDirectory(const QString& dir) { m_savedMemoryDir = dir; }
    // Bytes the saved blocks take on disk, and deleting them all (Settings shows both).
    Q_INVOKABLE double savedMemoryBytes() const;
    Q_INVOKABLE void clearSavedMemory();
    // Deletes the saved blocks that hold a source's text (saved_tags.h: a deleted document's
    // "doc-N"); deleteConversation does it for the chat.
    void forgetSavedMemory(const std::string& tag);
    Q_INVOKABLE void copyToClipboard(const QString& text);

    // Writes conversation `id` to `path` (a local path or a file: URL) as format "markdown" or
    // "json"; the file is replaced atomically. False (and errorOccurred) on failure.
    Q_INVOKABLE bool exportConversation(qint64 id, const QString& path, const QString& format);
    // Imports a JSON export as a new conversation and selects it; returns its id, 0 on failure
    // (errorOccurred says why).
    Q_INVOKABLE qint64 importConversation(const QString& path);
    // Answers contextOverflow: "drop" (leave the oldest turns out), "summarize" (ask the model for
    // a summary of them, store it as a system note in the conversation and send it in their
    // place) or "cancel" (send nothing). drop/summarize are remembered for the conversation for
    // the rest of the session.
    Q_INVOKABLE void resolveOverflow(const QString& choice);

signals:
    void currentConversationChanged();
    void generatingChanged();
    void modelChanged();
    void statusTextChanged();
    void prefillProgressChanged();
    // A reply's request is about to go to the engine (ReadAhead steps aside).
    void replyStarting();
    void contextUsedChanged();
    void draftTokensChanged();
    void thinkingEnabledChanged();
    void contextOverflowChanged();
    void errorOccurred(const QString& message);
    void replyFinished(qint64 messageId);

private:
    // Engine worker signals.
    void onLoadProgress(double fraction);
    void onModelLoaded(bool ok, const QVariantMap& summary, const QString& error);
    void onText(quint64 requestId, const QString& batch);
    void onPrefill(quint64 requestId, int done, int total);
    void onFinished(quint64 requestId, const folio::GenerationResult& result);

    void refreshConversations();
    void reloadMessages();  // the active path of the current conversation -> m_messages
    void updateContextUsed();
    // Adds an assistant reply under userMessageId and submits it. continueId: an existing reply
    // to continue instead (0 = a new reply).
    // askOnOverflow=false: drop the oldest turns without asking (after the user chose).
    void startReply(qint64 userMessageId, qint64 continueId = 0, bool askOnOverflow = true);
    // The history sent for a reply under untilId: the active path up to it, with the turns an
    // earlier summary note covers replaced by that summary. tokensOf() fills token counts.
    struct History {
        QList<folio::HistoryTurn> turns;
        QList<qint64> ids;  // message id of each turn
        QString summary;    // the newest summary note on the path (empty when none)
        bool exact = true;  // false: some turns' tokens are estimates (their counts are queued)
    };
    History historyUpTo(QList<folio::PathEntry>& path, qint64 untilId);
    // Tokens left for the document block after system, history and the reply reserve.
    int documentBudgetFor(const QString& system, const History& history) const;
    void setOverflow(qint64 userId, int turns);
    void startSummary(qint64 userMessageId);
    void finishSummary(const folio::GenerationResult& result);
    void checkpoint();
    bool failed(const folio::Status& status);  // reports a store error; true when it failed
    void setStatus(const QString& text);
    void setPrefill(double progress);
    QString systemPromptFor(const folio::ConversationRecord& c) const;
    // Appends the text of the documents attached to the current conversation (whole, or the
    // pages most relevant to the last user turn) within what the context has left.
    // The system prompt with the conversation's document block after it; sets m_documentTurn
    // (the focus for the question, and what finishDocumentAnswer needs for the reply).
    QString withDocuments(const QString& system, const History& history);
    // Token counts, never computed on the GUI thread: the known count, or -1 after queueing the
    // text for the counter (flushCounts() submits the queue). Message counts are cached in the
    // store, other texts (system prompts, document blocks) in memory.
    // Texts up to m_syncCountChars (in all, per updateContextUsed() or startReply()) are counted
    // at once on the GUI thread: a few milliseconds, and short conversations behave as before.
    int tokensOf(folio::PathEntry& entry);
    int textTokens(const QString& text);
    int countNow(const QString& text);  // -1 when over the budget (or no model)
    void cacheTextTokens(const QString& text, int tokens);
    void flushCounts();
    void onCounted(quint64 job, const QList<int>& counts);
    // startReply() found counts missing: it resumes from onCounted() once they are all known.
    void waitForCounts(qint64 userMessageId, qint64 continueId, bool askOnOverflow);
    void resumeWaitingReply();

    folio::ConversationStore* m_store;
    EngineWorker* m_worker;
    Settings* m_settings;
    const QString m_databaseError;
    ConversationListModel m_conversations;
    MessageListModel m_messages;

    qint64 m_currentId = 0;
    QString m_currentTitle;
    bool m_thinkingEnabled = false;
    QString m_searchText;
    qint64 m_lastDeletedId = 0;

    QString m_modelName;
    QString m_deviceName;
    QString m_kvCacheType;
    double m_kvBytesPerToken = 0;
    int m_contextSize = 0;
    folio::RemoteEngine* m_remote = nullptr;
    QString m_engine;  // the current chat's: "" or "remote"
    // Follows the current chat's engine (its stored choice; a new chat keeps the last one).
    void applyEngine(const QString& engine);
    // "remote" when that is asked and a remote engine is set up; else "" (this computer).
    QString knownEngine(const QString& engine) const;
    int m_contextUsed = 0;
    struct ContextParts {
        int system = 0, documents = 0, history = 0;
        bool operator==(const ContextParts&) const = default;
    } m_contextParts;
    int m_documentBudget = 0;
    int m_documentEstimate = -1;
    QString m_savedMemoryDir;
    folio::PrefillSpeed m_prefillSpeed;  // of the loaded model, for the retrieval cap
    bool m_contextExact = true;
    int m_draftTokens = 0;
    QString m_draftText;  // the text of the newest countDraft()
    QString m_statusText;
    double m_prefillProgress = -1;

    // The reply being generated (m_requestId != 0 while generating).
    quint64 m_requestId = 0;
    qint64 m_replyId = 0;
    qint64 m_replyConversationId = 0;
    QString m_replyText;
    QString m_replyThinking;
    std::unique_ptr<folio::ThinkParser> m_parser;
    QElapsedTimer m_thinkingClock;
    qint64 m_thinkingMs = 0;
    bool m_replyDirty = false;  // text arrived since the last checkpoint
    QTimer m_checkpointTimer;   // 1 s while generating
    bool m_stopRequested = false;
    int m_maxReplyTokens = 2048;
    bool m_ignoreEndOfText = false;
    std::vector<folio::ChatMessage> m_lastRequestMessages;

    enum class OverflowChoice { Ask, Drop, Summarize };
    QHash<qint64, OverflowChoice> m_overflowChoices;  // conversation id -> the user's answer
    struct PendingOverflow {
        qint64 conversationId = 0;
        qint64 userId = 0;  // the message the waiting reply answers; 0 = nothing waits
        int turns = 0;
    } m_overflow;
    // A summary being generated (instead of a reply) for the reply under userId.
    struct SummaryJob {
        bool active = false;
        qint64 userId = 0;
        qint64 throughId = 0;  // last message the summary covers
        QString text;
    } m_summary;
    DocumentProvider m_documentProvider;
    folio::DocumentTurn m_documentTurn;  // of the reply being generated (empty: no documents)

    // Asynchronous token counting (see tokensOf()). A target is a message (messageId > 0), the
    // draft, or another text (cached in m_textTokens by content).
    struct CountTarget {
        qint64 messageId = 0;
        bool draft = false;
        QString text;
    };
    static constexpr int kSyncCountChars = 4096;  // UTF-16 units
    int m_syncCountChars = 0;
    QList<CountTarget> m_toCount;                    // queued by tokensOf()/textTokens()
    QHash<quint64, QList<CountTarget>> m_countJobs;  // submitted, by job id
    QHash<qint64, int> m_messageTokens;              // counts that arrived, by message id
    QHash<QString, int> m_textTokens;                // system prompts and document blocks
    QSet<qint64> m_countingMessages;                 // queued or submitted message ids
    QSet<QString> m_countingTexts;                   // queued or submitted texts
    struct WaitingReply {
        qint64 conversationId = 0;
        qint64 userId = 0;  // 0 = no reply waits for counts
        qint64 continueId = 0;
        bool askOnOverflow = true;
    } m_waiting;
    TokenCounter m_counter;  // last: its thread is joined first on destruction
};
