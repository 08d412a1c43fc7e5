// The running and unfinished model downloads (`models.downloads`): progress, speed, time left,
// pause/resume/cancel and errors. Used by Welcome.qml and ModelLibrary.qml.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

ColumnLayout {
    id: root
    spacing: 6
    visible: models.downloads.count > 0

    function formatBytes(bytes) {
        if (bytes < 0) return qsTr("unknown")
        const units = ["B", "KB", "MB", "GB", "TB"]
        let i = 0
        while (bytes >= 1000 && i < units.length - 1) { bytes /= 1000; ++i }
        return bytes.toFixed(i === 0 ? 0 : 1) + " " + units[i]
    }
    function formatSeconds(s) {
        if (s < 0) return "–"
        if (s < 90) return qsTr("%1 s").arg(Math.round(s))
        if (s < 5400) return qsTr("%1 min").arg(Math.round(s / 60))
        return qsTr("%1 h").arg((s / 3600).toFixed(1))
    }
    function stateText(state) {
        switch (state) {
        case "queued": return qsTr("Waiting")
        case "downloading": return qsTr("Downloading")
        case "paused": return qsTr("Paused")
        case "verifying": return qsTr("Checking the file")
        case "failed": return qsTr("Failed")
        case "done": return qsTr("Installed")
        }
        return state
    }

    Label {
        text: qsTr("Downloads")
        font.bold: true
    }
    Repeater {
        model: models.downloads
        delegate: Frame {
            id: row
            required property string fileName
            required property string state
            required property double received
            required property double total
            required property double progress
            required property double speed
            required property double secondsLeft
            required property string errorText
            required property bool checksumKnown
            Layout.fillWidth: true

            ColumnLayout {
                anchors.fill: parent
                spacing: 4
                RowLayout {
                    Layout.fillWidth: true
                    Label {
                        Layout.fillWidth: true
                        text: row.fileName
                        elide: Text.ElideMiddle
                        font.bold: true
                    }
                    Label { text: root.stateText(row.state); opacity: 0.8 }
                }
                ProgressBar {
                    Layout.fillWidth: true
                    indeterminate: row.progress < 0 && row.state === "downloading"
                    value: Math.max(row.progress, 0)
                }
                Label {
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    opacity: 0.8
                    text: row.state === "downloading"
                          ? qsTr("%1 of %2 · %3/s · %4 left").arg(root.formatBytes(row.received))
                                .arg(root.formatBytes(row.total)).arg(root.formatBytes(row.speed))
                                .arg(root.formatSeconds(row.secondsLeft))
                          : qsTr("%1 of %2").arg(root.formatBytes(row.received)).arg(root.formatBytes(row.total))
                }
                Label {
                    Layout.fillWidth: true
                    visible: !row.checksumKnown && row.state !== "done"
                    wrapMode: Text.Wrap
                    opacity: 0.7
                    font.pointSize: Qt.application.font.pointSize * 0.9
                    text: qsTr("No checksum is published for this file: it is checked by opening it as a GGUF model when the download ends.")
                }
                Label {
                    Layout.fillWidth: true
                    visible: row.errorText !== ""
                    wrapMode: Text.Wrap
                    color: "#c62828"
                    text: row.errorText
                }
                RowLayout {
                    Button {
                        visible: row.state === "downloading"
                        text: qsTr("Pause")
                        onClicked: models.downloads.pause(row.fileName)
                    }
                    Button {
                        visible: row.state === "paused" || row.state === "failed"
                        text: qsTr("Resume")
                        onClicked: models.downloads.resume(row.fileName)
                    }
                    Button {
                        visible: row.state !== "done" && row.state !== "verifying"
                        text: qsTr("Cancel")
                        onClicked: models.downloads.cancel(row.fileName)
                    }
                    Button {
                        visible: row.state === "done"
                        text: qsTr("Dismiss")
                        onClicked: models.downloads.dismiss(row.fileName)
                    }
                }
            }
        }
    }
}
