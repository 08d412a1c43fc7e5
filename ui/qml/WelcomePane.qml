// Shown while the conversation is empty: a greeting, or how to get a model when none is loaded.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

ColumnLayout {
    id: root
    spacing: 12
    signal settingsRequested()

    Label {
        Layout.fillWidth: true
        horizontalAlignment: Text.AlignHCenter
        text: app.modelReady ? qsTr("What can I help you with?") : qsTr("Welcome to Folio")
        font.pointSize: Qt.application.font.pointSize * 1.6
        font.bold: true
        wrapMode: Text.Wrap
    }
    Label {
        objectName: "welcomeText"
        Layout.fillWidth: true
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.Wrap
        opacity: 0.8
        textFormat: Text.StyledText
        text: app.modelReady && app.conversationEngine === "remote"
              ? qsTr("This chat runs on %1 (%2): your messages and documents are sent there. Conversations are stored only here.").arg(app.modelName).arg(app.deviceName)
              : app.modelReady
              ? qsTr("Everything stays on this computer: the model runs locally and your conversations are stored only here.")
              : qsTr("No model is loaded yet. Folio runs language models in the GGUF format on this computer.<br><br>"
                     + "1. Download a GGUF model, for example <b>Qwen2.5-Coder-0.5B-Instruct (Q4_K_M)</b>.<br>"
                     + "2. Open <b>Settings</b> and choose the file, or put it at<br><tt>%1</tt>")
                .arg("~/.local/share/folio/models/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf")
    }
    Button {
        objectName: "welcomeSettingsButton"
        Layout.alignment: Qt.AlignHCenter
        visible: !app.modelReady
        text: qsTr("Choose a model…")
        highlighted: true
        onClicked: root.settingsRequested()
    }
}
