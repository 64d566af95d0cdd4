import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Lagrum

// Unlock the profile with the lösenfras. Argon2id runs on the core's thread; the busy
// overlay in Main shows meanwhile.
Item {
    id: page
    objectName: "unlockPage"
    Component.onCompleted: passphraseField.forceActiveFocus()

    ColumnLayout {
        anchors.centerIn: parent
        width: Math.min(parent.width - 48, 520)
        spacing: 2 * Theme.spacing

        Label {
            text: qsTr("Unlock Lagrum")
            font.pixelSize: 24
            font.bold: true
            color: Theme.text
            Accessible.role: Accessible.Heading
            Accessible.name: text
        }
        Label {
            text: qsTr("Profile: %1").arg(app.profileDir)
            color: Theme.muted
            wrapMode: Text.WrapAnywhere
            Layout.fillWidth: true
        }
        Label {
            id: passLabel
            text: qsTr("Passphrase")
            color: Theme.text
        }
        TextField {
            id: passphraseField
            objectName: "passphraseField"
            echoMode: TextInput.Password
            placeholderText: qsTr("Your passphrase")
            Layout.fillWidth: true
            Accessible.name: passLabel.text
            enabled: !app.busy
            onAccepted: unlockButton.clicked()
            KeyNavigation.tab: unlockButton
        }
        Button {
            id: unlockButton
            objectName: "unlockButton"
            text: qsTr("Unlock")
            highlighted: true
            enabled: !app.busy
            Accessible.name: text
            onClicked: {
                app.unlock(passphraseField.text)
                passphraseField.clear()
            }
        }
        StatusBanner {
            objectName: "unlockError"
            kind: "error"
            text: app.error
            Layout.fillWidth: true
        }
    }
}
