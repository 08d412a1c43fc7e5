// One message. User messages: plain text, right-aligned bubble, Edit (creates a branch).
// Assistant messages: Markdown, a collapsible thinking block (collapsed by default), the stats
// line, Copy, Regenerate (last reply) and Continue (interrupted last reply). Messages with
// siblings show the branch navigator ‹ 2/3 ›. System notes (summaries of earlier turns that no
// longer fit the context) show as a quiet, labelled block.
//
// A reply is split into paragraphs and fenced code blocks (each with its own Copy button). While it
// streams only the last block changes, so the Markdown re-parsed and laid out per batch is that
// block, not the whole reply. A message longer than the model's preview limit shows its start and
// "Show all (N characters)".
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Control {
    id: root
    required property var model
    required property int index
    property bool isLast: false
    readonly property bool isUser: model.role === "user"
    readonly property bool isNote: model.role === "system"
    property bool editing: false
    property bool thinkingOpen: false
    // The optional `documents` context property (DocumentsController); absent in some tests.
    readonly property bool haveDocuments: typeof documents !== "undefined" && documents !== null
    signal copied()

    padding: 0
    implicitHeight: column.implicitHeight

    function formatSeconds(ms) { return (ms / 1000).toFixed(ms < 10000 ? 1 : 0) }

    // Markdown -> [{kind: "text" | "code", lang, body, start}]: fenced code blocks apart from the
    // prose around them, and prose split into paragraphs (at a blank line followed by a line that
    // does not continue a list, quote, table or indented block; and at any such line once a block
    // holds maxBlockChars), so that each TextEdit lays out a short text.
    // `start`: offset in text of the block's first line (the opening fence for code); parsing from
    // a block's start in prose state gives that block again. Parses text from offset `from`.
    // An unterminated fence (still streaming) runs to the end.
    function splitBlocks(text, from) {
        const blocks = []
        let current = { kind: "text", lang: "", lines: [], start: from }
        let blankBefore = false
        let size = 0          // characters in current.lines
        let hasText = false   // current holds a non-blank line
        const flush = () => {
            if (current.kind === "code" && current.lines.length > 0
                    && current.lines[current.lines.length - 1].length === 0)
                current.lines.pop()  // the newline before a fence (or streamed so far)
            const body = current.lines.join("\n")
            if (current.kind === "code" || body.trim().length > 0)
                blocks.push({ kind: current.kind, lang: current.lang, body: body,
                              start: current.start })
        }
        let offset = from
        while (offset <= text.length) {
            let end = text.indexOf("\n", offset)
            if (end < 0) end = text.length
            const line = text.substring(offset, end)
            const fence = /^\s*```\s*([^`\s]*)\s*$/.exec(line)
            if (fence && current.kind === "text") {
                flush()
                current = { kind: "code", lang: fence[1], lines: [], start: offset }
                size = 0
                hasText = false
            } else if (fence && fence[1].length === 0) {
                flush()
                current = { kind: "text", lang: "", lines: [], start: end + 1 }
                size = 0
                hasText = false
            } else if (current.kind === "text" && (blankBefore || size > maxBlockChars)
                       && hasText && line.trim().length > 0
                       && !/^(\s|[-*+>|]|\d+[.)])/.test(line)) {
                flush()  // a new paragraph
                current = { kind: "text", lang: "", lines: [line], start: offset }
                size = line.length
            } else {
                current.lines.push(line)
                size = current.kind === "text" ? size + line.length + 1 : 0
            }
            blankBefore = current.kind === "text" && line.trim().length === 0
            hasText = hasText || (current.kind === "text" && !blankBefore)
            offset = end + 1
        }
        flush()
        return blocks
    }
    // Brings `blocks` in step with the text, touching only the rows that changed. While the text
    // only grows (streaming, or a preview expanded) the blocks before the last two are final, so
    // only the text from the second-to-last block on is parsed again: O(tail) per batch.
    property string parsedText: ""
    readonly property int maxBlockChars: 1500
    function syncBlocks() {
        if (isUser) return
        const text = root.model.displayText
        let first = 0
        if (text.length >= parsedText.length && text.startsWith(parsedText))
            first = Math.max(0, blocks.count - 2)
        const from = first < blocks.count ? blocks.get(first).start : 0
        const next = splitBlocks(text, from)
        parsedText = text
        for (let i = 0; i < next.length; ++i) {
            const at = first + i
            if (at >= blocks.count) {
                blocks.append(next[i])
            } else {
                const row = blocks.get(at)
                if (row.kind !== next[i].kind || row.lang !== next[i].lang) {
                    blocks.set(at, next[i])
                } else {
                    if (row.body !== next[i].body) blocks.setProperty(at, "body", next[i].body)
                    if (row.start !== next[i].start) blocks.setProperty(at, "start", next[i].start)
                }
            }
        }
        const keep = first + next.length
        if (blocks.count > keep) blocks.remove(keep, blocks.count - keep)
    }
    readonly property string sourceText: model.displayText
    onSourceTextChanged: syncBlocks()
    Component.onCompleted: syncBlocks()
    ListModel { id: blocks }

    ColumnLayout {
        id: column
        width: Math.min(root.width - 32, 820)
        x: (root.width - width) / 2
        spacing: 4

        Rectangle {
            id: bubble
            objectName: "messageBubble"
            Layout.alignment: root.isUser ? Qt.AlignRight : Qt.AlignLeft
            Layout.maximumWidth: column.width * (root.isUser ? 0.85 : 1.0)
            Layout.preferredWidth: root.editing ? column.width * 0.85
                                                : content.implicitWidth + 24
            implicitHeight: content.implicitHeight + 20
            radius: 10
            color: root.isUser ? Qt.rgba(palette.highlight.r, palette.highlight.g,
                                         palette.highlight.b, 0.16)
                               : palette.base
            border.color: root.isUser ? "transparent" : palette.midlight

            ColumnLayout {
                id: content
                x: 12
                y: 10
                width: bubble.width - 24
                spacing: 6

                // Thinking block: header toggles; body hidden by default.
                ItemDelegate {
                    objectName: "thinkingToggle"
                    visible: !root.isUser && root.model.thinking.length > 0
                    Layout.fillWidth: true
                    padding: 2
                    text: (root.thinkingOpen ? "▾ " : "▸ ")
                          + (root.model.streaming && root.model.text.length === 0
                             ? qsTr("Thinking…")
                             : qsTr("Thought for %1 s").arg(root.formatSeconds(root.model.thinkingMs)))
                    font.italic: true
                    onClicked: root.thinkingOpen = !root.thinkingOpen
                }
                TextEdit {
                    objectName: "thinkingText"
                    visible: root.thinkingOpen && !root.isUser && root.model.thinking.length > 0
                    Layout.fillWidth: true
                    readOnly: true
                    selectByMouse: true
                    wrapMode: TextEdit.Wrap
                    textFormat: TextEdit.PlainText
                    text: root.model.thinking
                    color: palette.placeholderText
                    font.pointSize: root.font.pointSize * 0.92
                }

                Label {
                    objectName: "noteHeader"
                    visible: root.isNote
                    text: qsTr("Summary of earlier messages (sent in their place)")
                    font.italic: true
                    opacity: 0.75
                }
                // User text is shown as typed; a placeholder while a reply has no text yet.
                TextEdit {
                    objectName: "messageText"
                    visible: !root.editing && (root.isUser || blocks.count === 0)
                    Layout.fillWidth: true
                    readOnly: true
                    selectByMouse: true
                    selectedTextColor: palette.highlightedText
                    selectionColor: palette.highlight
                    wrapMode: TextEdit.Wrap
                    textFormat: TextEdit.PlainText
                    text: root.isUser ? root.model.displayText : (root.model.streaming ? "…" : "")
                    color: palette.text
                    font: root.font
                }
                // Replies and notes: Markdown prose and code blocks.
                Repeater {
                    model: blocks
                    delegate: Loader {
                        required property string kind
                        required property string lang
                        required property string body
                        Layout.fillWidth: true
                        sourceComponent: kind === "code" ? codeBlock : proseBlock
                    }
                }

                // A long message shows its start (layout of a 64K-character text would block the
                // window for a second); the whole text is in the prompt, Copy and Edit.
                Button {
                    objectName: "showAllButton"
                    visible: root.model.truncated && !root.editing
                    flat: true
                    text: qsTr("Show all (%1 characters)")
                          .arg(root.model.textLength.toLocaleString(Qt.locale(), "f", 0))
                    onClicked: app.messages.expand(root.index)
                }

                // Inline editor for a user message: saving creates a new branch.
                ColumnLayout {
                    visible: root.editing
                    Layout.fillWidth: true
                    TextArea {
                        id: editor
                        objectName: "editField"
                        Layout.fillWidth: true
                        wrapMode: TextEdit.Wrap
                        selectByMouse: true
                        Keys.onEscapePressed: root.editing = false
                    }
                    RowLayout {
                        Layout.alignment: Qt.AlignRight
                        Button {
                            text: qsTr("Cancel")
                            flat: true
                            onClicked: root.editing = false
                        }
                        Button {
                            text: qsTr("Save and send")
                            highlighted: true
                            enabled: editor.text.trim().length > 0 && !app.generating
                            onClicked: {
                                root.editing = false
                                app.editMessage(root.model.messageId, editor.text)
                            }
                        }
                    }
                }
            }
        }

        Component {
            id: proseBlock
            TextEdit {
                objectName: "messageMarkdown"
                readOnly: true
                selectByMouse: true
                selectedTextColor: palette.highlightedText
                selectionColor: palette.highlight
                wrapMode: TextEdit.Wrap
                textFormat: TextEdit.MarkdownText
                // Page citations in replies link to the chat's documents.
                text: !parent ? ""
                      : (root.isUser || !root.haveDocuments) ? parent.body
                      : documents.linkify(app.currentConversationId, parent.body)
                color: palette.text
                opacity: root.isNote ? 0.8 : 1
                font: root.font
                onLinkActivated: link => {
                    if (!root.haveDocuments || !documents.activateCitation(link))
                        Qt.openUrlExternally(link)
                }
            }
        }
        Component {
            id: codeBlock
            Rectangle {
                id: codeRoot
                objectName: "codeBlock"
                readonly property string code: parent ? parent.body : ""
                readonly property string lang: parent ? parent.lang : ""
                implicitWidth: codeColumn.implicitWidth + 16
                implicitHeight: codeColumn.implicitHeight + 8
                radius: 6
                color: palette.alternateBase
                border.color: palette.midlight
                ColumnLayout {
                    id: codeColumn
                    x: 8
                    y: 4
                    width: codeRoot.width - 16
                    spacing: 0
                    RowLayout {
                        Layout.fillWidth: true
                        Label {
                            Layout.fillWidth: true
                            text: codeRoot.lang.length > 0 ? codeRoot.lang : qsTr("code")
                            opacity: 0.6
                            font.pointSize: root.font.pointSize * 0.8
                        }
                        ToolButton {
                            objectName: "copyCodeButton"
                            text: qsTr("Copy code")
                            font.pointSize: root.font.pointSize * 0.8
                            onClicked: {
                                app.copyToClipboard(codeRoot.code)
                                root.copied()
                            }
                        }
                    }
                    TextEdit {
                        objectName: "codeText"
                        Layout.fillWidth: true
                        readOnly: true
                        selectByMouse: true
                        selectedTextColor: palette.highlightedText
                        selectionColor: palette.highlight
                        wrapMode: TextEdit.WrapAnywhere
                        textFormat: TextEdit.PlainText
                        text: codeRoot.code
                        color: palette.text
                        font.family: "monospace"
                        font.pointSize: root.font.pointSize * 0.92
                    }
                }
            }
        }

        // Stats, branch navigator and actions.
        RowLayout {
            Layout.alignment: root.isUser ? Qt.AlignRight : Qt.AlignLeft
            spacing: 2
            visible: !root.editing

            ToolButton {
                objectName: "branchPrevious"
                visible: root.model.branchCount > 1
                enabled: root.model.branchIndex > 0 && !app.generating
                text: "‹"
                onClicked: app.switchBranch(root.model.messageId, -1)
                Accessible.name: qsTr("Previous version")
            }
            Label {
                objectName: "branchLabel"
                visible: root.model.branchCount > 1
                text: qsTr("%1/%2").arg(root.model.branchIndex + 1).arg(root.model.branchCount)
            }
            ToolButton {
                objectName: "branchNext"
                visible: root.model.branchCount > 1
                enabled: root.model.branchIndex < root.model.branchCount - 1 && !app.generating
                text: "›"
                onClicked: app.switchBranch(root.model.messageId, 1)
                Accessible.name: qsTr("Next version")
            }
            ToolButton {
                text: qsTr("Copy")
                icon.source: "icons/copy.png"
                icon.color: palette.buttonText
                visible: root.model.text.length > 0
                onClicked: {
                    app.copyToClipboard(root.model.text)
                    root.copied()
                }
            }
            ToolButton {
                objectName: "editButton"
                text: qsTr("Edit")
                icon.source: "icons/edit.png"
                icon.color: palette.buttonText
                visible: root.isUser && !app.generating
                onClicked: {
                    editor.text = root.model.text
                    root.editing = true
                    editor.forceActiveFocus()
                }
            }
            ToolButton {
                objectName: "regenerateButton"
                text: qsTr("Regenerate")
                icon.source: "icons/regenerate.png"
                icon.color: palette.buttonText
                visible: !root.isUser && root.isLast && !app.generating && app.modelReady
                onClicked: app.regenerate()
            }
            ToolButton {
                objectName: "continueButton"
                text: qsTr("Continue")
                visible: !root.isUser && root.isLast && root.model.interrupted
                         && !app.generating && app.modelReady
                onClicked: app.continueReply()
            }
            Label {
                objectName: "statsLabel"
                visible: !root.isUser && root.model.stats.length > 0
                Layout.leftMargin: 6
                text: root.model.stats
                opacity: 0.65
                font.pointSize: root.font.pointSize * 0.85
            }
            Label {
                visible: root.model.interrupted && !root.isUser
                Layout.leftMargin: 6
                text: qsTr("(stopped)")
                opacity: 0.65
                font.pointSize: root.font.pointSize * 0.85
            }
        }
    }
}
