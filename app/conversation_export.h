#pragma once
// Conversation export (Markdown of the active path; JSON of the whole tree) and JSON import.
// Pure functions over ConversationDump: no database access, thread-compatible.
//
// JSON format (version 1):
//   { "format": "folio-conversation", "version": 1,
//     "conversation": { "title", "createdAt", "updatedAt" (ISO 8601 UTC, ms), "pinned",
//                       "thinkingEnabled", "systemPrompt" (string or null) },
//     "messages": [ { "id", "parentId" (0 = first), "role", "content", "thinking", "thinkingMs",
//                     "state", "active", "createdAt", "updatedAt", "stats" (object),
//                     "tokenCount" (-1 = unknown) } ... ]  // parents before children
//   }
#include <QByteArray>
#include <QString>

#include "app/store_types.h"
#include "engine/status.h"

namespace folio {

// The active path as Markdown: a title heading, then one section per message; thinking is kept
// in a collapsed <details> block.
QString exportMarkdown(const ConversationDump& dump);

// The whole conversation (every branch) as indented UTF-8 JSON.
QByteArray exportJson(const ConversationDump& dump);

// Parses and validates exportJson() output. Errors name what is wrong ("messages[3].role: ...").
Expected<ConversationDump> parseConversationJson(const QByteArray& json);

}  // namespace folio
