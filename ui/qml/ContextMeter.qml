// The context window as a segmented bar: the system prompt, the documents, the conversation and
// the draft, then the tokens kept free for the reply; the rest is free. Hovering (or a screen
// reader) gives the numbers. Parts come from app.contextSystem / contextDocuments /
// contextHistory / replyReserve (absent in some tests: read as 0).
import QtQuick
import QtQuick.Controls

Control {
    id: meter
    property int draftTokens: 0
    readonly property int size: Math.max(1, app.contextSize)
    // [name, tokens, colour] in drawing order.
    readonly property var parts: [
        [qsTr("System prompt"), app.contextSystem || 0, "#8e9aaf"],
        [qsTr("Documents"), app.contextDocuments || 0, "#e08e0b"],
        [qsTr("Conversation"), app.contextHistory || 0, "#3a7bd5"],
        [qsTr("Your message"), draftTokens, "#79a7e8"],
        [qsTr("Kept for the reply"), app.replyReserve || 0, "#c9ced6"]
    ]
    readonly property int usedTokens: {
        let n = 0
        for (let i = 0; i < parts.length; ++i) n += parts[i][1]
        return n
    }
    function summary() {
        let lines = []
        for (let i = 0; i < parts.length; ++i)
            if (parts[i][1] > 0)
                lines.push(qsTr("%1: %2").arg(parts[i][0]).arg(parts[i][1].toLocaleString(Qt.locale(), "f", 0)))
        lines.push(qsTr("Free: %1").arg(Math.max(0, size - usedTokens).toLocaleString(Qt.locale(), "f", 0)))
        return lines.join("\n")
    }

    implicitWidth: 160
    implicitHeight: 10
    padding: 0
    hoverEnabled: true
    Accessible.role: Accessible.ProgressBar
    Accessible.name: qsTr("Context window")
    Accessible.description: summary().replace(/\n/g, "; ")

    contentItem: Rectangle {
        id: track
        radius: 3
        color: palette.base
        border.color: palette.mid
        clip: true
        Row {
            anchors.fill: parent
            anchors.margins: 1
            Repeater {
                model: meter.parts
                Rectangle {
                    required property var modelData
                    objectName: "meterSegment"
                    height: parent.height
                    width: Math.min(track.width - 2, (track.width - 2) * modelData[1] / meter.size)
                    color: modelData[2]
                }
            }
        }
    }
    ToolTip.visible: hovered
    ToolTip.text: summary()
}
