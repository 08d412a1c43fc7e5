#pragma once
// Finding QML objects by objectName in the GUI suites: walks QObject children and, for Qt Quick
// items, visual children too (delegates and popup contents are only reachable that way).
#include <QObject>
#include <QQuickItem>
#include <QString>

namespace folio::test {

// The first object named `name` at or below `root` (depth first), or null.
inline QObject* findNamed(QObject* root, const QString& name) {
    if (root->objectName() == name) return root;
    for (QObject* c : root->children())
        if (QObject* hit = findNamed(c, name)) return hit;
    if (auto* item = qobject_cast<QQuickItem*>(root))
        for (QQuickItem* c : item->childItems())
            if (QObject* hit = findNamed(c, name)) return hit;
    return nullptr;
}

// Every object named `name` at or below `root`, each once, in the same walk order.
inline void findAllNamed(QObject* root, const QString& name, QList<QObject*>& out) {
    if (root->objectName() == name && !out.contains(root)) out << root;
    for (QObject* c : root->children()) findAllNamed(c, name, out);
    if (auto* item = qobject_cast<QQuickItem*>(root))
        for (QQuickItem* c : item->childItems()) findAllNamed(c, name, out);
}
inline QList<QObject*> findAllNamed(QObject* root, const QString& name) {
    QList<QObject*> out;
    findAllNamed(root, name, out);
    return out;
}

}  // namespace folio::test
