// The documents of this chat, above the composer: one chip per attached document (title, pages,
// tokens, pages read by OCR) and how the next reply reads them — whole, or in retrieval mode only
// the pages most relevant to the question. Each chip removes its document from the chat.
// Below them the one-click analyses (presets.h, in the UI language): a click puts the preset's
// question into the composer to edit and send (presetChosen); Summary of a document too long to
// read whole runs the map-reduce summary instead, and its result joins the chat as a reply.
// Needs the context properties `app` (AppController) and `documents` (DocumentsController).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

ColumnLayout {
    id: root
    readonly property var attached: documents.attached
    // Re-read when the chat or its documents change (attached.count notifies on both).
    readonly property var presets: attached.count > 0 ? documents.presetsFor(app.currentConversationId, Qt.uiLanguage) : []
    // The map-reduce summary running for this bar: {conversationId, question}; null when none.
    property var pendingSummary: null
    signal presetChosen(string key, string text)

    function runPreset(key, text) {
        if (key === "summary" && root.attached.mode === "retrieval" && documents.canSummarize) {
            if (documents.summarize(root.attached.documentIdAt(0), text, Qt.uiLanguage)) {
                root.pendingSummary = { conversationId: app.currentConversationId, question: text }
                return
            }
        }
        root.presetChosen(key, text)
    }

    Connections {
        target: documents
        // Every map-reduce summary joins a chat as a reply: the one asked here goes to the chat
        // it was asked in; one started from the Documents panel to the current chat.
        function onSummaryFinished(documentId, title, summary) {
            const request = root.pendingSummary
            root.pendingSummary = null
            if (request !== null) {
                app.addExchange(request.conversationId, request.question, summary)
                return
            }
            const conversationId = app.ensureConversation(title)
            if (conversationId > 0)
                app.addExchange(conversationId, qsTr("Summarise the whole of “%1”.").arg(title), summary)
        }
        function onSummaryChanged() {
            if (!documents.summarizing) root.pendingSummary = null  // failed or cancelled
        }
    }
    spacing: 4

    function chipText(title, pages, tokens, ocrPages) {
        let text = qsTr("%1 · %n page(s)", "", pages).arg(title)
        if (tokens >= 0) text += " · " + qsTr("%1 tokens").arg(Number(tokens).toLocaleString(Qt.locale(), "f", 0))
        if (ocrPages > 0) text += " · " + qsTr("%n page(s) read by OCR", "", ocrPages)
        return text
    }
    function modeText() {
        if (root.attached.counting) return qsTr("Counting the documents' tokens…")
        if (root.attached.readAheadProgress >= 0)
            return qsTr("Reading the documents before you ask: %1%. A question sent now goes first and keeps what was read.")
                   .arg(Math.round(root.attached.readAheadProgress * 100))
        if (root.attached.mode === "whole")
            return qsTr("Ready — the next reply reads the whole of %n document(s) (about %1 tokens); follow-up questions reuse it.", "", root.attached.count)
                   .arg(Number(root.attached.blockTokens).toLocaleString(Qt.locale(), "f", 0))
        if (root.attached.mode === "retrieval")
            return qsTr("Ready — too long to read whole: each reply reads the pages most relevant to the question (up to about %1 tokens); its status line lists them.")
                   .arg(Number(root.attached.blockTokens).toLocaleString(Qt.locale(), "f", 0))
        return ""
    }

    Flow {
        Layout.fillWidth: true
        spacing: 6
        Repeater {
            objectName: "documentChips"
            model: root.attached
            delegate: Rectangle {
                id: chip
                objectName: "documentChip"
                required property var documentId
                required property string title
                required property int pages
                required property int tokens
                required property int ocrPages
                required property bool readWhole
                readonly property string text: root.chipText(title, pages, tokens, ocrPages)
                implicitWidth: chipRow.implicitWidth + 16
                implicitHeight: chipRow.implicitHeight + 8
                width: Math.min(implicitWidth, root.width)
                radius: height / 2
                color: Qt.rgba(palette.highlight.r, palette.highlight.g, palette.highlight.b, 0.10)
                border.color: Qt.rgba(palette.highlight.r, palette.highlight.g, palette.highlight.b, 0.45)
                Accessible.role: Accessible.StaticText
                Accessible.name: chip.text
                RowLayout {
                    id: chipRow
                    anchors.fill: parent
                    anchors.leftMargin: 10
                    anchors.rightMargin: 4
                    spacing: 4
                    Label {
                        Layout.fillWidth: true
                        text: chip.text
                        elide: Text.ElideMiddle
                    }
                    ToolButton {
                        objectName: "documentChipRemove"
                        text: qsTr("Remove")
                        display: AbstractButton.IconOnly
                        icon.source: "icons/close.png"
                        icon.color: palette.buttonText
                        icon.width: 16
                        icon.height: 16
                        implicitWidth: implicitHeight
                        Accessible.name: qsTr("Remove %1 from this chat").arg(chip.title)
                        ToolTip.visible: hovered
                        ToolTip.delay: 600
                        ToolTip.text: qsTr("Remove from this chat (the document stays in Documents)")
                        onClicked: documents.detachFrom(app.currentConversationId, chip.documentId)
                    }
                }
            }
        }
    }
    Flow {
        objectName: "presetRow"
        Layout.fillWidth: true
        spacing: 6
        visible: !documents.summarizing
        Repeater {
            model: root.presets
            delegate: Button {
                required property var modelData
                objectName: "preset_" + modelData.key
                visible: modelData.available
                flat: true
                text: modelData.title
                enabled: app.modelReady && !app.generating
                Accessible.name: qsTr("Analysis: %1").arg(modelData.title)
                ToolTip.visible: hovered
                ToolTip.delay: 600
                ToolTip.text: modelData.text
                onClicked: root.runPreset(modelData.key, modelData.text)
            }
        }
    }
    RowLayout {
        Layout.fillWidth: true
        visible: documents.summarizing
        BusyIndicator { running: visible; implicitWidth: 24; implicitHeight: 24 }
        Label {
            objectName: "documentBarSummaryStatus"
            Layout.fillWidth: true
            elide: Text.ElideRight
            text: documents.summaryStatus
        }
        Button {
            text: qsTr("Cancel")
            onClicked: documents.cancelSummary()
        }
    }
    Label {
        objectName: "documentModeText"
        Layout.fillWidth: true
        visible: text !== ""
        wrapMode: Text.Wrap
        opacity: 0.75
        font.pointSize: Qt.application.font.pointSize * 0.9
        text: root.modeText()
    }
}
