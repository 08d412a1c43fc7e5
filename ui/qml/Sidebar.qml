// The conversation list: new chat, search (FTS through app.setSearchText) and the conversations,
// pinned first. Rows come from app.conversations, which pages itself in through fetchMore.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Pane {
    id: root
    padding: 8
    background: Rectangle { color: palette.alternateBase }

    signal deleted(string title)
    function focusSearch() { searchField.forceActiveFocus(); searchField.selectAll() }

    ColumnLayout {
        anchors.fill: parent
        spacing: 8

        Button {
            objectName: "newChatButton"
            Layout.fillWidth: true
            text: qsTr("New chat")
            onClicked: app.newConversation()
            ToolTip.visible: hovered
            ToolTip.delay: 600
            ToolTip.text: qsTr("Start a new conversation (Ctrl+N)")
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
