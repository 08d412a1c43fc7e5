#pragma once
// Sample conversations for `folio --demo` (screenshots and manual UI checks). Only the item
// models are filled; nothing reaches the database.
#include <QString>

class ConversationListModel;
class MessageListModel;

namespace folio::ui {

// language: "en" or "zh_CN" (anything else is treated as "en").
void fillDemoContent(ConversationListModel* conversations, MessageListModel* messages,
                     const QString& language);

}  // namespace folio::ui
