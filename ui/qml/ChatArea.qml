// The current conversation: header (title, thinking switch, settings), the messages, the prompt
// progress while the model reads the prompt, the choice to make when the conversation outgrows the
// context window (drop or summarise the oldest turns), and the composer. Auto-scrolls while a reply
// streams, until the user scrolls up; scrolling back to the end resumes it.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Pane {
    id: root
    padding: 0
    background: Rectangle { color: palette.window }

    signal settingsRequested()
    signal shortcutsRequested()
    signal copied()
    function focusComposer() { composer.focusInput() }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        ToolBar {
            objectName: "chatHeader"
            Layout.fillWidth: true
            background: Rectangle { color: palette.window }
            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: 12
                anchors.rightMargin: 6
                Label {
                    objectName: "chatTitle"
                    Layout.fillWidth: true
                    text: app.currentTitle.length > 0 ? app.currentTitle : qsTr("New chat")
                    font.bold: true
                    font.pointSize: root.font.pointSize * 1.15
                    elide: Text.ElideRight
                }
                Switch {
                    objectName: "thinkingSwitch"
                    text: qsTr("Thinking")
                    checked: app.thinkingEnabled
                    onToggled: app.thinkingEnabled = checked
                    ToolTip.visible: hovered
                    ToolTip.delay: 600
                    ToolTip.text: qsTr("Let the model reason before it answers (models that support it)")
                }
                ToolButton {
                    objectName: "shortcutsButton"
                    text: qsTr("Keyboard shortcuts")
                    display: AbstractButton.IconOnly
                    icon.source: "icons/help.png"
                    icon.color: palette.buttonText
                    onClicked: root.shortcutsRequested()
                    ToolTip.visible: hovered
                    ToolTip.text: qsTr("Keyboard shortcuts")
                }
                ToolButton {
                    objectName: "settingsButton"
                    text: qsTr("Settings")
                    display: AbstractButton.IconOnly
                    icon.source: "icons/settings.png"
                    icon.color: palette.buttonText
                    onClicked: root.settingsRequested()
                    ToolTip.visible: hovered
                    ToolTip.text: qsTr("Settings")
                }
            }
        }
        Rectangle { Layout.fillWidth: true; implicitHeight: 1; color: palette.midlight }

        Item {
            Layout.fillWidth: true
            Layout.fillHeight: true

            ListView {
                id: messageList
                objectName: "messageList"
                anchors.fill: parent
                clip: true
                model: app.messages
                spacing: 12
                topMargin: 16
                bottomMargin: 16
                boundsBehavior: Flickable.StopAtBounds
                ScrollBar.vertical: ScrollBar {}
                // True while the view should stick to the newest text.
                property bool followTail: true
                onMovementEnded: followTail = atYEnd
                onFlickStarted: followTail = false
                onContentHeightChanged: if (followTail) Qt.callLater(positionViewAtEnd)
                onCountChanged: {
                    if (count === 0) followTail = true
                    if (followTail) Qt.callLater(positionViewAtEnd)
                }
                WheelHandler {
                    onWheel: event => {
                        if (event.angleDelta.y > 0) messageList.followTail = false
                        else Qt.callLater(() => messageList.followTail = messageList.atYEnd)
                    }
                }
                delegate: MessageDelegate {
                    width: ListView.view.width
                    isLast: index === ListView.view.count - 1
                    onCopied: root.copied()
                }
            }

            WelcomePane {
                objectName: "welcomePane"
                anchors.centerIn: parent
                width: Math.min(parent.width - 48, 560)
                visible: messageList.count === 0
                onSettingsRequested: root.settingsRequested()
            }

            RoundButton {
                anchors.right: parent.right
                anchors.bottom: parent.bottom
                anchors.margins: 16
                visible: !messageList.followTail && messageList.count > 0
                text: "↓"
                onClicked: {
                    messageList.followTail = true
                    messageList.positionViewAtEnd()
                }
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Scroll to the newest message")
            }
        }

        RowLayout {
            objectName: "prefillBar"
            Layout.fillWidth: true
            Layout.leftMargin: 16
            Layout.rightMargin: 16
            visible: app.prefillProgress >= 0
            Label {
                text: qsTr("Reading the prompt… %1%").arg(Math.round(Math.max(0, app.prefillProgress) * 100))
            }
            ProgressBar {
                Layout.fillWidth: true
                from: 0
                to: 1
                value: Math.max(0, app.prefillProgress)
            }
            Button {
                text: qsTr("Cancel")
                flat: true
                onClicked: app.stop()
            }
        }

        // The history no longer fits: the reply waits until the user says what to leave out.
        Rectangle {
            objectName: "overflowBanner"
            Layout.fillWidth: true
            Layout.leftMargin: 12
            Layout.rightMargin: 12
            visible: app.contextOverflow
            implicitHeight: overflowRow.implicitHeight + 16
            radius: 6
            color: Qt.rgba(palette.highlight.r, palette.highlight.g, palette.highlight.b, 0.12)
            border.color: palette.highlight
            RowLayout {
                id: overflowRow
                anchors.fill: parent
                anchors.margins: 8
                spacing: 6
                Label {
                    objectName: "overflowText"
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    text: qsTr("This conversation no longer fits in the model's context window: %n earlier message(s) must be left out of the next reply, or summarised.", "", app.overflowTurns)
                }
                Button {
                    objectName: "overflowSummarize"
                    text: qsTr("Summarise them")
                    highlighted: true
                    onClicked: app.resolveOverflow("summarize")
                    ToolTip.visible: hovered
                    ToolTip.delay: 600
                    ToolTip.text: qsTr("The model writes a short summary, kept in the chat and sent instead")
                }
                Button {
                    objectName: "overflowDrop"
                    text: qsTr("Leave them out")
                    onClicked: app.resolveOverflow("drop")
                }
                Button {
                    objectName: "overflowCancel"
                    text: qsTr("Cancel")
                    flat: true
                    onClicked: app.resolveOverflow("cancel")
                }
            }
        }

        Loader {
            objectName: "documentBarLoader"
            Layout.fillWidth: true
            Layout.leftMargin: 12
            Layout.rightMargin: 12
            active: typeof documents !== "undefined" && documents !== null
            // (Not item.visible: an item inside a hidden Loader reads as hidden itself.)
            visible: active && item !== null && item.attached.count > 0
            sourceComponent: DocumentBar {
                // A preset's question goes into the composer, to be edited and sent.
                onPresetChosen: (key, text) => {
                    composer.text = text
                    composer.focusInput()
                }
            }
        }

        Composer {
            id: composer
            objectName: "composer"
            Layout.fillWidth: true
        }
    }
}
