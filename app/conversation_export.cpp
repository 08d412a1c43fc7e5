#include "app/conversation_export.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTimeZone>
#include <algorithm>
#include <iterator>

namespace folio {
namespace {

const char* const kFormat = "folio-conversation";
const int kVersion = 1;
const char* const kRoles[] = {"system", "user", "assistant"};

QString isoTime(const QDateTime& t) {
    return t.toUTC().toString(Qt::ISODateWithMs);
}

QString roleHeading(const QString& role) {
    if (role == "user") return QStringLiteral("User");
    if (role == "assistant") return QStringLiteral("Assistant");
    return QStringLiteral("System");
}

QJsonObject messageJson(const MessageRecord& m) {
    return QJsonObject{
        {"id", m.id},
        {"parentId", m.parentId},
        {"role", m.role},
        {"content", m.content},
        {"thinking", m.thinking},
        {"thinkingMs", m.thinkingMs},
        {"state", messageStateName(m.state)},
        {"active", m.active},
        {"createdAt", isoTime(m.createdAt)},
        {"updatedAt", isoTime(m.updatedAt)},
        {"stats", m.stats},
        {"tokenCount", m.tokenCount},
    };
}

// Field readers that record the first problem in *error (with the field's path) and go on.
class Reader {
public:
    Reader(const QJsonObject& obj, QString where, QString* error)
        : m_obj(obj), m_where(std::move(where)), m_error(error) {}

    QString string(const char* key, bool allowNull = false) {
        const QJsonValue v = m_obj.value(key);
        if (v.isString() || (allowNull && v.isNull())) return v.toString();
        fail(key, allowNull ? "expected a string or null" : "expected a string");
        return {};
    }
    qint64 integer(const char* key) {
        const QJsonValue v = m_obj.value(key);
        if (v.isDouble() && v.toDouble() > -9.2e18 &&
            v.toDouble() < 9.2e18 &&  // cast is UB outside int64
            v.toDouble() == double(qint64(v.toDouble())))
            return qint64(v.toDouble());
        fail(key, "expected an integer");
        return 0;
    }
    bool boolean(const char* key) {
        const QJsonValue v = m_obj.value(key);
        if (v.isBool()) return v.toBool();
        fail(key, "expected true or false");
        return false;
    }
    QDateTime time(const char* key) {
        const QDateTime t = QDateTime::fromString(string(key), Qt::ISODateWithMs);
        if (!t.isValid()) fail(key, "expected an ISO 8601 time");
        return t.toUTC();
    }
    QJsonObject object(const char* key) {
        const QJsonValue v = m_obj.value(key);
        if (v.isObject()) return v.toObject();
        fail(key, "expected an object");
        return {};
    }
    void fail(const char* key, const char* what) {
        if (m_error->isEmpty()) *m_error = QStringLiteral("%1.%2: %3").arg(m_where, key, what);
    }

private:
    const QJsonObject& m_obj;
    QString m_where;
    QString* m_error;
};

MessageRecord readMessage(const QJsonObject& obj, int index, QString* error) {
    Reader r(obj, QStringLiteral("messages[%1]").arg(index), error);
    MessageRecord m;
    m.id = r.integer("id");
    m.parentId = r.integer("parentId");
    m.role = r.string("role");
    m.content = r.string("content");
    m.thinking = r.string("thinking");
    m.thinkingMs = r.integer("thinkingMs");
    if (!parseMessageState(r.string("state"), &m.state)) r.fail("state", "unknown state");
    m.active = r.boolean("active");
    m.createdAt = r.time("createdAt");
    m.updatedAt = r.time("updatedAt");
    m.stats = r.object("stats");
    m.tokenCount = int(r.integer("tokenCount"));
    if (std::find(std::begin(kRoles), std::end(kRoles), m.role) == std::end(kRoles))
        r.fail("role", "expected system, user or assistant");
    if (m.id <= 0) r.fail("id", "expected a positive id");
    return m;
}

// Checks the tree: unique ids, parents listed before children, one active sibling per parent.
QString checkTree(const QList<MessageRecord>& messages) {
    QSet<qint64> seen;
    QHash<qint64, int> activeChildren;  // parent id -> active children
    for (int i = 0; i < messages.size(); ++i) {
        const MessageRecord& m = messages[i];
        if (seen.contains(m.id))
            return QStringLiteral("messages[%1].id: duplicate id %2").arg(i).arg(m.id);
        if (m.parentId != 0 && !seen.contains(m.parentId))
            return QStringLiteral("messages[%1].parentId: %2 is not an earlier message")
                .arg(i)
                .arg(m.parentId);
        seen.insert(m.id);
        if (m.active) ++activeChildren[m.parentId];
    }
    for (auto it = activeChildren.cbegin(); it != activeChildren.cend(); ++it)
        if (it.value() > 1)
            return QStringLiteral("messages: %1 active siblings under parent %2")
                .arg(it.value())
                .arg(it.key());
    return {};
}

}  // namespace

QString exportMarkdown(const ConversationDump& dump) {
    QHash<qint64, QList<const MessageRecord*>> children;
    for (const MessageRecord& m : dump.messages) children[m.parentId].append(&m);
    QString md = QStringLiteral("# %1\n").arg(dump.conversation.title);
    if (dump.conversation.hasSystemPrompt && !dump.conversation.systemPrompt.isEmpty())
        md += QStringLiteral("\n> System prompt: %1\n").arg(dump.conversation.systemPrompt);
    qint64 parent = 0;
    for (;;) {
        const QList<const MessageRecord*> siblings = children.value(parent);
        if (siblings.isEmpty()) break;
        const MessageRecord* m = siblings.last();
        for (const MessageRecord* s : siblings)
            if (s->active) m = s;
        md += QStringLiteral("\n## %1\n\n").arg(roleHeading(m->role));
        if (!m->thinking.isEmpty())
            md += QStringLiteral("<details><summary>Thinking</summary>\n\n%1\n\n</details>\n\n")
                      .arg(m->thinking);
        md += m->content + '\n';
        parent = m->id;
    }
    return md;
}

QByteArray exportJson(const ConversationDump& dump) {
    const ConversationRecord& c = dump.conversation;
    QJsonArray messages;
    for (const MessageRecord& m : dump.messages) messages.append(messageJson(m));
    const QJsonObject conversation{
        {"title", c.title},
        {"createdAt", isoTime(c.createdAt)},
        {"updatedAt", isoTime(c.updatedAt)},
        {"pinned", c.pinned},
        {"thinkingEnabled", c.thinkingEnabled},
        {"systemPrompt",
         c.hasSystemPrompt ? QJsonValue(c.systemPrompt) : QJsonValue(QJsonValue::Null)},
    };
    const QJsonObject root{{"format", kFormat},
                           {"version", kVersion},
                           {"conversation", conversation},
                           {"messages", messages}};
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

Expected<ConversationDump> parseConversationJson(const QByteArray& json) {
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return makeError(QStringLiteral("not valid JSON at offset %1: %2")
                             .arg(parseError.offset)
                             .arg(parseError.errorString())
                             .toStdString());
    if (!doc.isObject())
        return makeError("not a Folio conversation: the top level is not an object");
    const QJsonObject root = doc.object();
    if (root.value("format").toString() != kFormat)
        return makeError("not a Folio conversation: format is not \"folio-conversation\"");
    if (root.value("version").toInt(-1) != kVersion)
        return makeError("unsupported conversation version (this Folio reads version 1)");
    QString error;
    ConversationDump dump;
    Reader r(root, "root", &error);
    const QJsonObject c = r.object("conversation");
    Reader rc(c, "conversation", &error);
    dump.conversation.title = rc.string("title");
    dump.conversation.createdAt = rc.time("createdAt");
    dump.conversation.updatedAt = rc.time("updatedAt");
    dump.conversation.pinned = rc.boolean("pinned");
    dump.conversation.thinkingEnabled = rc.boolean("thinkingEnabled");
    dump.conversation.systemPrompt = rc.string("systemPrompt", true);
    dump.conversation.hasSystemPrompt = !c.value("systemPrompt").isNull();
    if (!root.value("messages").isArray()) r.fail("messages", "expected an array");
    const QJsonArray messages = root.value("messages").toArray();
    for (int i = 0; i < messages.size() && error.isEmpty(); ++i) {
        if (!messages[i].isObject()) {
            error = QStringLiteral("messages[%1]: expected an object").arg(i);
            break;
        }
        dump.messages.append(readMessage(messages[i].toObject(), i, &error));
    }
    if (error.isEmpty()) error = checkTree(dump.messages);
    if (!error.isEmpty()) return makeError(error.toStdString());
    return dump;
}

}  // namespace folio
