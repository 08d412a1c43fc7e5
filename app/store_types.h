#pragma once
// Plain records read from and written to the conversation store. Times are UTC QDateTimes
// (stored as milliseconds since the epoch); ids are SQLite rowids (> 0; 0 means "none").
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace folio {

enum class MessageState { Complete, Streaming, Interrupted };

// "complete" | "streaming" | "interrupted" <-> MessageState; unknown text gives Complete.
QString messageStateName(MessageState state);
bool parseMessageState(const QString& name, MessageState* state);

struct ConversationRecord {
    qint64 id = 0;
    QString title;
    QDateTime createdAt;
    QDateTime updatedAt;
    bool pinned = false;
    bool thinkingEnabled = false;
    QString systemPrompt;          // meaningful only when hasSystemPrompt
    bool hasSystemPrompt = false;  // false: use the settings' default prompt
    QString engine;                // "": the local model; "remote": the remote engine (Settings)
};

struct MessageRecord {
    qint64 id = 0;
    qint64 conversationId = 0;
    qint64 parentId = 0;  // 0: first message of the conversation
    QString role;         // "system" | "user" | "assistant"
    QString content;
    QString thinking;
    qint64 thinkingMs = 0;
    MessageState state = MessageState::Complete;
    bool active = true;  // on the active path among its siblings
    QDateTime createdAt;
    QDateTime updatedAt;
    QJsonObject stats;    // per-reply statistics (ttftMs, tokensPerSecond, tokens, ...)
    int tokenCount = -1;  // cached token count of content; -1 when not counted yet
};

// One message of the active path, with its place among its siblings (for "‹ 2/3 ›").
struct PathEntry {
    MessageRecord message;
    int branchIndex = 0;  // 0-based, in creation order
    int branchCount = 1;
};

// A whole conversation with every message of its tree (export/import).
struct ConversationDump {
    ConversationRecord conversation;
    QList<MessageRecord> messages;  // parents before children
};

}  // namespace folio
