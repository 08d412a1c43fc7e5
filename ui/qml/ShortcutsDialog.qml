// The keyboard shortcuts, as bound in Main.qml and Composer.qml.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Dialog {
    id: root
    title: qsTr("Keyboard shortcuts")
    modal: true
    anchors.centerIn: Overlay.overlay
    standardButtons: Dialog.Close

    readonly property var shortcuts: [
        ["Ctrl+N", qsTr("New chat")],
        ["Ctrl+F", qsTr("Search conversations")],
        ["Ctrl+L", qsTr("Focus the message box")],
        ["Enter", qsTr("Send the message")],
        ["Shift+Enter", qsTr("New line in the message")],
        ["Esc", qsTr("Stop the reply; close the cited page")],
        ["Ctrl+]", qsTr("Next citation: its page beside the answer")],
        ["Ctrl+[", qsTr("Previous citation")],
        ["Ctrl+Shift+C", qsTr("Copy the last reply")],
        ["Ctrl+,", qsTr("Settings")],
        ["F1", qsTr("This list")]
    ]

    GridLayout {
        columns: 2
        columnSpacing: 24
        rowSpacing: 8
        Repeater {
            model: root.shortcuts.length * 2
            Label {
                required property int index
                readonly property var entry: root.shortcuts[Math.floor(index / 2)]
                text: index % 2 === 0 ? entry[0] : entry[1]
                font.bold: index % 2 === 0
                font.family: index % 2 === 0 ? "monospace" : Qt.application.font.family
            }
        }
    }
}
