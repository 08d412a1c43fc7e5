#pragma once
// One row of the chat view: plain data, copied by value between the app and the item model.
#include <QString>
#include <QtGlobal>

struct MessageItem {
    qint64 id = 0;             // database id of the message (unique within a conversation)
    QString role;              // "user" | "assistant" | "system"
    QString text;              // Markdown source of the visible reply
    QString thinking;          // the <think> block, shown collapsed; empty when none
    qint64 thinkingMs = 0;     // wall time spent thinking, milliseconds
    bool streaming = false;    // tokens are still arriving
    bool interrupted = false;  // stopped before the end (offers "Continue")
    int branchIndex = 0;       // 0-based index among the siblings of this message
    int branchCount = 1;       // number of siblings (edits / regenerations); >= 1
    QString stats;             // "TTFT 120 ms · 35.2 tok/s · 128 tokens"; empty while streaming
    bool expanded = false;     // a long text is shown whole (Show all, or it streamed in this view)
};
