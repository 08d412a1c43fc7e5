#include "app/conversation_store.h"

#include <QHash>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTimeZone>
#include <QVariant>
#include <algorithm>

namespace folio {
namespace {

// --- SQL, all in one place -----------------------------------------------------------------------
const char* const kConversationColumns =
    "c.id, c.title, c.created_at, c.updated_at, c.pinned, c.thinking_enabled, c.system_prompt, "
    "c.engine";
const char* const kOrderConversations = " ORDER BY c.pinned DESC, c.updated_at DESC, c.id DESC";
const char* const kSqlInsertConversation =
    "INSERT INTO conversations (title, created_at, updated_at, pinned, thinking_enabled, "
    "system_prompt) VALUES (?, ?, ?, ?, ?, ?)";
const char* const kSqlRename = "UPDATE conversations SET title = ?, updated_at = ? WHERE id = ?";
const char* const kSqlSetPinned = "UPDATE conversations SET pinned = ? WHERE id = ?";
const char* const kSqlSetThinking = "UPDATE conversations SET thinking_enabled = ? WHERE id = ?";
const char* const kSqlSetSystemPrompt = "UPDATE conversations SET system_prompt = ? WHERE id = ?";
const char* const kSqlSetEngine = "UPDATE conversations SET engine = ? WHERE id = ?";
const char* const kSqlSoftDelete =
    "UPDATE conversations SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL";
const char* const kSqlUndoDelete = "UPDATE conversations SET deleted_at = NULL WHERE id = ?";
const char* const kSqlPurge = "DELETE FROM conversations WHERE deleted_at IS NOT NULL";
const char* const kSqlTouch = "UPDATE conversations SET updated_at = ? WHERE id = ?";

const char* const kMessageColumns =
    "id, conversation_id, parent_id, role, content, thinking, thinking_ms, state, is_active, "
    "created_at, updated_at, stats, token_count";
const char* const kSqlInsertMessage =
    "INSERT INTO messages (conversation_id, parent_id, role, content, thinking, thinking_ms, "
    "state, is_active, created_at, updated_at, stats, token_count) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
// Makes exactly one of the siblings under the same parent active ("IS" matches NULL parents).
const char* const kSqlActivateSibling =
    "UPDATE messages SET is_active = (id = ?) WHERE conversation_id = ? AND parent_id IS ?";
const char* const kSqlUpdateContent =
    "UPDATE messages SET content = ?, thinking = ?, updated_at = ? WHERE id = ?";
const char* const kSqlFinish =
    "UPDATE messages SET content = ?, thinking = ?, thinking_ms = ?, state = ?, stats = ?, "
    "updated_at = ? WHERE id = ?";
const char* const kSqlSetTokens = "UPDATE messages SET token_count = ? WHERE id = ?";
const char* const kSqlSiblings =
    "SELECT id FROM messages WHERE conversation_id = ? AND parent_id IS ? ORDER BY id";
const char* const kSqlMarkInterrupted =
    "UPDATE messages SET state = 'interrupted' WHERE state = 'streaming'";

qint64 nowMs() {
    return QDateTime::currentMSecsSinceEpoch();
}
QDateTime fromMs(const QVariant& v) {
    return QDateTime::fromMSecsSinceEpoch(v.toLongLong(), Qt::UTC);
}
// QtSql binds a null QString as SQL NULL; text columns that are NOT NULL get '' instead.
QString text(const QString& s) {
    return s.isNull() ? QStringLiteral("") : s;
}
QVariant nullableId(qint64 id) {
    return id > 0 ? QVariant(id) : QVariant(QMetaType::fromType<qint64>());
}

Error sqlFailure(const char* what, const QSqlQuery& q) {
    return makeError(std::string(what) + ": " + q.lastError().text().toStdString());
}

// Prepares, binds in order and executes; errors name `what`.
Status run(QSqlQuery& q, const char* sql, const QVariantList& binds, const char* what) {
    if (!q.prepare(sql)) return sqlFailure(what, q);
    for (const QVariant& v : binds) q.addBindValue(v);
    if (!q.exec()) return sqlFailure(what, q);
    return {};
}

// Like run() but an UPDATE that matched no row is an "unknown id" error.
Status runUpdate(const Database& db, const char* sql, const QVariantList& binds, const char* what) {
    QSqlQuery q(db.connection());
    if (Status s = run(q, sql, binds, what); !s.ok()) return s;
    if (q.numRowsAffected() == 0) return makeError(std::string(what) + ": no such id");
    return {};
}

ConversationRecord readConversation(const QSqlQuery& q) {
    ConversationRecord c;
    c.id = q.value(0).toLongLong();
    c.title = q.value(1).toString();
    c.createdAt = fromMs(q.value(2));
    c.updatedAt = fromMs(q.value(3));
    c.pinned = q.value(4).toBool();
    c.thinkingEnabled = q.value(5).toBool();
    c.hasSystemPrompt = !q.value(6).isNull();
    c.systemPrompt = q.value(6).toString();
    c.engine = q.value(7).toString();
    return c;
}

MessageRecord readMessage(const QSqlQuery& q) {
    MessageRecord m;
    m.id = q.value(0).toLongLong();
    m.conversationId = q.value(1).toLongLong();
    m.parentId = q.value(2).isNull() ? 0 : q.value(2).toLongLong();
    m.role = q.value(3).toString();
    m.content = q.value(4).toString();
    m.thinking = q.value(5).toString();
    m.thinkingMs = q.value(6).toLongLong();
    parseMessageState(q.value(7).toString(), &m.state);
    m.active = q.value(8).toBool();
    m.createdAt = fromMs(q.value(9));
    m.updatedAt = fromMs(q.value(10));
    if (!q.value(11).isNull())
        m.stats = QJsonDocument::fromJson(q.value(11).toByteArray()).object();
    m.tokenCount = q.value(12).isNull() ? -1 : q.value(12).toInt();
    return m;
}

QVariant statsText(const QJsonObject& stats) {
    if (stats.isEmpty()) return QVariant(QMetaType::fromType<QString>());
    return QString::fromUtf8(QJsonDocument(stats).toJson(QJsonDocument::Compact));
}

// Escapes LIKE wildcards with '\'.
QString likePattern(const QString& term) {
    QString escaped = term;
    escaped.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    return '%' + escaped + '%';
}

// An FTS5 phrase literal for one term: double quotes doubled; '*' for unicode61 prefix queries.
QString ftsPhrase(const QString& term, bool prefix) {
    QString escaped = term;
    escaped.replace('"', "\"\"");
    return '"' + escaped + '"' + (prefix ? "*" : "");
}

// RAII transaction on one connection: rolls back unless commit() succeeded.
class Transaction {
public:
    explicit Transaction(QSqlDatabase db) : m_db(std::move(db)), m_open(m_db.transaction()) {}
    ~Transaction() {
        if (m_open) m_db.rollback();
    }
    bool began() const { return m_open; }
    Status commit() {
        if (!m_db.commit())
            return makeError("commit failed: " + m_db.lastError().text().toStdString());
        m_open = false;
        return {};
    }

private:
    QSqlDatabase m_db;
    bool m_open;
};

}  // namespace

QString messageStateName(MessageState state) {
    static const char* const kNames[] = {"complete", "streaming", "interrupted"};
    return kNames[int(state)];
}

bool parseMessageState(const QString& name, MessageState* state) {
    for (MessageState s :
         {MessageState::Complete, MessageState::Streaming, MessageState::Interrupted}) {
        if (messageStateName(s) == name) {
            *state = s;
            return true;
        }
    }
    *state = MessageState::Complete;
    return false;
}

// --- conversations -------------------------------------------------------------------------------

Expected<qint64> ConversationStore::createConversation(const QString& title, bool thinkingEnabled) {
    QSqlQuery q(m_db.connection());
    const qint64 now = nowMs();
    const QVariantList binds{text(title),
                             now,
                             now,
                             0,
                             thinkingEnabled ? 1 : 0,
                             QVariant(QMetaType::fromType<QString>())};
    if (Status s = run(q, kSqlInsertConversation, binds, "create conversation"); !s.ok())
        return makeError(s.message());
    return q.lastInsertId().toLongLong();
}

Expected<QList<ConversationRecord>> ConversationStore::queryConversations(
    const QString& sql, const QVariantList& binds) const {
    QSqlQuery q(m_db.connection());
    q.setForwardOnly(true);
    const QByteArray utf8 = sql.toUtf8();
    if (Status s = run(q, utf8.constData(), binds, "list conversations"); !s.ok())
        return makeError(s.message());
    QList<ConversationRecord> list;
    while (q.next()) list.append(readConversation(q));
    return list;
}

Expected<ConversationRecord> ConversationStore::conversation(qint64 id) const {
    auto list = queryConversations(
        QStringLiteral("SELECT %1 FROM conversations c WHERE c.id = ?").arg(kConversationColumns),
        {id});
    if (!list) return list.error();
    if (list->isEmpty()) return makeError("no conversation with id " + std::to_string(id));
    return list->first();
}

Expected<QList<ConversationRecord>> ConversationStore::listConversations() const {
    return queryConversations(QStringLiteral("SELECT %1 FROM conversations c WHERE c.deleted_at "
                                             "IS NULL%2")
                                  .arg(kConversationColumns, kOrderConversations),
                              {});
}

Status ConversationStore::renameConversation(qint64 id, const QString& title) {
    return runUpdate(m_db, kSqlRename, {text(title), nowMs(), id}, "rename conversation");
}

Status ConversationStore::setPinned(qint64 id, bool pinned) {
    return runUpdate(m_db, kSqlSetPinned, {pinned ? 1 : 0, id}, "pin conversation");
}

Status ConversationStore::setThinkingEnabled(qint64 id, bool enabled) {
    return runUpdate(m_db, kSqlSetThinking, {enabled ? 1 : 0, id}, "set thinking");
}

Status ConversationStore::setSystemPrompt(qint64 id, const QString& prompt, bool hasPrompt) {
    const QVariant value = hasPrompt ? QVariant(prompt) : QVariant(QMetaType::fromType<QString>());
    return runUpdate(m_db, kSqlSetSystemPrompt, {value, id}, "set system prompt");
}

Status ConversationStore::setEngine(qint64 id, const QString& engine) {
    const QVariant value = engine.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : engine;
    return runUpdate(m_db, kSqlSetEngine, {value, id}, "set engine");
}

Status ConversationStore::deleteConversation(qint64 id) {
    return runUpdate(m_db, kSqlSoftDelete, {nowMs(), id}, "delete conversation");
}

Status ConversationStore::undoDelete(qint64 id) {
    return runUpdate(m_db, kSqlUndoDelete, {id}, "undo delete");
}

Expected<int> ConversationStore::purgeDeleted() {
    QSqlQuery q(m_db.connection());
    if (Status s = run(q, kSqlPurge, {}, "purge deleted"); !s.ok()) return makeError(s.message());
    return q.numRowsAffected();
}

Status ConversationStore::touchConversation(qint64 id) {
    return runUpdate(m_db, kSqlTouch, {nowMs(), id}, "touch conversation");
}

Expected<QList<ConversationRecord>> ConversationStore::search(const QString& text) const {
    const QStringList terms = text.split(QRegularExpression("\\s+"), Qt::SkipEmptyParts);
    if (terms.isEmpty()) return listConversations();
    const bool trigram = m_db.searchTokenizer() == "trigram";
    // One condition per term, all of which must hold (AND).
    QStringList conditions;
    QVariantList binds;
    for (const QString& term : terms) {
        if (trigram && term.size() < 3) {
            conditions << "(c.title LIKE ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM messages m WHERE "
                          "m.conversation_id = c.id AND m.content LIKE ? ESCAPE '\\'))";
            binds << likePattern(term) << likePattern(term);
        } else {
            conditions << "(c.id IN (SELECT rowid FROM conversation_fts WHERE conversation_fts "
                          "MATCH ?) OR c.id IN (SELECT m.conversation_id FROM message_fts JOIN "
                          "messages m ON m.id = message_fts.rowid WHERE message_fts MATCH ?))";
            const QString phrase = ftsPhrase(term, !trigram);
            binds << phrase << phrase;
        }
    }
    return queryConversations(
        QStringLiteral("SELECT %1 FROM conversations c WHERE c.deleted_at IS "
                       "NULL AND %2%3")
            .arg(kConversationColumns, conditions.join(" AND "), kOrderConversations),
        binds);
}

// --- messages ------------------------------------------------------------------------------------

Expected<qint64> ConversationStore::addMessage(qint64 conversationId, qint64 parentId,
                                               const QString& role, const QString& content,
                                               MessageState state) {
    Transaction tx(m_db.connection());
    if (!tx.began()) return makeError("add message: cannot begin a transaction");
    QSqlQuery q(m_db.connection());
    const qint64 now = nowMs();
    const QVariantList binds{conversationId,
                             nullableId(parentId),
                             role,
                             text(content),
                             text(QString()),
                             0,
                             messageStateName(state),
                             1,
                             now,
                             now,
                             QVariant(QMetaType::fromType<QString>()),
                             QVariant(QMetaType::fromType<int>())};
    if (Status s = run(q, kSqlInsertMessage, binds, "add message"); !s.ok())
        return makeError(s.message());
    const qint64 id = q.lastInsertId().toLongLong();
    if (Status s = run(q, kSqlActivateSibling, {id, conversationId, nullableId(parentId)},
                       "activate message");
        !s.ok())
        return makeError(s.message());
    if (Status s = touchConversation(conversationId); !s.ok()) return makeError(s.message());
    if (Status s = tx.commit(); !s.ok()) return makeError(s.message());
    return id;
}

Expected<MessageRecord> ConversationStore::message(qint64 id) const {
    QSqlQuery q(m_db.connection());
    const QByteArray sql =
        QStringLiteral("SELECT %1 FROM messages WHERE id = ?").arg(kMessageColumns).toUtf8();
    if (Status s = run(q, sql.constData(), {id}, "read message"); !s.ok())
        return makeError(s.message());
    if (!q.next()) return makeError("no message with id " + std::to_string(id));
    return readMessage(q);
}

Status ConversationStore::updateContent(qint64 id, const QString& content,
                                        const QString& thinking) {
    return runUpdate(m_db, kSqlUpdateContent, {text(content), text(thinking), nowMs(), id},
                     "checkpoint message");
}

Status ConversationStore::finishMessage(qint64 id, const QString& content, const QString& thinking,
                                        qint64 thinkingMs, MessageState state,
                                        const QJsonObject& stats) {
    return runUpdate(m_db, kSqlFinish,
                     {text(content), text(thinking), thinkingMs, messageStateName(state),
                      statsText(stats), nowMs(), id},
                     "finish message");
}

Status ConversationStore::setTokenCount(qint64 id, int tokens) {
    return runUpdate(m_db, kSqlSetTokens, {tokens, id}, "set token count");
}

Expected<int> ConversationStore::markStreamingInterrupted() {
    QSqlQuery q(m_db.connection());
    if (Status s = run(q, kSqlMarkInterrupted, {}, "mark interrupted"); !s.ok())
        return makeError(s.message());
    return q.numRowsAffected();
}

Expected<QList<MessageRecord>> ConversationStore::messages(qint64 conversationId) const {
    QSqlQuery q(m_db.connection());
    q.setForwardOnly(true);
    // Ids grow with insertion, so ordering by id puts parents before children.
    const QByteArray sql =
        QStringLiteral("SELECT %1 FROM messages WHERE conversation_id = ? ORDER BY id")
            .arg(kMessageColumns)
            .toUtf8();
    if (Status s = run(q, sql.constData(), {conversationId}, "read messages"); !s.ok())
        return makeError(s.message());
    QList<MessageRecord> list;
    while (q.next()) list.append(readMessage(q));
    return list;
}

Expected<QList<PathEntry>> ConversationStore::activePath(qint64 conversationId) const {
    auto all = messages(conversationId);
    if (!all) return all.error();
    QHash<qint64, QList<int>> children;  // parent id (0 = root) -> indexes into *all, in id order
    for (int i = 0; i < all->size(); ++i) children[all->at(i).parentId].append(i);
    QList<PathEntry> path;
    qint64 parent = 0;
    for (;;) {
        const QList<int> siblings = children.value(parent);
        if (siblings.isEmpty()) break;
        int chosen = int(siblings.size()) - 1;  // no active flag (should not happen): newest
        for (int k = 0; k < siblings.size(); ++k)
            if (all->at(siblings[k]).active) chosen = k;
        path.append(PathEntry{all->at(siblings[chosen]), chosen, int(siblings.size())});
        parent = all->at(siblings[chosen]).id;
    }
    return path;
}

// --- branches ------------------------------------------------------------------------------------

Status ConversationStore::activate(qint64 messageId) {
    auto m = message(messageId);
    if (!m) return m.error();
    QSqlQuery q(m_db.connection());
    return run(q, kSqlActivateSibling, {messageId, m->conversationId, nullableId(m->parentId)},
               "activate message");
}

Expected<qint64> ConversationStore::switchBranch(qint64 messageId, int delta) {
    auto m = message(messageId);
    if (!m) return m.error();
    QSqlQuery q(m_db.connection());
    if (Status s =
            run(q, kSqlSiblings, {m->conversationId, nullableId(m->parentId)}, "list siblings");
        !s.ok())
        return makeError(s.message());
    QList<qint64> siblings;
    while (q.next()) siblings.append(q.value(0).toLongLong());
    const int at = int(siblings.indexOf(messageId));
    const qint64 target = siblings.at(std::clamp(at + delta, 0, int(siblings.size()) - 1));
    if (Status s = activate(target); !s.ok()) return makeError(s.message());
    return target;
}

Expected<qint64> ConversationStore::editMessage(qint64 messageId, const QString& text) {
    auto m = message(messageId);
    if (!m) return m.error();
    if (m->role != "user") return makeError("edit message: only user messages can be edited");
    return addMessage(m->conversationId, m->parentId, m->role, text);
}

// --- whole conversations -------------------------------------------------------------------------

Expected<ConversationDump> ConversationStore::dump(qint64 conversationId) const {
    auto c = conversation(conversationId);
    if (!c) return c.error();
    auto all = messages(conversationId);
    if (!all) return all.error();
    return ConversationDump{*c, *all};
}

Expected<qint64> ConversationStore::import(const ConversationDump& dump) {
    Transaction tx(m_db.connection());
    if (!tx.began()) return makeError("import: cannot begin a transaction");
    const ConversationRecord& c = dump.conversation;
    QSqlQuery q(m_db.connection());
    const QVariant prompt =
        c.hasSystemPrompt ? QVariant(c.systemPrompt) : QVariant(QMetaType::fromType<QString>());
    if (Status s =
            run(q, kSqlInsertConversation,
                {text(c.title), c.createdAt.toMSecsSinceEpoch(), c.updatedAt.toMSecsSinceEpoch(),
                 c.pinned ? 1 : 0, c.thinkingEnabled ? 1 : 0, prompt},
                "import conversation");
        !s.ok())
        return makeError(s.message());
    const qint64 conversationId = q.lastInsertId().toLongLong();
    QHash<qint64, qint64> newIds;  // id in the dump -> id here
    for (const MessageRecord& m : dump.messages) {
        if (m.parentId != 0 && !newIds.contains(m.parentId))
            return makeError("import: message " + std::to_string(m.id) +
                             " comes before its parent " + std::to_string(m.parentId));
        const QVariantList binds{
            conversationId,
            nullableId(newIds.value(m.parentId)),
            m.role,
            text(m.content),
            text(m.thinking),
            m.thinkingMs,
            messageStateName(m.state),
            m.active ? 1 : 0,
            m.createdAt.toMSecsSinceEpoch(),
            m.updatedAt.toMSecsSinceEpoch(),
            statsText(m.stats),
            m.tokenCount >= 0 ? QVariant(m.tokenCount) : QVariant(QMetaType::fromType<int>())};
        if (Status s = run(q, kSqlInsertMessage, binds, "import message"); !s.ok())
            return makeError(s.message());
        newIds.insert(m.id, q.lastInsertId().toLongLong());
    }
    if (Status s = tx.commit(); !s.ok()) return makeError(s.message());
    return conversationId;
}

}  // namespace folio
