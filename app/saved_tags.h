#pragma once
// Tags that name where a prompt's text comes from, for the engine's saved memory
// (GenerationRequest::savedTags, engine/runtime/kv_disk.h): deleting a chat or a document
// deletes the saved KV blocks that hold its text, while blocks other chats share (a system
// prompt, a document another chat reads too) stay.
#include <QtGlobal>
#include <string>
#include <vector>

#include "app/documents/document_context.h"

namespace folio {

inline std::string conversationTag(qint64 id) {
    return "conv-" + std::to_string(id);
}

inline std::string documentTag(qint64 id) {
    return "doc-" + std::to_string(id);
}

// A chat request's tags: its conversation and the documents in its prompt.
inline std::vector<std::string> savedTagsFor(qint64 conversationId,
                                             const QVector<ContextDocument>& documents) {
    std::vector<std::string> tags{conversationTag(conversationId)};
    for (const ContextDocument& d : documents) tags.push_back(documentTag(d.id));
    return tags;
}

}  // namespace folio
