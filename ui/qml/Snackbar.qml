// A short message at the bottom of the window, optionally with Undo (after a delete).
// Hides itself after a few seconds.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Popup {
    id: root
    property string message
    property bool undoable: false
    signal undo()

    function show(text, canUndo) {
        message = text
        undoable = canUndo
        open()
        hideTimer.restart()
    }

    parent: Overlay.overlay
    x: (parent ? parent.width - width : 0) / 2
    y: (parent ? parent.height - height : 0) - 48
    padding: 10
    closePolicy: Popup.CloseOnEscape
    background: Rectangle { radius: 6; color: "#323238" }

    Timer {
        id: hideTimer
        interval: 6000
        onTriggered: root.close()
    }

    contentItem: RowLayout {
        spacing: 12
        Label {
            objectName: "snackbarText"
            text: root.message
            color: "#f2f2f5"
            Layout.maximumWidth: 480
            wrapMode: Text.Wrap
        }
        Button {
            objectName: "undoButton"
            visible: root.undoable
            text: qsTr("Undo")
            flat: true
            palette.buttonText: "#8fb8ff"
            onClicked: {
                root.undo()
                root.close()
            }
        }
    }
}
