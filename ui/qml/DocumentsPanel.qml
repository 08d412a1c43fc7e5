// The documents panel: add PDFs, .txt and .md files (button, file dialog or drag and drop), see
// reading progress with cancel, answer password prompts for encrypted PDFs, turn OCR on or off,
// and list/remove stored documents. Backed by a folio::DocumentsController passed as `controller`
// (properties model, busy, progress, statusText, ocrEnabled; invokables addFile, submitPassword,
// cancel, remove; summarizing, summaryStatus, canSummarize, summarize, cancelSummary and
// summaryFinished for "Summarise whole document", the map-reduce alternative to retrieval).
import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts

Pane {
    id: root
    required property QtObject controller
    // Emitted when the user picks a document (e.g. to attach it to the current chat).
    signal documentActivated(var documentId, string title)

    padding: 8

    DropArea {
        id: drop
        objectName: "documentsDropArea"
        anchors.fill: parent
        keys: ["text/uri-list"]
        onDropped: (event) => {
            root.controller.addDroppedFiles(event.urls)
            event.acceptProposedAction()
        }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 8

        RowLayout {
            Layout.fillWidth: true
            Label {
                text: qsTr("Documents")
                font.bold: true
                Layout.fillWidth: true
            }
            Button {
                objectName: "addDocumentButton"
                text: qsTr("Add…")
                onClicked: fileDialog.open()
            }
        }

        Switch {
            objectName: "ocrSwitch"
            text: qsTr("Read scanned pages (OCR)")
            checked: root.controller.ocrEnabled
            onToggled: root.controller.ocrEnabled = checked
        }

        RowLayout {
            Layout.fillWidth: true
            visible: root.controller.busy
            ProgressBar {
                objectName: "ingestProgress"
                Layout.fillWidth: true
                indeterminate: root.controller.progress < 0
                value: Math.max(0, root.controller.progress)
            }
            Button {
                objectName: "cancelIngestButton"
                text: qsTr("Cancel")
                onClicked: root.controller.cancel()
            }
        }

        RowLayout {
            Layout.fillWidth: true
            visible: root.controller.summarizing
            Label {
                objectName: "summaryStatus"
                Layout.fillWidth: true
                text: root.controller.summaryStatus
                wrapMode: Text.Wrap
            }
            Button {
                objectName: "cancelSummaryButton"
                text: qsTr("Stop")
                onClicked: root.controller.cancelSummary()
            }
        }

        Label {
            objectName: "documentsStatus"
            Layout.fillWidth: true
            visible: text.length > 0
            text: root.controller.statusText
            wrapMode: Text.Wrap
            opacity: 0.8
        }

        ListView {
            id: list
            objectName: "documentList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: root.controller.model
            delegate: ItemDelegate {
                id: row
                required property var documentId
                required property string title
                required property int pages
                required property string kind
                width: ListView.view.width
                contentItem: RowLayout {
                    ColumnLayout {
                        Layout.fillWidth: true
                        spacing: 0
                        Label {
                            Layout.fillWidth: true
                            text: row.title
                            elide: Text.ElideRight
                        }
                        Label {
                            text: row.kind === "pdf" ? qsTr("%n page(s)", "", row.pages)
                                                     : qsTr("%n section(s)", "", row.pages)
                            opacity: 0.6
                            font.pointSize: Math.max(6, row.font.pointSize - 2)
                        }
                    }
                    ToolButton {
                        objectName: "summarizeButton"
                        text: "∑"
                        visible: root.controller.canSummarize
                        enabled: !root.controller.summarizing
                        onClicked: root.controller.summarize(row.documentId, "", Qt.uiLanguage)
                        ToolTip.visible: hovered
                        ToolTip.text: qsTr("Summarise whole document, part by part (for documents too long to read at once; questions in the chat use the most relevant pages)")
                    }
                    ToolButton {
                        text: "✕"
                        onClicked: root.controller.remove(row.documentId)
                        ToolTip.visible: hovered
                        ToolTip.text: qsTr("Remove this document")
                    }
                }
                onClicked: root.documentActivated(row.documentId, row.title)
            }
            Label {
                anchors.centerIn: parent
                visible: list.count === 0
                text: qsTr("Drop PDF, .txt or .md files here")
                opacity: 0.6
            }
        }
    }

    FileDialog {
        id: fileDialog
        title: qsTr("Add documents")
        fileMode: FileDialog.OpenFiles
        nameFilters: [qsTr("Documents (*.pdf *.txt *.md)"), qsTr("All files (*)")]
        onAccepted: {
            for (const url of selectedFiles) root.controller.addFile(url.toString())
        }
    }

    Dialog {
        id: passwordDialog
        objectName: "passwordDialog"
        property string fileName
        property bool wrong
        title: qsTr("Password required")
        modal: true
        anchors.centerIn: parent
        standardButtons: Dialog.Ok | Dialog.Cancel
        ColumnLayout {
            Label {
                text: passwordDialog.wrong
                      ? qsTr("The password is wrong for %1. Try again:").arg(passwordDialog.fileName)
                      : qsTr("%1 is encrypted. Enter its password:").arg(passwordDialog.fileName)
                wrapMode: Text.Wrap
            }
            TextField {
                id: passwordField
                objectName: "passwordField"
                Layout.fillWidth: true
                echoMode: TextInput.Password
                onAccepted: passwordDialog.accept()
            }
        }
        onAccepted: { root.controller.submitPassword(passwordField.text); passwordField.text = "" }
        onRejected: { passwordField.text = ""; root.controller.cancel() }
    }

    Dialog {
        id: summaryDialog
        objectName: "summaryDialog"
        property string documentTitle
        title: qsTr("Summary of %1").arg(documentTitle)
        modal: true
        anchors.centerIn: Overlay.overlay
        width: Math.min(640, Overlay.overlay ? Overlay.overlay.width - 40 : 640)
        height: Math.min(520, Overlay.overlay ? Overlay.overlay.height - 40 : 520)
        standardButtons: Dialog.Close
        ColumnLayout {
            anchors.fill: parent
            ScrollView {
                Layout.fillWidth: true
                Layout.fillHeight: true
                TextArea {
                    id: summaryText
                    objectName: "summaryText"
                    readOnly: true
                    wrapMode: TextEdit.Wrap
                    selectByMouse: true
                }
            }
            Button {
                text: qsTr("Copy")
                onClicked: { summaryText.selectAll(); summaryText.copy(); summaryText.deselect() }
            }
        }
    }

    Connections {
        target: root.controller
        function onSummaryFinished(documentId, title, summary) {
            summaryDialog.documentTitle = title
            summaryText.text = summary
            summaryDialog.open()
        }
        function onPasswordRequired(fileName, wrongPassword) {
            passwordDialog.fileName = fileName
            passwordDialog.wrong = wrongPassword
            passwordDialog.open()
            passwordField.forceActiveFocus()
        }
    }
}
