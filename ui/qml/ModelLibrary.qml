// The model library: installed models (`models.library`) with size, architecture, quantization,
// context, parameters and the memory needed for the chosen context; switch to one, delete one
// (after a confirmation), add a file, and the running downloads.
// Needs the context properties `app` (AppController), `settings` (Settings), `models` (ModelManager).
import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts

Dialog {
    id: root
    title: qsTr("Models")
    modal: true
    standardButtons: Dialog.Close
    width: Math.min(parent ? parent.width - 40 : 720, 760)
    height: Math.min(parent ? parent.height - 40 : 640, 720)
    property string errorText: ""
    property string pendingDelete: ""

    onAboutToShow: {
        models.library.contextSize = settings.contextSize
        models.library.kvCache = settings.kvCache
        models.library.refresh()
    }

    function formatBytes(bytes) { return downloads.formatBytes(bytes) }
    function formatCount(n) {
        if (n >= 1e9) return (n / 1e9).toFixed(1) + "B"
        if (n >= 1e6) return (n / 1e6).toFixed(0) + "M"
        return n.toString()
    }
    function useModel(path) {
        settings.modelPath = path
        app.loadModel(path)
    }

    FileDialog {
        id: fileDialog
        title: qsTr("Choose a GGUF model")
        nameFilters: [qsTr("GGUF models (*.gguf)"), qsTr("All files (*)")]
        onAccepted: {
            const path = models.library.addFile(selectedFile.toString())
            root.errorText = path === "" ? models.library.lastError() : ""
        }
    }

    Dialog {
        id: confirmDelete
        objectName: "libraryConfirmDelete"
        title: qsTr("Delete this model?")
        modal: true
        anchors.centerIn: parent
        standardButtons: Dialog.Yes | Dialog.No
        Label {
            width: 360
            wrapMode: Text.Wrap
            text: qsTr("%1 will be deleted from this computer. You can download it again later.")
                  .arg(root.pendingDelete)
        }
        onAccepted: {
            if (!models.library.deleteModel(root.pendingDelete))
                root.errorText = models.library.lastError()
        }
    }

    ScrollView {
        anchors.fill: parent
        contentWidth: availableWidth

        ColumnLayout {
            width: parent.width
            spacing: 10

            RowLayout {
                Layout.fillWidth: true
                Label { text: qsTr("Estimate memory for a context of") }
                SpinBox {
                    objectName: "libraryContextBox"
                    from: 0
                    to: 262144
                    stepSize: 1024
                    editable: true
                    value: models.library.contextSize
                    onValueModified: models.library.contextSize = value
                }
                Label {
                    text: models.library.contextSize === 0 ? qsTr("tokens (0 = each model's default)")
                                                           : qsTr("tokens")
                }
            }
            Label {
                Layout.fillWidth: true
                visible: models.library.availableMemory >= 0
                opacity: 0.8
                text: qsTr("Free memory on this computer now: %1").arg(root.formatBytes(models.library.availableMemory))
            }
            Label {
                objectName: "libraryGpuLabel"
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                opacity: 0.8
                text: models.library.gpuFound
                      ? qsTr("GPU: %1, %2 free of %3").arg(models.library.gpuName)
                            .arg(root.formatBytes(models.library.gpuFreeMemory))
                            .arg(root.formatBytes(models.library.gpuTotalMemory))
                      : qsTr("No GPU found: models run on the processor.")
            }
            Label {
                Layout.fillWidth: true
                visible: root.errorText !== ""
                wrapMode: Text.Wrap
                color: "#c62828"
                text: root.errorText
            }
            Label {
                Layout.fillWidth: true
                visible: models.library.count === 0
                wrapMode: Text.Wrap
                text: qsTr("No models are installed in %1 yet.").arg(models.library.modelsDirectory)
            }

            Repeater {
                model: models.library
                delegate: Frame {
                    id: item
                    required property string path
                    required property string name
                    required property string fileName
                    required property double fileBytes
                    required property string architecture
                    required property string quantization
                    required property bool supported
                    required property string problem
                    required property int context
                    required property double parameters
                    required property double estimateBytes
                    required property bool fits
                    required property bool deletable
                    required property double gpuBytes
                    required property string gpuFit
                    readonly property bool current: settings.modelPath === path
                    Layout.fillWidth: true

                    RowLayout {
                        anchors.fill: parent
                        ColumnLayout {
                            Layout.fillWidth: true
                            Label {
                                text: item.name + (item.current ? "  ✓" : "")
                                font.bold: true
                            }
                            Label {
                                Layout.fillWidth: true
                                elide: Text.ElideMiddle
                                opacity: 0.7
                                text: item.fileName
                            }
                            Label {
                                Layout.fillWidth: true
                                wrapMode: Text.Wrap
                                text: qsTr("%1 · %2 · %3 parameters · %4 on disk").arg(item.architecture)
                                      .arg(item.quantization).arg(root.formatCount(item.parameters))
                                      .arg(root.formatBytes(item.fileBytes))
                            }
                            Label {
                                Layout.fillWidth: true
                                wrapMode: Text.Wrap
                                visible: item.supported
                                color: item.fits ? palette.windowText : "#c62828"
                                text: (item.fits ? qsTr("Needs about %1 of memory for %2 tokens of context.")
                                                 : qsTr("Needs about %1 of memory for %2 tokens of context: more than is free now."))
                                      .arg(root.formatBytes(item.estimateBytes)).arg(item.context)
                            }
                            Label {
                                Layout.fillWidth: true
                                wrapMode: Text.Wrap
                                visible: item.supported && item.gpuBytes > 0
                                color: item.gpuFit === "none" ? "#c62828" : palette.windowText
                                opacity: item.gpuFit === "unknown" ? 0.7 : 1
                                text: {
                                    const need = root.formatBytes(item.gpuBytes)
                                    switch (item.gpuFit) {
                                    case "full": return qsTr("On the GPU: needs about %1; fits entirely.").arg(need)
                                    case "partial": return qsTr("On the GPU: needs about %1; only part of the model fits, the rest runs on the processor.").arg(need)
                                    case "none": return qsTr("On the GPU: needs about %1; does not fit, so it runs on the processor.").arg(need)
                                    }
                                    return qsTr("On a GPU it would need about %1 (no GPU found).").arg(need)
                                }
                            }
                            Label {
                                Layout.fillWidth: true
                                wrapMode: Text.Wrap
                                visible: !item.supported
                                color: "#c62828"
                                text: qsTr("Folio cannot run this model: %1").arg(item.problem)
                            }
                        }
                        Button {
                            text: qsTr("Use")
                            enabled: item.supported && !item.current
                            onClicked: root.useModel(item.path)
                        }
                        Button {
                            text: item.deletable ? qsTr("Delete…") : qsTr("Forget")
                            onClicked: {
                                root.pendingDelete = item.path
                                if (item.deletable) confirmDelete.open()
                                else models.library.deleteModel(item.path)
                            }
                        }
                    }
                }
            }

            Button {
                text: qsTr("Add a GGUF file…")
                onClicked: fileDialog.open()
            }

            WelcomeDownloads {
                id: downloads
                Layout.fillWidth: true
            }
        }
    }
}
