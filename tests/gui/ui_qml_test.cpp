// The QML window against stand-ins for `app` and `settings` that follow the AppController and
// Settings contract (property names, invokables): it loads without a single QML warning, works
// with no model, sends through the composer, shows branches/stats/thinking, pages the sidebar and
// follows the theme. Needs only folio_ui, so it runs while the app layer changes.
#include <QTranslator>
#include <QtTest>
#include <functional>
#include <memory>

#include "gui/window_test_util.h"
#include "ui/conversation_list_model.h"
#include "ui/message_list_model.h"

class FakeApp : public QObject {
    Q_OBJECT
    Q_PROPERTY(ConversationListModel* conversations READ conversations CONSTANT)
    Q_PROPERTY(MessageListModel* messages READ messages CONSTANT)
    Q_PROPERTY(qint64 currentConversationId MEMBER m_currentId NOTIFY currentConversationChanged)
    Q_PROPERTY(QString currentTitle MEMBER m_title NOTIFY currentConversationChanged)
    Q_PROPERTY(bool generating MEMBER m_generating NOTIFY generatingChanged)
    Q_PROPERTY(bool modelReady MEMBER m_modelReady NOTIFY modelChanged)
    Q_PROPERTY(QString modelName MEMBER m_modelName NOTIFY modelChanged)
    Q_PROPERTY(QString deviceName MEMBER m_deviceName NOTIFY modelChanged)
    Q_PROPERTY(QString conversationEngine MEMBER m_conversationEngine NOTIFY modelChanged)
    Q_PROPERTY(QString kvCacheType MEMBER m_kvCacheType NOTIFY modelChanged)
    Q_PROPERTY(double kvBytesPerToken MEMBER m_kvBytesPerToken NOTIFY modelChanged)
    Q_PROPERTY(QString statusText MEMBER m_statusText NOTIFY statusTextChanged)
    Q_PROPERTY(double prefillProgress MEMBER m_prefill NOTIFY prefillProgressChanged)
    Q_PROPERTY(int contextSize MEMBER m_contextSize NOTIFY modelChanged)
    Q_PROPERTY(int contextUsed MEMBER m_contextUsed NOTIFY contextUsedChanged)
    Q_PROPERTY(int contextSystem MEMBER m_contextSystem NOTIFY contextUsedChanged)
    Q_PROPERTY(int contextDocuments MEMBER m_contextDocuments NOTIFY contextUsedChanged)
    Q_PROPERTY(int contextHistory MEMBER m_contextHistory NOTIFY contextUsedChanged)
    Q_PROPERTY(int replyReserve MEMBER m_replyReserve NOTIFY contextUsedChanged)
    Q_PROPERTY(int draftTokens MEMBER m_draftTokens NOTIFY draftTokensChanged)
    Q_PROPERTY(bool thinkingEnabled MEMBER m_thinking NOTIFY thinkingEnabledChanged)
    Q_PROPERTY(QString databaseError MEMBER m_databaseError CONSTANT)
    Q_PROPERTY(bool contextOverflow MEMBER m_overflow NOTIFY contextOverflowChanged)
    Q_PROPERTY(int overflowTurns MEMBER m_overflowTurns NOTIFY contextOverflowChanged)
    Q_PROPERTY(bool summarizing MEMBER m_summarizing NOTIFY generatingChanged)

public:
    ConversationListModel* conversations() { return &m_conversations; }
    MessageListModel* messages() { return &m_messages; }
    void setModel(bool ready) {
        m_modelReady = ready;
        m_modelName = ready ? QStringLiteral("Qwen2.5 Coder 0.5B") : QString();
        m_deviceName = ready ? QStringLiteral("CPU (AVX2, 2 threads)") : QString();
        m_contextSize = ready ? 4096 : 0;
        emit modelChanged();
    }

    QStringList calls;  // every invokable call, "name(args)"
    ConversationListModel m_conversations;
    MessageListModel m_messages;
    qint64 m_currentId = 0;
    QString m_title;
    bool m_generating = false;
    bool m_modelReady = false;
    QString m_modelName, m_deviceName, m_statusText, m_databaseError, m_conversationEngine;
    QString m_kvCacheType = "f16";
    double m_kvBytesPerToken = 12288;
    double m_prefill = -1;
    int m_contextSize = 0;
    int m_contextUsed = 0;
    int m_contextSystem = 0, m_contextDocuments = 0, m_contextHistory = 0, m_replyReserve = 0;
    int m_draftTokens = 0;
    bool m_thinking = false;
    bool m_overflow = false;
    int m_overflowTurns = 0;
    bool m_summarizing = false;

    Q_INVOKABLE void newConversation() { calls << "newConversation()"; }
    Q_INVOKABLE void selectConversation(qint64 id) {
        calls << QStringLiteral("select(%1)").arg(id);
    }
    Q_INVOKABLE void renameConversation(qint64 id, const QString& t) {
        calls << "rename(" + t + ")";
    }
    Q_INVOKABLE void deleteConversation(qint64 id) {
        calls << QStringLiteral("delete(%1)").arg(id);
    }
    Q_INVOKABLE void undoDelete() { calls << "undoDelete()"; }
    Q_INVOKABLE void setPinned(qint64 id, bool pinned) { calls << "setPinned()"; }
    Q_INVOKABLE void setSearchText(const QString& text) { calls << "search(" + text + ")"; }
    Q_INVOKABLE void send(const QString& text) { calls << "send(" + text + ")"; }
    Q_INVOKABLE void stop() { calls << "stop()"; }
    Q_INVOKABLE void regenerate() { calls << "regenerate()"; }
    Q_INVOKABLE void continueReply() { calls << "continueReply()"; }
    Q_INVOKABLE void editMessage(qint64 id, const QString& text) { calls << "edit(" + text + ")"; }
    Q_INVOKABLE void switchBranch(qint64 id, int delta) {
        calls << QStringLiteral("switchBranch(%1,%2)").arg(id).arg(delta);
    }
    Q_INVOKABLE int countTokens(const QString& text) const {
        return m_modelReady ? static_cast<int>(text.size() / 4) : -1;
    }
    Q_INVOKABLE void countDraft(const QString& text) {
        m_draftTokens = countTokens(text);
        emit draftTokensChanged();
    }
    Q_INVOKABLE void loadModel(const QString& path) { calls << "loadModel(" + path + ")"; }
    Q_INVOKABLE void copyToClipboard(const QString& text) { calls << "copy(" + text + ")"; }
    Q_INVOKABLE bool exportConversation(qint64 id, const QString& path, const QString& format) {
        calls << QStringLiteral("export(%1,%2,%3)").arg(id).arg(path, format);
        return true;
    }
    Q_INVOKABLE qint64 importConversation(const QString& path) {
        calls << "import(" + path + ")";
        return 1;
    }
    Q_INVOKABLE double savedMemoryBytes() const { return savedBytes; }
    Q_INVOKABLE void clearSavedMemory() {
        calls << "clearSavedMemory()";
        savedBytes = 0;
    }
    double savedBytes = 2.5e9;
    Q_INVOKABLE void resolveOverflow(const QString& choice) {
        calls << "resolveOverflow(" + choice + ")";
    }

signals:
    void currentConversationChanged();
    void generatingChanged();
    void modelChanged();
    void statusTextChanged();
    void prefillProgressChanged();
    void contextUsedChanged();
    void draftTokensChanged();
    void thinkingEnabledChanged();
    void contextOverflowChanged();
    void errorOccurred(const QString& message);
    void replyFinished(qint64 messageId);
};

class FakeSettings : public QObject {
    Q_OBJECT
    Q_PROPERTY(QString modelPath MEMBER modelPath NOTIFY changed)
    Q_PROPERTY(int threads MEMBER threads NOTIFY changed)
    Q_PROPERTY(int contextSize MEMBER contextSize NOTIFY changed)
    Q_PROPERTY(QString device MEMBER device NOTIFY changed)
    Q_PROPERTY(QString kvCache MEMBER kvCache NOTIFY changed)
    Q_PROPERTY(int savedMemoryGb MEMBER savedMemoryGb NOTIFY changed)
    Q_PROPERTY(int windowWidth MEMBER windowWidth NOTIFY changed)
    Q_PROPERTY(int windowHeight MEMBER windowHeight NOTIFY changed)
    Q_PROPERTY(QString samplingPreset MEMBER samplingPreset NOTIFY changed)
    Q_PROPERTY(QString systemPrompt MEMBER systemPrompt NOTIFY changed)
    Q_PROPERTY(QString theme MEMBER theme NOTIFY changed)
    Q_PROPERTY(QString language MEMBER language NOTIFY changed)
    Q_PROPERTY(int fontSize MEMBER fontSize NOTIFY changed)
    Q_PROPERTY(bool apiEnabled MEMBER apiEnabled NOTIFY changed)
    Q_PROPERTY(int apiPort MEMBER apiPort NOTIFY changed)
    Q_PROPERTY(QString apiToken MEMBER apiToken NOTIFY changed)
    Q_PROPERTY(bool apiAllowNetwork MEMBER apiAllowNetwork NOTIFY changed)

public:
    bool apiEnabled = false, apiAllowNetwork = false;
    int apiPort = 8080;
    QString apiToken;
    QString modelPath, device = "cpu", kvCache = "f16", samplingPreset = "qwen3-non-thinking";
    int savedMemoryGb = 4, windowWidth = 0, windowHeight = 0;
    QString systemPrompt = "You are a helpful assistant.", theme = "light", language;
    int threads = 0, contextSize = 0, fontSize = 11;

signals:
    void changed();
};

class UiQmlTest : public QObject {
    Q_OBJECT

    FakeApp m_app;
    FakeSettings m_settings;
    std::unique_ptr<folio::test::QmlWindow> m_qml;
    QQuickWindow* m_window = nullptr;

    template <typename T = QObject>
    T* find(const char* name) {
        return m_qml->find<T>(name);
    }

private slots:
    void initTestCase() {
        QList<ConversationItem> many;
        const QDateTime now = QDateTime::currentDateTime();
        for (int i = 1; i <= 10000; ++i)
            many.append({i, QStringLiteral("Chat %1").arg(i), now.addSecs(-i), i == 5000});
        m_app.m_conversations.setConversations(many);

        m_qml = std::make_unique<folio::test::QmlWindow>(&m_app, &m_settings);
        m_window = m_qml->window();
        QVERIFY2(m_window, qPrintable(m_qml->warnings()));
        QVERIFY(QTest::qWaitForWindowExposed(m_window));
    }

    void showsSidebarAndChatWithoutModel() {
        for (const char* name : {"sidebar", "chatArea", "composer", "statusBar", "welcomePane"}) {
            auto* item = find<QQuickItem>(name);
            QVERIFY2(item, name);
            QVERIFY2(item->isVisible(), name);
            QVERIFY2(item->width() > 0 && item->height() > 0, name);
        }
        QCOMPARE(find("modelLabel")->property("text").toString(),
                 QStringLiteral("No model loaded"));
        QVERIFY(find("welcomeText")->property("text").toString().contains("GGUF"));
        // Enter with no model sends nothing.
        find("composerInput")->setProperty("text", "hello");
        QVariant sent;
        QMetaObject::invokeMethod(find("composer"), "send", Q_RETURN_ARG(QVariant, sent));
        QCOMPARE(sent, QVariant(false));
        QVERIFY(!m_app.calls.contains("send(hello)"));
        QVERIFY2(!m_qml->hasWarnings(), qPrintable(m_qml->warnings()));
    }

    void sidebarPagesTheConversations() {
        auto* list = find<QQuickItem>("conversationList");
        QVERIFY(list);
        QTRY_VERIFY(list->property("count").toInt() >= ConversationListModel::kPageSize);
        QVERIFY(list->property("count").toInt() < 10000);  // lazily paged, not all 10,000
        QCOMPARE(m_app.m_conversations.at(0).id, 5000);    // the pinned one first
    }

    void composerSendsWhenModelReady() {
        m_app.setModel(true);
        QTRY_VERIFY(find<QQuickItem>("contextMeter")->isVisible());
        find("composerInput")->setProperty("text", "Explain RAII");
        QVariant sent;
        QMetaObject::invokeMethod(find("composer"), "send", Q_RETURN_ARG(QVariant, sent));
        QVERIFY(sent.toBool());
        QVERIFY(m_app.calls.contains("send(Explain RAII)"));
        QCOMPARE(find("composerInput")->property("text").toString(), QString());
        QCOMPARE(find("modelLabel")->property("text").toString(),
                 QStringLiteral("Qwen2.5 Coder 0.5B"));

        // The meter in segments: each part's width is its share of the context, and hovering
        // (or a screen reader) reads the numbers.
        m_app.m_contextSystem = 100;
        m_app.m_contextDocuments = 1024;
        m_app.m_contextHistory = 300;
        m_app.m_replyReserve = 512;
        m_app.m_contextUsed = 1424;
        emit m_app.contextUsedChanged();
        auto* bar = find<QQuickItem>("contextBar");
        QVERIFY(bar);
        QTRY_COMPARE(bar->property("usedTokens").toInt(), 1936);
        QVariant summary;
        QMetaObject::invokeMethod(bar, "summary", Q_RETURN_ARG(QVariant, summary));
        QVERIFY2(summary.toString().contains("Documents: 1,024"), qPrintable(summary.toString()));
        QVERIFY(summary.toString().contains("Kept for the reply: 512"));
        QVERIFY(summary.toString().contains("Free: 2,160"));
        QList<QQuickItem*> segments;  // in drawing order (visual children, not QObject ones)
        std::function<void(QQuickItem*)> collect = [&](QQuickItem* item) {
            for (QQuickItem* child : item->childItems()) {
                if (child->objectName() == "meterSegment") segments << child;
                collect(child);
            }
        };
        collect(bar);
        QCOMPARE(segments.size(), 5);
        const double trackWidth = bar->width() - 2;
        QVERIFY(qAbs(segments[1]->width() - trackWidth * 1024 / 4096) < 1.0);  // documents
        QVERIFY(segments[1]->width() > segments[0]->width());
    }

    void messagesShowStreamingBranchesAndStats() {
        MessageItem user{1, "user", "Explain RAII", {}, 0, false, false, 1, 2, {}};
        MessageItem reply{2, "assistant", {}, "Let me think", 2300, true, false, 0, 1, {}};
        m_app.m_messages.setMessages({user, reply});
        m_app.m_generating = true;
        emit m_app.generatingChanged();
        m_app.m_messages.appendText(2, "# RAII\n\n- *Resource* acquisition\n");
        QTRY_VERIFY(!find<QQuickItem>("welcomePane")->isVisible());
        QCOMPARE(find("sendButton")->property("text").toString(), QStringLiteral("Stop"));
        QTRY_COMPARE(find("branchLabel")->property("text").toString(), QStringLiteral("2/2"));

        reply.text = "# RAII\n\n- *Resource* acquisition\n";
        reply.streaming = false;
        reply.interrupted = true;
        reply.stats = "TTFT 120 ms · 35.2 tok/s · 128 tokens";
        m_app.m_messages.updateMessage(reply);
        m_app.m_generating = false;
        emit m_app.generatingChanged();
        QTRY_COMPARE(find("statsLabel")->property("text").toString(), reply.stats);
        QTRY_VERIFY(find<QQuickItem>("continueButton")->isVisible());
        QVERIFY(find<QQuickItem>("regenerateButton")->isVisible());
        QVERIFY(find("thinkingToggle")->property("text").toString().contains("2.3"));
        QVERIFY(!find<QQuickItem>("thinkingText")->isVisible());  // collapsed by default
        QMetaObject::invokeMethod(find("branchPrevious"), "clicked");
        QVERIFY(m_app.calls.contains("switchBranch(1,-1)"));
        QVERIFY2(!m_qml->hasWarnings(), qPrintable(m_qml->warnings()));
    }

    void escStopsAndCtrlShiftCCopiesTheLastReply() {
        m_app.m_generating = true;
        emit m_app.generatingChanged();
        m_app.calls.clear();
        m_window->requestActivate();
        QTest::keyClick(m_window, Qt::Key_Escape);
        QCOMPARE(m_app.calls, QStringList{"stop()"});
        m_app.m_generating = false;
        emit m_app.generatingChanged();
        QTest::keyClick(m_window, Qt::Key_Escape);  // nothing to stop: Esc does nothing
        QCOMPARE(m_app.calls, QStringList{"stop()"});
        QTest::keyClick(m_window, Qt::Key_C, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(m_app.calls.last(), m_app.m_messages.lastAssistantText().prepend("copy(") + ")");
        QVERIFY(m_app.calls.last().contains("RAII"));
    }

    void codeBlocksRenderApartWithACopyButton() {
        MessageItem user{1, "user", "Show RAII code", {}, 0, false, false, 0, 1, {}};
        MessageItem reply{
            2, "assistant", "Here:\n\n```cpp\nstd::lock_guard g(m);\n", {}, 0, true, false, 0,
            1, {}};
        m_app.m_messages.setMessages({user, reply});
        QTRY_COMPARE(m_qml->findAll("codeBlock").size(), 1);  // an open fence while streaming
        auto* code = find("codeText");
        QTRY_COMPARE(code->property("text").toString(), QStringLiteral("std::lock_guard g(m);"));
        QObject* prose = find("messageMarkdown");
        // Streaming into the code block leaves the prose block alone (same object, same text).
        m_app.m_messages.appendText(2, "int x = 1;\n```\nDone.");
        QTRY_COMPARE(find("codeText")->property("text").toString(),
                     QStringLiteral("std::lock_guard g(m);\nint x = 1;"));
        QCOMPARE(find("codeText"), code);
        QCOMPARE(find("messageMarkdown"), prose);
        QTRY_COMPARE(m_qml->findAll("messageMarkdown").size(), 2);  // "Here:" and "Done."
        m_app.calls.clear();
        QMetaObject::invokeMethod(find("copyCodeButton"), "clicked");
        QCOMPARE(m_app.calls, QStringList{"copy(std::lock_guard g(m);\nint x = 1;)"});
        QVERIFY2(!m_qml->hasWarnings(), qPrintable(m_qml->warnings()));
    }

    void summaryNoteShowsAsALabelledBlock() {
        MessageItem user{1, "user", "Go on", {}, 0, false, false, 0, 1, {}};
        MessageItem note{2, "system", "They discussed **RAII**.", {}, 0, false, false, 0, 1, {}};
        m_app.m_messages.setMessages({user, note});
        QTRY_VERIFY(find<QQuickItem>("noteHeader")->isVisible());
        QTRY_VERIFY(find("messageMarkdown")->property("text").toString().contains("RAII"));
        m_app.m_messages.setMessages({note});  // only the note: no user-only actions on it
        QTRY_COMPARE(m_app.m_messages.count(), 1);
        QVERIFY(!find<QQuickItem>("editButton")->isVisible());
    }

    void overflowBannerOffersTheChoice() {
        auto* banner = find<QQuickItem>("overflowBanner");
        QVERIFY(!banner->isVisible());
        m_app.m_overflow = true;
        m_app.m_overflowTurns = 4;
        emit m_app.contextOverflowChanged();
        QTRY_VERIFY(banner->isVisible());
        QVERIFY(find("overflowText")->property("text").toString().contains("4 earlier message"));
        m_app.calls.clear();
        QMetaObject::invokeMethod(find("overflowSummarize"), "clicked");
        QMetaObject::invokeMethod(find("overflowDrop"), "clicked");
        QMetaObject::invokeMethod(find("overflowCancel"), "clicked");
        QCOMPARE(m_app.calls, (QStringList{"resolveOverflow(summarize)", "resolveOverflow(drop)",
                                           "resolveOverflow(cancel)"}));
        m_app.m_overflow = false;
        emit m_app.contextOverflowChanged();
        QTRY_VERIFY(!banner->isVisible());
    }

    void exportAndImportGoThroughFileDialogs() {
        m_app.calls.clear();
        QObject* sidebar = find("sidebar");
        QMetaObject::invokeMethod(sidebar, "exportConversation", Q_ARG(QVariant, 7),
                                  Q_ARG(QVariant, QStringLiteral("My: chat")),
                                  Q_ARG(QVariant, QStringLiteral("json")));
        QObject* dialog = find("exportDialog");
        QTRY_VERIFY(dialog->property("visible").toBool());
        // The suggested name is the title, made safe for a file name; accepting exports there.
        const QString suggested = dialog->property("selectedFile").toUrl().toString();
        QVERIFY2(suggested.endsWith("My_ chat.json"), qPrintable(suggested));
        QMetaObject::invokeMethod(dialog, "accept");
        QTRY_COMPARE(m_app.calls, QStringList{QStringLiteral("export(7,%1,json)").arg(suggested)});
        QVERIFY(!dialog->property("visible").toBool());

        m_app.calls.clear();
        QMetaObject::invokeMethod(find("importButton"), "clicked");
        QObject* importDialog = find("importDialog");
        QTRY_VERIFY(importDialog->property("visible").toBool());
        QMetaObject::invokeMethod(importDialog, "accept");
        QTRY_COMPARE(m_app.calls.size(), 1);
        QVERIFY2(m_app.calls.first().startsWith("import("), qPrintable(m_app.calls.first()));
        // The conversation menu offers both formats.
        QVERIFY(!m_qml->findAll("exportMarkdownItem").isEmpty());
        QVERIFY(!m_qml->findAll("exportJsonItem").isEmpty());
        QVERIFY2(!m_qml->hasWarnings(), qPrintable(m_qml->warnings()));
    }

    // Settings shows the saved memory's cap and use, and clears it.
    void savedMemoryIsShownAndCleared() {
        auto* used = find("savedMemoryUsed");
        QCOMPARE(used->property("text").toString(), QStringLiteral("2500 MB in use"));
        auto* box = find("savedMemoryBox");
        QCOMPARE(box->property("value").toInt(), 4);
        auto* clear = find("clearSavedMemoryButton");
        QVERIFY(clear->property("enabled").toBool());
        QMetaObject::invokeMethod(clear, "clicked");
        QVERIFY(m_app.calls.contains("clearSavedMemory()"));
        QCOMPARE(used->property("text").toString(), QStringLiteral("0 MB in use"));
        QVERIFY(!clear->property("enabled").toBool());
    }

    void kvCacheIsASettingAndShownWhenEightBit() {
        auto* box = find("kvCacheBox");
        QVERIFY(box);
        QCOMPARE(box->property("currentValue").toString(), QStringLiteral("f16"));
        box->setProperty("currentIndex", 1);  // what a click on the second entry does
        QMetaObject::invokeMethod(box, "activated", Q_ARG(int, 1));
        QCOMPARE(m_settings.kvCache, QStringLiteral("q8_0"));
        m_settings.kvCache = "f16";
        emit m_settings.changed();
        QCOMPARE(box->property("currentValue").toString(), QStringLiteral("f16"));

        auto* label = find<QQuickItem>("kvCacheLabel");
        QVERIFY(label);
        m_app.m_kvCacheType = "q8_0";
        m_app.m_kvBytesPerToken = 6912;
        m_app.setModel(true);
        QVERIFY(label->isVisible());
        m_app.m_kvCacheType = "f16";
        m_app.setModel(true);
        QVERIFY(!label->isVisible());
        QVERIFY2(!m_qml->hasWarnings(), qPrintable(m_qml->warnings()));
    }

    void themeFollowsSettings() {
        const QColor light =
            m_window->property("palette").value<QObject*>()->property("window").value<QColor>();
        m_settings.theme = "dark";
        emit m_settings.changed();
        const QColor dark =
            m_window->property("palette").value<QObject*>()->property("window").value<QColor>();
        QVERIFY(light.lightnessF() > 0.5);
        QVERIFY(dark.lightnessF() < 0.5);
    }

    void chineseTranslationIsEmbedded() {
        QTranslator translator;
        QVERIFY(translator.load(folio::ui::translationPath(QStringLiteral("zh_CN"))));
        QCoreApplication::installTranslator(&translator);
        m_qml->engine()->retranslate();
        QTRY_COMPARE(find("sendButton")->property("text").toString(), QStringLiteral("发送"));
        QCoreApplication::removeTranslator(&translator);
        m_qml->engine()->retranslate();
        QTRY_COMPARE(find("sendButton")->property("text").toString(), QStringLiteral("Send"));
    }

    void cleanupTestCase() {
        QVERIFY2(!m_qml->hasWarnings(), qPrintable(m_qml->warnings()));
        m_qml.reset();
    }
};

QTEST_MAIN(UiQmlTest)
#include "ui_qml_test.moc"
