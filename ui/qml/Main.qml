// The Folio window: sidebar (conversations) | chat area, with a status bar, the settings and
// shortcuts dialogs and an undo snackbar. Context properties: `app` (AppController) and
// `settings` (Settings). Works with no model loaded (app.modelReady false).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

ApplicationWindow {
    id: window
    objectName: "mainWindow"
    // The size it had when last closed (never larger than the screen), else 90% of the screen
    // up to 1440 x 960.
    width: Math.round(settings.windowWidth > 0 ? Math.min(settings.windowWidth, Screen.desktopAvailableWidth)
                                               : Math.min(Screen.desktopAvailableWidth * 0.9, 1440))
    height: Math.round(settings.windowHeight > 0 ? Math.min(settings.windowHeight, Screen.desktopAvailableHeight)
                                                 : Math.min(Screen.desktopAvailableHeight * 0.9, 960))
    onClosing: {
        // Both read first: storing the width re-evaluates the height's binding.
        const size = Qt.size(width, height)
        settings.windowWidth = size.width
        settings.windowHeight = size.height
    }
    minimumWidth: 640
    minimumHeight: 420
    visible: true
    title: app.currentTitle.length > 0 ? qsTr("%1 — Folio").arg(app.currentTitle) : "Folio"

    // Theme: "light", "dark" or "system" (follows the platform palette's window lightness).
    SystemPalette { id: systemPalette }
    readonly property bool systemDark: systemPalette.window.hslLightness < 0.5
    readonly property bool dark: settings.theme === "dark"
                                 || (settings.theme !== "light" && systemDark)
    readonly property var colors: dark ? darkColors : lightColors
    readonly property var lightColors: ({
        window: "#f4f4f6", windowText: "#1d1d21", base: "#ffffff", alternateBase: "#ececf0",
        text: "#1d1d21", button: "#e8e8ec", buttonText: "#1d1d21", highlight: "#2f6fde",
        highlightedText: "#ffffff", mid: "#b9b9c2", midlight: "#d8d8de", dark: "#8a8a94",
        light: "#ffffff", placeholderText: "#8a8a94", link: "#1f5fc8"
    })
    readonly property var darkColors: ({
        window: "#1e1f23", windowText: "#e6e6ea", base: "#26272c", alternateBase: "#2e2f35",
        text: "#e6e6ea", button: "#34353c", buttonText: "#e6e6ea", highlight: "#4c8dff",
        highlightedText: "#ffffff", mid: "#4a4b53", midlight: "#3a3b42", dark: "#121316",
        light: "#50515a", placeholderText: "#8d8e98", link: "#7fb0ff"
    })
    palette.window: colors.window
    palette.windowText: colors.windowText
    palette.base: colors.base
    palette.alternateBase: colors.alternateBase
    palette.text: colors.text
    palette.button: colors.button
    palette.buttonText: colors.buttonText
    palette.highlight: colors.highlight
    palette.highlightedText: colors.highlightedText
    palette.mid: colors.mid
    palette.midlight: colors.midlight
    palette.dark: colors.dark
    palette.light: colors.light
    palette.placeholderText: colors.placeholderText
    palette.link: colors.link
    palette.toolTipBase: colors.base
    palette.toolTipText: colors.text
    font.pointSize: settings.fontSize > 0 ? settings.fontSize : Qt.application.font.pointSize

    function showMessage(text, undoable) { snackbar.show(text, undoable) }
    function copyLastReply() {
        const text = app.messages.lastAssistantText()
        if (text.length > 0) {
            app.copyToClipboard(text)
            showMessage(qsTr("Reply copied"), false)
        }
    }

    Connections {
        target: app
        function onErrorOccurred(message) { window.showMessage(message, false) }
    }

    Shortcut { sequences: ["Ctrl+N"]; onActivated: app.newConversation() }
    Shortcut { sequences: ["Ctrl+F"]; onActivated: sidebar.focusSearch() }
    Shortcut { sequences: ["Ctrl+L"]; onActivated: chatArea.focusComposer() }
    Shortcut { sequences: ["Esc"]; enabled: app.generating; onActivated: app.stop() }
    Shortcut { sequences: ["Ctrl+Shift+C"]; onActivated: window.copyLastReply() }
    Shortcut { sequences: ["Ctrl+,"]; onActivated: settingsDialog.open() }
    Shortcut { sequences: ["F1", "Ctrl+/"]; onActivated: shortcutsDialog.open() }
    Shortcut { sequences: ["Ctrl+]"]; enabled: window.haveDocuments; onActivated: window.stepCitation(1) }
    Shortcut { sequences: ["Ctrl+["]; enabled: window.haveDocuments; onActivated: window.stepCitation(-1) }
    Shortcut { sequences: ["Esc"]; enabled: window.citationOpen && !app.generating; onActivated: window.citationOpen = false }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        Rectangle {
            objectName: "databaseBanner"
            Layout.fillWidth: true
            visible: app.databaseError.length > 0
            implicitHeight: bannerText.implicitHeight + 12
            color: window.dark ? "#5a3a12" : "#fff1d6"
            Label {
                id: bannerText
                anchors.fill: parent
                anchors.margins: 6
                wrapMode: Text.Wrap
                text: qsTr("Your conversation history could not be opened normally: %1")
                      .arg(app.databaseError)
            }
        }

        RowLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 0

            Sidebar {
                id: sidebar
                objectName: "sidebar"
                Layout.fillHeight: true
                Layout.preferredWidth: 270
                onDeleted: title => window.showMessage(qsTr("Deleted “%1”").arg(title), true)
            }
            Rectangle {
                Layout.fillHeight: true
                implicitWidth: 1
                color: palette.mid
            }
            Item {
                Layout.fillWidth: true
                Layout.fillHeight: true
                Layout.minimumWidth: 320
                ChatArea {
                    id: chatArea
                    objectName: "chatArea"
                    anchors.fill: parent
                    onSettingsRequested: settingsDialog.open()
                    onShortcutsRequested: shortcutsDialog.open()
                    onCopied: window.showMessage(qsTr("Copied"), false)
                }
                // First run (no model): the welcome page with the model choices covers the chat.
                Loader {
                    objectName: "welcomeLoader"
                    anchors.fill: parent
                    active: window.haveModels && !app.modelReady
                    sourceComponent: Rectangle {
                        color: palette.window
                        Welcome { anchors.fill: parent; anchors.margins: 16 }
                    }
                }
                // Files dropped anywhere on the chat are added and attached to this chat.
                DropArea {
                    id: chatDrop
                    objectName: "chatDropArea"
                    anchors.fill: parent
                    enabled: window.haveDocuments
                    keys: ["text/uri-list"]
                    onDropped: drop => {
                        documents.addDroppedFiles(drop.urls)
                        drop.acceptProposedAction()
                    }
                    Rectangle {
                        objectName: "dropIndicator"
                        anchors.fill: parent
                        anchors.margins: 8
                        visible: chatDrop.containsDrag
                        color: Qt.rgba(palette.highlight.r, palette.highlight.g, palette.highlight.b, 0.12)
                        border.color: palette.highlight
                        border.width: 2
                        radius: 8
                        Label {
                            anchors.centerIn: parent
                            font.bold: true
                            text: qsTr("Drop PDF, .txt or .md files to attach them to this chat")
                        }
                    }
                }
            }
            Rectangle {
                Layout.fillHeight: true
                implicitWidth: 1
                color: palette.mid
                visible: documentsLoader.active
            }
            // The split view: the cited page beside the answer, its passage highlighted, with
            // next / previous citation of this chat (Ctrl+] / Ctrl+[) and close (Esc).
            Rectangle {
                Layout.fillHeight: true
                implicitWidth: 1
                color: palette.mid
                visible: window.citationOpen
            }
            ColumnLayout {
                id: citationPane
                objectName: "citationPane"
                Layout.fillHeight: true
                // The page's own size (a 1,240-pixel image) must not push the answer aside.
                Layout.preferredWidth: Math.round(window.width * 0.42)
                Layout.maximumWidth: Math.round(window.width * 0.42)
                Layout.minimumWidth: 280
                visible: window.citationOpen
                spacing: 0
                RowLayout {
                    Layout.fillWidth: true
                    Layout.margins: 4
                    Label {
                        objectName: "citationPosition"
                        Layout.fillWidth: true
                        leftPadding: 6
                        opacity: 0.8
                        text: window.citationCount > 0
                              ? qsTr("Citation %1 of %2").arg(window.citationIndex + 1).arg(window.citationCount) : ""
                    }
                    ToolButton {
                        objectName: "previousCitationButton"
                        text: qsTr("‹ Previous")
                        enabled: window.citationIndex > 0
                        Accessible.name: qsTr("Previous citation")
                        onClicked: window.stepCitation(-1)
                    }
                    ToolButton {
                        objectName: "nextCitationButton"
                        text: qsTr("Next ›")
                        enabled: window.citationIndex + 1 < window.citationCount
                        Accessible.name: qsTr("Next citation")
                        onClicked: window.stepCitation(1)
                    }
                    ToolButton {
                        objectName: "closeCitationButton"
                        text: qsTr("Close")
                        display: AbstractButton.IconOnly
                        icon.source: "icons/close.png"
                        icon.color: palette.buttonText
                        Accessible.name: qsTr("Close the cited page")
                        onClicked: window.citationOpen = false
                    }
                }
                DocumentViewer {
                    id: citationViewer
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                }
            }
            // The documents of this chat: add PDFs/text, see progress, attach to the chat.
            Loader {
                id: documentsLoader
                objectName: "documentsLoader"
                Layout.fillHeight: true
                Layout.preferredWidth: 300
                active: window.haveDocuments && window.documentsOpen
                visible: active
                sourceComponent: DocumentsPanel {
                    controller: documents
                    onDocumentActivated: (documentId, title) => window.attachDocument(documentId, title)
                }
            }
        }

        RowLayout {
            Layout.fillWidth: true
            spacing: 0
            StatusBar {
                objectName: "statusBar"
                Layout.fillWidth: true
            }
            Label {
                // Other programs use the model through the API server: say so, and when they
                // are busy with it (the window's next reply then waits its turn).
                objectName: "apiIndicator"
                visible: window.haveApi && api.running
                rightPadding: 8
                opacity: window.haveApi && api.activeRequests > 0 ? 1.0 : 0.7
                text: !window.haveApi ? "" : api.activeRequests > 0
                      ? qsTr("API: %n request(s)", "", api.activeRequests)
                      : qsTr("API on")
                HoverHandler { id: apiHover }
                ToolTip.visible: apiHover.hovered
                ToolTip.text: window.haveApi ? qsTr("Other programs can use the model at %1").arg(api.baseUrl) : ""
            }
            ToolButton {
                objectName: "documentsButton"
                visible: window.haveDocuments
                text: qsTr("Documents")
                icon.source: "icons/document.png"
                icon.color: palette.buttonText
                checkable: true
                checked: window.documentsOpen
                onToggled: window.documentsOpen = checked
            }
            ToolButton {
                objectName: "modelsButton"
                visible: window.haveModels
                text: qsTr("Models")
                icon.source: "icons/model.png"
                icon.color: palette.buttonText
                onClicked: modelLibraryLoader.item.open()
            }
        }
    }

    // Optional context properties (absent in some tests): documents (DocumentsController) and
    // models (ModelManager).
    readonly property bool haveDocuments: typeof documents !== "undefined" && documents !== null
    readonly property bool haveModels: typeof models !== "undefined" && models !== null
    readonly property bool haveApi: typeof api !== "undefined" && api !== null
    property bool documentsOpen: false

    // The split view's citations: every citation link of this chat's replies, in reading order.
    property bool citationOpen: false
    property int citationIndex: -1
    property int citationCount: 0
    function citationLinks() {
        let links = []
        for (let i = 0; i < app.messages.count; ++i) {
            const m = app.messages.get(i)
            if (m.role === "assistant")
                links = links.concat(documents.citationLinks(app.currentConversationId, m.text))
        }
        return links
    }
    function updateCitationPosition() {
        const links = citationLinks()
        citationCount = links.length
        citationIndex = links.indexOf(documents.lastCitation)
    }
    // Opens the next (delta 1) or previous (-1) citation; the first or last when none is open.
    function stepCitation(delta) {
        const links = citationLinks()
        if (links.length === 0) return
        const at = links.indexOf(documents.lastCitation)
        const next = at < 0 ? (delta > 0 ? 0 : links.length - 1)
                            : Math.max(0, Math.min(links.length - 1, at + delta))
        documents.activateCitation(links[next])
    }
    Connections {
        target: app
        function onCurrentConversationChanged() { window.citationOpen = false }
    }

    // Attaches a document to the current chat (creating the chat when it is still new), so the
    // next questions include it.
    function attachDocument(documentId, title) {
        const conversationId = app.ensureConversation(title)
        if (conversationId > 0 && documents.attachTo(conversationId, documentId))
            showMessage(qsTr("“%1” is attached to this chat").arg(title), false)
    }

    Connections {
        target: window.haveDocuments ? documents : null
        function onDocumentAdded(documentId, alreadyStored) {
            const attached = documents.attachedTo(app.currentConversationId)
            for (const d of attached) if (d.id === documentId) return
            window.attachDocument(documentId, documents.titleOf(documentId))
        }
        function onFailed(fileName, message) {
            window.showMessage(fileName.length > 0 ? fileName + ": " + message : message, false)
        }
        function onCitationActivated(documentId, page, title, pageCount) {
            window.citationOpen = true
            window.updateCitationPosition()
            citationViewer.pageTextOf = documents.kindOf(documentId) === "text"
                                        ? (id, page) => documents.pageText(id, page) : null
            citationViewer.documentId = documentId
            citationViewer.title = title
            citationViewer.pageCount = pageCount
            citationViewer.page = page
            citationViewer.clearHighlights(true)
        }
        function onCitationHighlighted(documentId, page, boxes) {
            citationViewer.showHighlights(documentId, page, boxes)
        }
    }
    Loader {
        id: modelLibraryLoader
        active: window.haveModels
        sourceComponent: ModelLibrary {}
    }

    SettingsDialog { id: settingsDialog; objectName: "settingsDialog" }
    ShortcutsDialog { id: shortcutsDialog; objectName: "shortcutsDialog" }
    Snackbar {
        id: snackbar
        objectName: "snackbar"
        onUndo: app.undoDelete()
    }
}
