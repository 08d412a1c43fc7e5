#pragma once
// One row of the sidebar: plain data, copied by value between the app and the item model.
#include <QDateTime>
#include <QString>
#include <QtGlobal>

struct ConversationItem {
    qint64 id = 0;  // database id
    QString title;
    QDateTime updatedAt;  // last change; the list shows the newest first
    bool pinned = false;  // pinned conversations come before all others
};
