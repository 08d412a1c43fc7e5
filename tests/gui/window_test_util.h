#pragma once
// Helpers for the GUI suites: load the real Main.qml with given `app` and `settings` objects,
// collect QML warnings, and find items by objectName (also inside ListView delegates).
#include <QQmlApplicationEngine>
#include <QQmlContext>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSet>
#include <QtTest>
#include <memory>

#include "ui/qml_setup.h"

namespace folio::test {

class QmlWindow {
public:
    // The size the GUI suites lay the window out at (the offscreen platform's screen is
    // 800 x 600, smaller than any desktop the window is made for).
    static constexpr int kTestWidth = 1100;
    static constexpr int kTestHeight = 740;

    // Loads the window; check window() for success. app, settings and documents (optional: the
    // DocumentsController) must outlive this object. ownSize: keep the size Main.qml chooses
    // instead of kTestWidth x kTestHeight.
    QmlWindow(QObject* app, QObject* settings, QObject* documents = nullptr, bool ownSize = false) {
        folio::ui::setUpQuickStyle();
        m_engine = std::make_unique<QQmlApplicationEngine>();
        QObject::connect(m_engine.get(), &QQmlEngine::warnings, m_engine.get(),
                         [this](const QList<QQmlError>& w) { m_warnings += w; });
        m_engine->rootContext()->setContextProperty(QStringLiteral("app"), app);
        m_engine->rootContext()->setContextProperty(QStringLiteral("settings"), settings);
        if (documents)
            m_engine->rootContext()->setContextProperty(QStringLiteral("documents"), documents);
        m_engine->load(folio::ui::mainQmlUrl());
        if (!m_engine->rootObjects().isEmpty())
            m_window = qobject_cast<QQuickWindow*>(m_engine->rootObjects().constFirst());
        if (m_window && !ownSize) m_window->resize(kTestWidth, kTestHeight);
    }

    QQuickWindow* window() const { return m_window; }
    QQmlEngine* engine() const { return m_engine.get(); }
    QString warnings() const {
        QStringList lines;
        for (const QQmlError& e : m_warnings) lines << e.toString();
        return lines.join('\n');
    }
    bool hasWarnings() const { return !m_warnings.isEmpty(); }

    // All objects named `name`, depth-first through QObject children and the visual item tree.
    QList<QObject*> findAll(const QString& name) const {
        QList<QObject*> hits;
        QSet<QObject*> seen;
        if (m_window) {
            search(m_window->contentItem(), name, hits, seen);
            search(m_window, name, hits, seen);
        }
        return hits;
    }
    // The first visible match (delegates of other rows share object names), else the first one;
    // fails the test process loudly when there is none.
    template <typename T = QObject>
    T* find(const char* name) const {
        const QList<QObject*> hits = findAll(QString::fromLatin1(name));
        QObject* hit = hits.isEmpty() ? nullptr : hits.first();
        for (QObject* candidate : hits) {
            if (candidate->property("visible").toBool()) {
                hit = candidate;
                break;
            }
        }
        T* typed = qobject_cast<T*>(hit);
        if (!typed) qFatal("no object named %s", name);
        return typed;
    }

private:
    // Each node once: items are reachable both as QObject children and as child items.
    static void search(QObject* node, const QString& name, QList<QObject*>& out,
                       QSet<QObject*>& seen) {
        if (!node || seen.contains(node)) return;
        seen.insert(node);
        if (node->objectName() == name) out.append(node);
        for (QObject* child : node->children()) search(child, name, out, seen);
        if (auto* item = qobject_cast<QQuickItem*>(node)) {
            for (QQuickItem* child : item->childItems()) search(child, name, out, seen);
        }
    }

    std::unique_ptr<QQmlApplicationEngine> m_engine;
    QList<QQmlError> m_warnings;
    QQuickWindow* m_window = nullptr;
};

}  // namespace folio::test
