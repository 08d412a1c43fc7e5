#pragma once
// AppController: what the QML calls `app`. Owns the item models, drives the conversation store
// and the engine worker, and keeps the two in step.
//
// Durability: a user message is committed before its request reaches the engine; the streaming
// reply is checkpointed at least once a second and on finish, so a crash loses at most the last
// second of a reply (it comes back 'interrupted', with Continue).
// Thread-safety: GUI thread only. Engine results arrive as queued signals from EngineWorker.
#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QTimer>
#include <algorithm>
#include <memory>

#include "app/conversation_store.h"
#include "app/think_parser.h"
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
    Q_PROPERTY(qint64 currentConversationId READ currentConversationId NOTIFY currentConversationChanged)
    Q_PROPERTY(QString currentTitle READ currentTitle NOTIFY currentConversationChanged)
    Q_PROPERTY(bool generating READ generating NOTIFY generatingChanged)
    Q_PROPERTY(bool modelReady READ modelReady NOTIFY modelChanged)
    Q_PROPERTY(QString modelName READ modelName NOTIFY modelChanged)
    Q_PROPERTY(QString deviceName READ deviceName NOTIFY modelChanged)
    Q_PROPERTY(QString statusText READ statusText NOTIFY statusTextChanged)
    Q_PROPERTY(double prefillProgress READ prefillProgress NOTIFY prefillProgressChanged)  // 0..1, -1 idle
    Q_PROPERTY(int contextSize READ contextSize NOTIFY modelChanged)
    Q_PROPERTY(int contextUsed READ contextUsed NOTIFY contextUsedChanged)
    Q_PROPERTY(bool thinkingEnabled READ thinkingEnabled WRITE setThinkingEnabled NOTIFY thinkingEnabledChanged)
    Q_PROPERTY(QString databaseError READ databaseError CONSTANT)

public:
    // store, worker and settings must outlive the controller. databaseError: the message from
    // opening the database (empty when all was well).
    AppController(folio::ConversationStore* store, EngineWorker* worker, Settings* settings,
                  const QString& databaseError, QObject* parent = nullptr);
    ~AppController() override;

    ConversationListModel* conversations() { return &m_conversations; }
    MessageListModel* messages() { return &m_messages; }
    qint64 currentConversationId() const { return m_currentId; }
    QString currentTitle() const { return m_currentTitle; }
    bool generating() const { return m_requestId != 0; }
    bool modelReady() const;
    QString modelName() const { return m_modelName; }
    QString deviceName() const { return m_deviceName; }
    QString statusText() const { return m_statusText; }
    double prefillProgress() const { return m_prefillProgress; }
    int contextSize() const { return m_contextSize; }
    int contextUsed() const { return m_contextUsed; }
    bool thinkingEnabled() const { return m_thinkingEnabled; }
    void setThinkingEnabled(bool enabled);
    QString databaseError() const { return m_databaseError; }
    // Upper bound of generated tokens per reply (default 2048); for tests and tools.
    void setMaxReplyTokens(int tokens) { m_maxReplyTokens = std::max(tokens, 1); }

    Q_INVOKABLE void newConversation();
    Q_INVOKABLE void selectConversation(qint64 id);
    Q_INVOKABLE void renameConversation(qint64 id, const QString& title);
    Q_INVOKABLE void deleteConversation(qint64 id);
    Q_INVOKABLE void undoDelete();
    Q_INVOKABLE void setPinned(qint64 id, bool pinned);
    Q_INVOKABLE void setSearchText(const QString& text);

    Q_INVOKABLE void send(const QString& text);
    Q_INVOKABLE void stop();
    Q_INVOKABLE void regenerate();
    Q_INVOKABLE void continueReply();
    Q_INVOKABLE void editMessage(qint64 messageId, const QString& text);
    Q_INVOKABLE void switchBranch(qint64 messageId, int delta);
    Q_INVOKABLE int countTokens(const QString& text) const;
    Q_INVOKABLE void loadModel(const QString& path);
    Q_INVOKABLE void copyToClipboard(const QString& text);

signals:
    void currentConversationChanged();
    void generatingChanged();
    void modelChanged();
    void statusTextChanged();
    void prefillProgressChanged();
    void contextUsedChanged();
    void thinkingEnabledChanged();
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
    void startReply(qint64 userMessageId, qint64 continueId = 0);
    void checkpoint();
    bool failed(const folio::Status& status);  // reports a store error; true when it failed
    void setStatus(const QString& text);
    void setPrefill(double progress);
    QString systemPromptFor(const folio::ConversationRecord& c) const;
    int tokensOf(folio::PathEntry& entry);  // cached in the store

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
    int m_contextSize = 0;
    int m_contextUsed = 0;
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
};
