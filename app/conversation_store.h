#pragma once
// ConversationStore: conversations and their message trees in the Folio database.
//
// Each conversation is a tree of messages. Editing a user message adds a sibling (a new branch);
// regenerating a reply adds a sibling assistant message under the same user message. Exactly one
// sibling per parent is active; the active path follows those from the first message.
//
// Durability contract: every method that writes commits before it returns (multi-row writes in one
// transaction), so a crash after a call returns never loses what the call wrote.
// Thread-safety: use one store per thread (it uses the calling thread's connection of Database).
// Failures (SQL errors, unknown ids, a read-only database) return an Error naming the problem.
#include <QList>
#include <QString>

#include "app/database.h"
#include "app/store_types.h"
#include "engine/status.h"

namespace folio {

class ConversationStore {
public:
    explicit ConversationStore(const Database& db) : m_db(db) {}

    // --- conversations
    Expected<qint64> createConversation(const QString& title, bool thinkingEnabled = false);
    Expected<ConversationRecord> conversation(qint64 id) const;
    // Live conversations, pinned first, then most recently updated first.
    Expected<QList<ConversationRecord>> listConversations() const;
    Status renameConversation(qint64 id, const QString& title);
    Status setPinned(qint64 id, bool pinned);
    Status setThinkingEnabled(qint64 id, bool enabled);
    // hasPrompt=false returns the conversation to the settings' default prompt.
    Status setSystemPrompt(qint64 id, const QString& prompt, bool hasPrompt);
    // "" (this computer) or "remote" (ConversationRecord::engine).
    Status setEngine(qint64 id, const QString& engine);
    // Soft delete: hidden from lists and search until undoDelete() or purgeDeleted().
    Status deleteConversation(qint64 id);
    Status undoDelete(qint64 id);
    // Removes soft-deleted conversations for good; returns how many.
    Expected<int> purgeDeleted();

    // Live conversations whose title or any message contains every whitespace-separated term
    // (case-insensitive), sorted like listConversations(). With the trigram tokenizer a term of
    // 3+ characters uses FTS5 (substrings, so Chinese works); shorter terms use LIKE.
    Expected<QList<ConversationRecord>> search(const QString& text) const;

    // --- messages
    // Adds a message under parentId (0 = first message) and makes it the active sibling. Bumps the
    // conversation's updated_at.
    Expected<qint64> addMessage(qint64 conversationId, qint64 parentId, const QString& role,
                                const QString& content,
                                MessageState state = MessageState::Complete);
    Expected<MessageRecord> message(qint64 id) const;
    // Streaming checkpoint: replaces content and thinking (state unchanged).
    Status updateContent(qint64 id, const QString& content, const QString& thinking);
    // Final write of a reply: content, thinking, its duration, state and statistics.
    Status finishMessage(qint64 id, const QString& content, const QString& thinking,
                         qint64 thinkingMs, MessageState state, const QJsonObject& stats);
    Status setTokenCount(qint64 id, int tokens);
    // Startup recovery: every message still 'streaming' becomes 'interrupted'. Returns how many.
    Expected<int> markStreamingInterrupted();

    // Every message of the conversation, parents before children, siblings in creation order.
    Expected<QList<MessageRecord>> messages(qint64 conversationId) const;
    // The active path from the first message to the newest leaf.
    Expected<QList<PathEntry>> activePath(qint64 conversationId) const;

    // --- branches
    // Makes this message the active one among its siblings (descendants keep their own choice).
    Status activate(qint64 messageId);
    // Activates the sibling `delta` places away (clamped); returns the now active sibling's id.
    Expected<qint64> switchBranch(qint64 messageId, int delta);
    // A new active sibling of the user message `messageId` with the new text; returns its id.
    Expected<qint64> editMessage(qint64 messageId, const QString& text);

    // --- whole conversations
    Expected<ConversationDump> dump(qint64 conversationId) const;
    // Inserts a dump as a new conversation (new ids, tree and active flags preserved).
    Expected<qint64> import(const ConversationDump& dump);

private:
    Status touchConversation(qint64 id);
    Expected<QList<ConversationRecord>> queryConversations(const QString& sql,
                                                           const QVariantList& binds) const;

    const Database& m_db;
};

}  // namespace folio
