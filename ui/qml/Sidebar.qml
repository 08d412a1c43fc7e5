// The conversation list: new chat, import, search (FTS through app.setSearchText) and the
// conversations, pinned first. Rows come from app.conversations, which pages itself in through
// fetchMore. Export and import go through file dialogs; errors come back as app.errorOccurred.
import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts

Pane {
    id: root
    padding: 8
    background: Rectangle { color: palette.alternateBase }

    signal deleted(string title)
    function focusSearch() { searchField.forceActiveFocus(); searchField.selectAll() }
    // Asks where to write conversation `id` ("markdown" | "json"), then exports it.
    function exportConversation(id, title, format) {
        exportDialog.conversationId = id
        exportDialog.format = format
        const name = (title.length > 0 ? title : "conversation").replace(/[\\/:*?"<>|]/g, "_")
        exportDialog.selectedFile = exportDialog.currentFolder + "/" + name
                                    + (format === "json" ? ".json" : ".md")
        exportDialog.open()
    }

    FileDialog {
        id: exportDialog
        objectName: "exportDialog"
        property var conversationId: 0
        property string format: "markdown"
        title: qsTr("Export conversation")
        fileMode: FileDialog.SaveFile
        nameFilters: format === "json" ? [qsTr("Folio conversation (*.json)")]
                                       : [qsTr("Markdown (*.md)")]
        onAccepted: app.exportConversation(conversationId, selectedFile.toString(), format)
    }
    FileDialog {
        id: importDialog
        objectName: "importDialog"
        title: qsTr("Import conversation")
        fileMode: FileDialog.OpenFile
        nameFilters: [qsTr("Folio conversation (*.json)")]
        onAccepted: app.importConversation(selectedFile.toString())
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 8

        RowLayout {
            Layout.fillWidth: true
            spacing: 4
            Button {
                objectName: "newChatButton"
                Layout.fillWidth: true
                text: qsTr("New chat")
                icon.source: "icons/new-chat.png"
                icon.color: palette.buttonText
                onClicked: app.newConversation()
                ToolTip.visible: hovered
                ToolTip.delay: 600
                ToolTip.text: qsTr("Start a new conversation (Ctrl+N)")
            }
            Button {
                objectName: "importButton"
                text: qsTr("Import…")
                icon.source: "icons/import.png"
                icon.color: palette.buttonText
                onClicked: importDialog.open()
                ToolTip.visible: hovered
                ToolTip.delay: 600
                ToolTip.text: qsTr("Import a conversation exported as JSON")
            }
        }

        TextField {
            id: searchField
            objectName: "searchField"
            Layout.fillWidth: true
            placeholderText: qsTr("Search conversations")
            selectByMouse: true
            onTextChanged: searchDelay.restart()
            Keys.onEscapePressed: text = ""
            Timer {
                id: searchDelay
                interval: 200
                onTriggered: app.setSearchText(searchField.text)
            }
        }

        ListView {
            id: list
            objectName: "conversationList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            spacing: 2
            model: app.conversations
            boundsBehavior: Flickable.StopAtBounds
            ScrollBar.vertical: ScrollBar {}
            delegate: ConversationDelegate {
                width: ListView.view.width
                onDeleteRequested: (id, title) => {
                    app.deleteConversation(id)
                    root.deleted(title)
                }
                onExportRequested: (id, title, format) => root.exportConversation(id, title, format)
            }
            Label {
                anchors.centerIn: parent
                visible: list.count === 0
                width: parent.width - 16
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.Wrap
                opacity: 0.7
                text: searchField.text.length > 0 ? qsTr("No conversation matches")
                                                  : qsTr("No conversations yet")
            }
        }
    }
}
