// The prompt editor: Enter sends, Shift+Enter starts a new line; Send turns into Stop while a
// reply is generated. The meter shows the context the next turn will use:
// app.contextUsed (system prompt + history + documents) + the draft's tokens, of app.contextSize,
// drawn in segments with the reply's reserve (ContextMeter.qml). Tokens are
// counted off the GUI thread (app.countDraft): an estimate first, marked "≈", then the exact count.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Pane {
    id: root
    padding: 12
    background: Rectangle { color: palette.window }

    property alias text: input.text
    // Tokens in the draft, refreshed shortly after typing stops.
    readonly property int draftTokens: input.text.length > 0 ? Math.max(0, app.draftTokens) : 0
    readonly property int usedTokens: Math.max(0, app.contextUsed) + draftTokens
    readonly property real usedFraction: app.contextSize > 0 ? usedTokens / app.contextSize : 0

    function focusInput() { input.forceActiveFocus() }
    function canSend() { return app.modelReady && !app.generating && input.text.trim().length > 0 }
    // Sends the draft (what Enter and the Send button do). Returns false when nothing was sent.
    function send() {
        if (!canSend()) return false
        app.send(input.text)
        input.text = ""
        return true
    }

    Timer {
        id: countDelay
        interval: 150
        onTriggered: app.countDraft(input.text)
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 6

        RowLayout {
            Layout.fillWidth: true
            spacing: 8

            ScrollView {
                Layout.fillWidth: true
                Layout.preferredHeight: Math.min(Math.max(input.implicitHeight, 44), 200)
                TextArea {
                    id: input
                    objectName: "composerInput"
                    wrapMode: TextEdit.Wrap
                    selectByMouse: true
                    placeholderText: app.modelReady ? qsTr("Message Folio (Enter to send, Shift+Enter for a new line)")
                                                    : qsTr("Load a model to start chatting")
                    onTextChanged: countDelay.restart()
                    background: Rectangle {
                        radius: 6
                        color: palette.base
                        border.color: input.activeFocus ? palette.highlight : palette.mid
                    }
                    Keys.onPressed: event => {
                        if ((event.key === Qt.Key_Return || event.key === Qt.Key_Enter)
                                && !(event.modifiers & Qt.ShiftModifier)) {
                            event.accepted = true
                            root.send()
                        }
                    }
                }
            }
            Button {
                objectName: "sendButton"
                Layout.alignment: Qt.AlignBottom
                text: app.generating ? qsTr("Stop") : qsTr("Send")
                icon.source: app.generating ? "icons/stop.png" : "icons/send.png"
                icon.color: highlighted && enabled ? palette.highlightedText : palette.buttonText
                highlighted: !app.generating
                enabled: app.generating || root.canSend()
                onClicked: app.generating ? app.stop() : root.send()
                ToolTip.visible: hovered
                ToolTip.delay: 600
                ToolTip.text: app.generating ? qsTr("Stop the reply (Esc)") : qsTr("Send (Enter)")
            }
        }

        RowLayout {
            objectName: "contextMeter"
            Layout.fillWidth: true
            visible: app.contextSize > 0
            spacing: 8
            ContextMeter {
                objectName: "contextBar"
                Layout.preferredWidth: 160
                Layout.preferredHeight: 10
                draftTokens: root.draftTokens
            }
            Label {
                text: (app.contextExact === false ? "≈ " : "")
                      + qsTr("%1 / %2 tokens").arg(root.usedTokens.toLocaleString(Qt.locale(), "f", 0))
                                            .arg(app.contextSize.toLocaleString(Qt.locale(), "f", 0))
                color: root.usedFraction > 0.9 ? "#d9534f" : palette.windowText
                opacity: root.usedFraction > 0.9 ? 1 : 0.7
                font.pointSize: root.font.pointSize * 0.85
            }
            Item { Layout.fillWidth: true }
        }
    }
}
