// Bottom line: the model, the device it runs on, the KV cache when it is the 8-bit one, and the
// app's status (loading, errors).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Pane {
    padding: 4
    leftPadding: 10
    rightPadding: 10
    background: Rectangle {
        color: palette.alternateBase
        Rectangle { width: parent.width; height: 1; color: palette.midlight }
    }

    RowLayout {
        anchors.fill: parent
        spacing: 12
        Label {
            objectName: "modelLabel"
            text: app.modelReady && app.modelName.length > 0 ? app.modelName : qsTr("No model loaded")
            font.bold: app.modelReady
            elide: Text.ElideRight
            Layout.maximumWidth: 320
        }
        Label {
            objectName: "deviceLabel"
            visible: app.modelReady && app.deviceName.length > 0
                     && !(engineBox.haveRemote && app.conversationEngine === "remote")
            text: app.deviceName
            opacity: 0.75
        }
        ComboBox {
            // Which engine this chat runs on: this computer, or the remote server of Settings.
            id: engineBox
            objectName: "engineBox"
            readonly property bool haveRemote: typeof remote !== "undefined" && remote !== null
                                               && remote.configured
            visible: haveRemote
            enabled: !app.generating
            implicitContentWidthPolicy: ComboBox.WidestText
            model: haveRemote ? [qsTr("This computer"), qsTr("Server %1").arg(remote.host)] : []
            currentIndex: haveRemote && app.conversationEngine === "remote" ? 1 : 0
            onActivated: index => app.setConversationEngine(index === 1 ? "remote" : "")
            Accessible.name: qsTr("Engine for this chat")
        }
        Label {
            objectName: "leavesComputerLabel"
            visible: engineBox.haveRemote && app.conversationEngine === "remote"
            text: qsTr("Text leaves this computer")
            color: "#d35400"
            font.bold: true
            HoverHandler { id: leavesHover }
            ToolTip.visible: leavesHover.hovered
            ToolTip.text: engineBox.haveRemote ? qsTr("This chat's messages and documents are sent to %1.").arg(remote.host) : ""
        }
        Label {
            objectName: "kvCacheLabel"
            visible: app.modelReady && app.kvCacheType === "q8_0"
            text: qsTr("8-bit KV cache")
            opacity: 0.75
            HoverHandler { id: kvHover }
            ToolTip.visible: kvHover.hovered
            ToolTip.text: qsTr("The chat's memory is stored in 8 bits: %1 KiB per token of context")
                          .arg((app.kvBytesPerToken / 1024).toLocaleString(Qt.locale(), "f", 1))
        }
        Label {
            objectName: "statusLabel"
            Layout.fillWidth: true
            text: app.statusText
            elide: Text.ElideRight
            horizontalAlignment: Text.AlignRight
            opacity: 0.75
        }
    }
}
