import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Lagrum

// First run: create the profile (relay address, organisations' trust anchors, a new
// lösenfras), then import the member certificate the organisation issued for this
// device's key.
Item {
    id: page
    objectName: "setupPage"
    readonly property bool certificateStep: app.screen === "certificate"

    ScrollView {
        anchors.fill: parent
        contentWidth: availableWidth
        ColumnLayout {
            width: Math.min(page.width - 48, 640)
            x: (page.width - width) / 2
            spacing: 2 * Theme.spacing

            Item { Layout.preferredHeight: 16 }
            Label {
                text: page.certificateStep ? qsTr("Import your member certificate")
                                           : qsTr("Create your Lagrum profile")
                font.pixelSize: 24
                font.bold: true
                color: Theme.text
                Accessible.role: Accessible.Heading
                Accessible.name: text
            }
            Label {
                text: page.certificateStep
                      ? qsTr("Your organisation issues a member certificate for this device's key. Import the file they give you.")
                      : qsTr("The profile is stored encrypted in %1. Choose a passphrase that only you know.").arg(app.profileDir)
                color: Theme.muted
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }

            // Step 1: the profile.
            ColumnLayout {
                visible: !page.certificateStep
                spacing: Theme.spacing
                Layout.fillWidth: true
                Label { id: relayLabel; text: qsTr("Relay address"); color: Theme.text }
                TextField {
                    id: relayField
                    objectName: "relayField"
                    placeholderText: qsTr("unix:/path/to/relay.sock or host:port")
                    Layout.fillWidth: true
                    Accessible.name: relayLabel.text
                }
                Label { id: trustLabel; text: qsTr("Trust anchor files (one per line)"); color: Theme.text }
                TextArea {
                    id: trustField
                    objectName: "trustField"
                    placeholderText: qsTr("/path/to/anchor.txtpb")
                    Layout.fillWidth: true
                    Layout.preferredHeight: 80
                    Accessible.name: trustLabel.text
                    KeyNavigation.priority: KeyNavigation.BeforeItem
                    KeyNavigation.tab: newPass
                }
                Label { id: newPassLabel; text: qsTr("New passphrase"); color: Theme.text }
                TextField {
                    id: newPass
                    objectName: "newPassphraseField"
                    echoMode: TextInput.Password
                    Layout.fillWidth: true
                    Accessible.name: newPassLabel.text
                }
                Label { id: repeatLabel; text: qsTr("Repeat the passphrase"); color: Theme.text }
                TextField {
                    id: repeatPass
                    objectName: "repeatPassphraseField"
                    echoMode: TextInput.Password
                    Layout.fillWidth: true
                    Accessible.name: repeatLabel.text
                }
                Button {
                    objectName: "createProfileButton"
                    text: qsTr("Create profile")
                    highlighted: true
                    enabled: !app.busy
                    Accessible.name: text
                    onClicked: {
                        app.createProfile(newPass.text, repeatPass.text, relayField.text, trustField.text)
                        newPass.clear()
                        repeatPass.clear()
                    }
                }
            }

            // Step 2: the certificate.
            ColumnLayout {
                visible: page.certificateStep
                spacing: Theme.spacing
                Layout.fillWidth: true
                Label { id: keyLabel; text: qsTr("This device's key (give it to your organisation)"); color: Theme.text }
                TextField {
                    objectName: "deviceKeyField"
                    text: app.deviceKey
                    readOnly: true
                    selectByMouse: true
                    font.family: "monospace"
                    Layout.fillWidth: true
                    Accessible.name: keyLabel.text
                }
                Label { id: certLabel; text: qsTr("Certificate file"); color: Theme.text }
                TextField {
                    id: certField
                    objectName: "certificateField"
                    placeholderText: qsTr("/path/to/member.cert")
                    Layout.fillWidth: true
                    Accessible.name: certLabel.text
                    onAccepted: importButton.clicked()
                }
                Button {
                    id: importButton
                    objectName: "importCertificateButton"
                    text: qsTr("Import certificate")
                    highlighted: true
                    enabled: !app.busy
                    Accessible.name: text
                    onClicked: app.importCertificate(certField.text)
                }
            }
            StatusBanner { kind: "ok"; text: app.notice; Layout.fillWidth: true }
            StatusBanner { objectName: "setupError"; kind: "error"; text: app.error; Layout.fillWidth: true }
        }
    }
}
