// Settings, bound straight to the `settings` object (every change is saved at once).
// The model file takes effect with "Load"; threads, context size, device and KV cache on the next
// load.
import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts

Dialog {
    id: root
    title: qsTr("Settings")
    modal: true
    anchors.centerIn: Overlay.overlay
    width: Math.min(parent ? parent.width - 40 : 640, 640)
    height: Math.min(parent ? parent.height - 40 : 600, 640)
    standardButtons: Dialog.Close

    // Choice tables: value stored in settings -> label shown.
    readonly property var deviceChoices: [
        {value: "cpu", text: qsTr("CPU")},
        {value: "gpu", text: qsTr("GPU (CUDA)")}
    ]
    readonly property var kvCacheChoices: [
        {value: "f16", text: qsTr("16-bit (exact)")},
        {value: "q8_0", text: qsTr("8-bit (half the memory, faster in long chats)")}
    ]
    readonly property var presetChoices: [
        {value: "qwen3-non-thinking", text: qsTr("Balanced (recommended)")},
        {value: "qwen3-thinking", text: qsTr("Thinking (for reasoning models)")},
        {value: "precise", text: qsTr("Precise (deterministic)")},
        {value: "creative", text: qsTr("Creative")}
    ]
    readonly property var themeChoices: [
        {value: "system", text: qsTr("Same as the system")},
        {value: "light", text: qsTr("Light")},
        {value: "dark", text: qsTr("Dark")}
    ]
    readonly property var languageChoices: [
        {value: "", text: qsTr("Same as the system")},
        {value: "en", text: "English"},
        {value: "zh_CN", text: "简体中文"}
    ]

    function localPath(url) {
        const s = url.toString()
        return s.startsWith("file://") ? decodeURIComponent(s.substring(7)) : s
    }

    FileDialog {
        id: modelFileDialog
        title: qsTr("Choose a model file")
        nameFilters: [qsTr("GGUF models (*.gguf)"), qsTr("All files (*)")]
        onAccepted: settings.modelPath = root.localPath(selectedFile)
    }

    component ChoiceBox: ComboBox {
        id: box
        property var choices: []
        property string value
        signal chosen(string value)
        Layout.fillWidth: true
        model: choices
        textRole: "text"
        valueRole: "value"
        currentIndex: Math.max(0, indexOfValue(value))
        onActivated: chosen(currentValue)
    }

    ScrollView {
        id: scroll
        anchors.fill: parent
        contentWidth: availableWidth

        GridLayout {
            width: scroll.availableWidth
            columns: 2
            columnSpacing: 12
            rowSpacing: 10

            Label { text: qsTr("Model file") }
            RowLayout {
                Layout.fillWidth: true
                TextField {
                    id: modelPathField
                    objectName: "modelPathField"
                    Layout.fillWidth: true
                    text: settings.modelPath
                    placeholderText: qsTr("Path to a .gguf file")
                    selectByMouse: true
                    onEditingFinished: settings.modelPath = text
                }
                Button {
                    text: qsTr("Browse…")
                    onClicked: modelFileDialog.open()
                }
                Button {
                    objectName: "loadModelButton"
                    text: qsTr("Load")
                    enabled: modelPathField.text.length > 0 && !app.generating
                    onClicked: {
                        settings.modelPath = modelPathField.text
                        app.loadModel(modelPathField.text)
                    }
                }
            }

            Label { text: qsTr("Threads") }
            SpinBox {
                objectName: "threadsBox"
                from: 0
                to: 256
                editable: true
                value: settings.threads
                textFromValue: (v, locale) => v === 0 ? qsTr("Automatic") : Number(v).toLocaleString(locale, "f", 0)
                valueFromText: (text, locale) => text === qsTr("Automatic") ? 0 : Number.fromLocaleString(locale, text)
                onValueModified: settings.threads = value
            }

            Label { text: qsTr("Context size") }
            SpinBox {
                objectName: "contextBox"
                from: 0
                to: 131072
                stepSize: 1024
                editable: true
                value: settings.contextSize
                textFromValue: (v, locale) => v === 0 ? qsTr("Model default") : Number(v).toLocaleString(locale, "f", 0)
                valueFromText: (text, locale) => text === qsTr("Model default") ? 0 : Number.fromLocaleString(locale, text)
                onValueModified: settings.contextSize = value
            }

            Label { text: qsTr("Device") }
            ChoiceBox {
                objectName: "deviceBox"
                choices: root.deviceChoices
                value: settings.device
                onChosen: v => settings.device = v
            }

            Label { text: qsTr("KV cache") }
            ChoiceBox {
                objectName: "kvCacheBox"
                choices: root.kvCacheChoices
                value: settings.kvCache
                onChosen: v => settings.kvCache = v
                ToolTip.visible: hovered
                ToolTip.delay: 600
                ToolTip.text: qsTr("How the processor keeps the conversation's memory; applies the next time a model loads. The GPU always uses 16 bits.")
            }

            Label { text: qsTr("Saved memory") }
            RowLayout {
                id: savedMemoryRow
                property double usedBytes: 0
                function refresh() { usedBytes = app.savedMemoryBytes() }
                Component.onCompleted: refresh()
                Connections {
                    target: root
                    function onOpened() { savedMemoryRow.refresh() }
                }
                SpinBox {
                    objectName: "savedMemoryBox"
                    from: 0
                    to: 256
                    value: settings.savedMemoryGb
                    textFromValue: (v, locale) => v === 0 ? qsTr("Off") : qsTr("%1 GB").arg(v)
                    valueFromText: (text, locale) => text === qsTr("Off") ? 0 : parseInt(text)
                    onValueModified: settings.savedMemoryGb = value
                    ToolTip.visible: hovered
                    ToolTip.delay: 600
                    ToolTip.text: qsTr("A document the model has read is kept on disk, so that after a restart, or in another chat with the same document, it is not read again. Applies the next time a model loads.")
                }
                Label {
                    objectName: "savedMemoryUsed"
                    opacity: 0.8
                    text: qsTr("%1 MB in use").arg((savedMemoryRow.usedBytes / 1e6).toFixed(0))
                }
                Button {
                    objectName: "clearSavedMemoryButton"
                    text: qsTr("Clear")
                    enabled: savedMemoryRow.usedBytes > 0
                    onClicked: {
                        app.clearSavedMemory()
                        savedMemoryRow.refresh()
                    }
                }
            }

            Label {
                text: qsTr("API server")
                Layout.alignment: Qt.AlignTop
                visible: apiSection.visible
            }
            ColumnLayout {
                id: apiSection
                // The OpenAI-compatible server (app/api); absent in some tests.
                readonly property bool haveApi: typeof api !== "undefined" && api !== null
                visible: haveApi
                Layout.fillWidth: true
                CheckBox {
                    objectName: "apiEnabledBox"
                    text: qsTr("Let other programs use the model (OpenAI-compatible API)")
                    checked: settings.apiEnabled
                    onToggled: settings.apiEnabled = checked
                    Layout.fillWidth: true
                    Layout.preferredWidth: 200
                }
                RowLayout {
                    Label { text: qsTr("Port") }
                    SpinBox {
                        objectName: "apiPortBox"
                        from: 1024
                        to: 65535
                        editable: true
                        value: settings.apiPort
                        textFromValue: (v, locale) => String(v)
                        valueFromText: (text, locale) => parseInt(text)
                        onValueModified: settings.apiPort = value
                    }
                }
                RowLayout {
                    visible: settings.apiEnabled
                    Layout.fillWidth: true
                    Label { text: qsTr("Address") }
                    TextField {
                        objectName: "apiAddressField"
                        readOnly: true
                        selectByMouse: true
                        Layout.fillWidth: true
                        Layout.preferredWidth: 200
                        text: apiSection.haveApi ? api.baseUrl : ""
                    }
                }
                RowLayout {
                    visible: settings.apiEnabled
                    Layout.fillWidth: true
                    Label { text: qsTr("Key") }
                    TextField {
                        objectName: "apiTokenField"
                        readOnly: true
                        selectByMouse: true
                        Layout.fillWidth: true
                        Layout.preferredWidth: 200
                        text: settings.apiToken
                    }
                    Button {
                        objectName: "apiCopyTokenButton"
                        text: qsTr("Copy")
                        onClicked: app.copyToClipboard(settings.apiToken)
                    }
                    Button {
                        objectName: "apiNewTokenButton"
                        text: qsTr("New key")
                        ToolTip.visible: hovered
                        ToolTip.delay: 600
                        ToolTip.text: qsTr("Programs using the old key are refused from now on.")
                        onClicked: settings.apiToken = ""
                    }
                }
                CheckBox {
                    objectName: "apiNetworkBox"
                    visible: settings.apiEnabled
                    text: qsTr("Allow other computers on the network")
                    checked: settings.apiAllowNetwork
                    onToggled: settings.apiAllowNetwork = checked
                }
                Label {
                    objectName: "apiWarning"
                    Layout.fillWidth: true
                    Layout.preferredWidth: 200
                    wrapMode: Text.Wrap
                    visible: settings.apiEnabled && (settings.apiAllowNetwork || (apiSection.haveApi && api.error !== ""))
                    color: "#c0392b"
                    text: apiSection.haveApi && api.error !== ""
                          ? api.error
                          : qsTr("Anyone on your network who has the key can use the model, and what they send is not encrypted. Turn this on only on a network you trust.")
                }
            }

            Label {
                text: qsTr("Remote engine")
                Layout.alignment: Qt.AlignTop
                visible: remoteSection.visible
            }
            ColumnLayout {
                id: remoteSection
                // An OpenAI-compatible server chats can run on (app/remote); absent in some tests.
                readonly property bool haveRemote: typeof remote !== "undefined" && remote !== null
                visible: haveRemote
                Layout.fillWidth: true
                RowLayout {
                    Layout.fillWidth: true
                    TextField {
                        id: remoteUrlField
                        objectName: "remoteUrlField"
                        Layout.fillWidth: true
                        Layout.preferredWidth: 200
                        selectByMouse: true
                        placeholderText: qsTr("Server address, like http://gpu-box:8000/v1")
                        text: remoteSection.haveRemote ? remote.baseUrl : ""
                    }
                    TextField {
                        id: remoteKeyField
                        objectName: "remoteKeyField"
                        Layout.preferredWidth: 160
                        echoMode: TextInput.Password
                        placeholderText: remoteSection.haveRemote && remote.hasKey ? qsTr("Key saved") : qsTr("API key (optional)")
                    }
                    Button {
                        objectName: "remoteConnectButton"
                        text: qsTr("Connect")
                        enabled: remoteSection.haveRemote && !remote.busy && remoteUrlField.text.length > 0
                        onClicked: remote.connectTo(remoteUrlField.text, remoteKeyField.text)
                    }
                }
                RowLayout {
                    visible: remoteSection.haveRemote && remote.models.length > 0
                    Label { text: qsTr("Model") }
                    ComboBox {
                        objectName: "remoteModelBox"
                        Layout.fillWidth: true
                        Layout.preferredWidth: 200
                        model: remoteSection.haveRemote ? remote.models : []
                        currentIndex: remoteSection.haveRemote ? remote.models.indexOf(remote.model) : -1
                        onActivated: index => remote.chooseModel(remote.models[index])
                    }
                    Button {
                        objectName: "remoteForgetButton"
                        text: qsTr("Forget")
                        onClicked: remote.forget()
                    }
                }
                Label {
                    objectName: "remoteStatus"
                    Layout.fillWidth: true
                    Layout.preferredWidth: 200
                    wrapMode: Text.Wrap
                    opacity: 0.8
                    visible: text.length > 0
                    text: remoteSection.haveRemote ? remote.statusText : ""
                }
                Label {
                    Layout.fillWidth: true
                    Layout.preferredWidth: 200
                    wrapMode: Text.Wrap
                    opacity: 0.7
                    text: qsTr("A chat set to the server (in the status bar) sends its messages and documents there: they leave this computer.")
                }
            }

            Label { text: qsTr("Sampling") }
            ChoiceBox {
                objectName: "presetBox"
                choices: root.presetChoices
                value: settings.samplingPreset
                onChosen: v => settings.samplingPreset = v
            }

            Label {
                text: qsTr("System prompt")
                Layout.alignment: Qt.AlignTop
            }
            TextArea {
                objectName: "systemPromptField"
                Layout.fillWidth: true
                Layout.preferredHeight: 96
                wrapMode: TextEdit.Wrap
                selectByMouse: true
                text: settings.systemPrompt
                placeholderText: qsTr("Instructions given to the model at the start of every new chat")
                onEditingFinished: settings.systemPrompt = text
            }

            Label { text: qsTr("Theme") }
            ChoiceBox {
                objectName: "themeBox"
                choices: root.themeChoices
                value: settings.theme
                onChosen: v => settings.theme = v
            }

            Label { text: qsTr("Language") }
            ChoiceBox {
                objectName: "languageBox"
                choices: root.languageChoices
                value: settings.language
                onChosen: v => settings.language = v
            }

            Label { text: qsTr("Font size") }
            SpinBox {
                objectName: "fontSizeBox"
                from: 7
                to: 32
                value: settings.fontSize > 0 ? settings.fontSize : Qt.application.font.pointSize
                onValueModified: settings.fontSize = value
            }

            Label {
                Layout.columnSpan: 2
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                opacity: 0.7
                text: qsTr("Threads, context size and device apply the next time a model is loaded.")
            }
        }
    }
}
