// One conversation in the sidebar: click selects it; the ⋯ menu (or a right click) pins,
// renames inline, exports (Markdown or JSON; the sidebar asks where) or deletes (the window
// offers Undo).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

ItemDelegate {
    id: root
    required property var model
    readonly property bool current: model.conversationId === app.currentConversationId
    property bool renaming: false
    signal deleteRequested(var id, string title)
    signal exportRequested(var id, string title, string format)  // format: "markdown" | "json"

    highlighted: current
    padding: 6
    onClicked: app.selectConversation(model.conversationId)

    function startRename() {
        renaming = true
        renameField.text = model.title
        renameField.forceActiveFocus()
        renameField.selectAll()
    }
    function finishRename(accept) {
        if (accept && renameField.text.trim().length > 0)
            app.renameConversation(model.conversationId, renameField.text.trim())
        renaming = false
    }

    TapHandler {
        acceptedButtons: Qt.RightButton
        onTapped: menu.popup()
    }

    contentItem: RowLayout {
        spacing: 4
        Label {
            visible: root.model.pinned
            text: "★"
            font.pointSize: root.font.pointSize * 0.8
            Accessible.name: qsTr("Pinned")
        }
        Label {
            visible: !root.renaming
            Layout.fillWidth: true
            text: root.model.title.length > 0 ? root.model.title : qsTr("New chat")
            elide: Text.ElideRight
            color: root.highlighted ? palette.highlightedText : palette.text
        }
        TextField {
            id: renameField
            objectName: "renameField"
            visible: root.renaming
            Layout.fillWidth: true
            selectByMouse: true
            onAccepted: root.finishRename(true)
            Keys.onEscapePressed: root.finishRename(false)
            onActiveFocusChanged: if (!activeFocus && root.renaming) root.finishRename(true)
        }
        ToolButton {
            text: qsTr("Conversation actions")
            display: AbstractButton.IconOnly
            icon.source: "icons/more.png"
            icon.color: root.current ? palette.highlightedText : palette.buttonText
            visible: root.hovered || root.current || menu.visible
            onClicked: menu.popup()
            Accessible.name: qsTr("Conversation actions")
        }
    }

    Menu {
        id: menu
        MenuItem {
            text: root.model.pinned ? qsTr("Unpin") : qsTr("Pin")
            onTriggered: app.setPinned(root.model.conversationId, !root.model.pinned)
        }
        MenuItem {
            text: qsTr("Rename")
            onTriggered: root.startRename()
        }
        MenuItem {
            objectName: "exportMarkdownItem"
            text: qsTr("Export as Markdown…")
            onTriggered: root.exportRequested(root.model.conversationId, root.model.title, "markdown")
        }
        MenuItem {
            objectName: "exportJsonItem"
            text: qsTr("Export as JSON…")
            onTriggered: root.exportRequested(root.model.conversationId, root.model.title, "json")
        }
        MenuItem {
            text: qsTr("Delete")
            onTriggered: root.deleteRequested(root.model.conversationId, root.model.title)
        }
    }
}
