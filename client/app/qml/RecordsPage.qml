import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Lagrum

// Records: the consent register (list, add with the signed document, withdraw; closing a
// case) and the disclosure log (its entries, verification of the chain on the worker
// thread, export as JSON or PDF). Every action is an app.* call over the core.
Item {
    id: page
    objectName: "recordsPage"
    readonly property var rec: app.records

    Component.onCompleted: app.refreshRecords()

    TabBar {
        id: tabs
        objectName: "recordsTabs"
        anchors.left: parent.left
        anchors.right: parent.right
        Accessible.name: qsTr("Records")
        PageTab {
            objectName: "consentTab"
            text: qsTr("Consent register")
            width: implicitWidth
            Accessible.name: text
        }
        PageTab {
            objectName: "logTab"
            text: qsTr("Disclosure log")
            width: implicitWidth
            Accessible.name: text
        }
        PageTab {
            objectName: "verifyTab"
            text: qsTr("Verify a contact")
            width: implicitWidth
            Accessible.name: text
        }
        PageTab {
            objectName: "handoverTab"
            text: qsTr("Handover")
            width: implicitWidth
            Accessible.name: qsTr("Case handover")
        }
    }

    ColumnLayout {
        id: banner
        anchors.top: tabs.bottom
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.margins: Theme.spacing
        visible: app.error.length > 0 || app.notice.length > 0
        StatusBanner {
            objectName: "recordsError"
            kind: "error"
            text: app.error
            closable: true
            onClosed: app.clearError()
            Layout.fillWidth: true
        }
        StatusBanner {
            objectName: "recordsNotice"
            kind: "ok"
            text: app.notice
            closable: true
            onClosed: app.clearNotice()
            Layout.fillWidth: true
        }
    }

    StackLayout {
        anchors.top: banner.visible ? banner.bottom : tabs.bottom
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.margins: Theme.spacing
        currentIndex: tabs.currentIndex

        // ---- The consent register.
        ScrollView {
            id: consentScroll
            contentWidth: availableWidth
            clip: true
            ColumnLayout {
                width: consentScroll.availableWidth
                spacing: Theme.spacing

                SectionTitle { text: qsTr("Consents") }
                Label {
                    visible: page.rec.consentCount === 0
                    text: qsTr("The register is empty.")
                    color: Theme.muted
                }
                Label {
                    objectName: "consentChange"
                    visible: page.rec.lastChange.length > 0
                    text: "ℹ " + page.rec.lastChange
                    color: Theme.text
                    wrapMode: Text.Wrap
                    Layout.fillWidth: true
                }
                Repeater {
                    objectName: "consentRepeater"
                    model: page.rec.consents
                    delegate: Rectangle {
                        id: consentRow
                        required property var modelData
                        objectName: "consent_" + modelData.id
                        Layout.fillWidth: true
                        implicitHeight: consentCol.implicitHeight + 2 * Theme.spacing
                        color: Theme.surface
                        border.color: Theme.border
                        radius: 4
                        RowLayout {
                            id: consentCol
                            anchors.fill: parent
                            anchors.margins: Theme.spacing
                            ColumnLayout {
                                Layout.fillWidth: true
                                Label {
                                    objectName: "consentStatus"
                                    // Symbol + word for the status, and a warning for a
                                    // record changed outside Lagrum.
                                    text: (consentRow.modelData.active ? "✔ " : "✖ ")
                                          + consentRow.modelData.statusLabel
                                          + (consentRow.modelData.signatureOk ? ""
                                             : " · ⚠ " + qsTr("signature does not verify: never used"))
                                    color: consentRow.modelData.active ? Theme.ok : Theme.muted
                                    font.bold: true
                                }
                                Label {
                                    text: qsTr("Young person %1 · given by %2 · to %3")
                                          .arg(consentRow.modelData.subject)
                                          .arg(consentRow.modelData.givenBy)
                                          .arg(consentRow.modelData.recipients)
                                    color: Theme.text
                                    wrapMode: Text.Wrap
                                    Layout.fillWidth: true
                                }
                                Label {
                                    text: (consentRow.modelData.purpose.length > 0 ? consentRow.modelData.purpose + " · " : "")
                                          + qsTr("registered %1").arg(consentRow.modelData.givenAt)
                                          + (consentRow.modelData.validUntil.length > 0
                                             ? " · " + qsTr("valid until %1").arg(consentRow.modelData.validUntil) : "")
                                          + (consentRow.modelData.document.length > 0
                                             ? " · " + qsTr("document: %1").arg(consentRow.modelData.document) : "")
                                    color: Theme.muted
                                    wrapMode: Text.Wrap
                                    Layout.fillWidth: true
                                }
                            }
                            Button {
                                objectName: "withdrawButton"
                                visible: consentRow.modelData.status === "given"
                                text: qsTr("Withdraw")
                                Accessible.name: qsTr("Withdraw consent %1").arg(consentRow.modelData.id)
                                onClicked: app.withdrawConsent(consentRow.modelData.id)
                            }
                        }
                    }
                }

                SectionTitle { text: qsTr("Register a consent") }
                GridLayout {
                    columns: 2
                    Layout.fillWidth: true
                    columnSpacing: Theme.spacing
                    Label { text: qsTr("Personnummer"); color: Theme.text }
                    TextField {
                        id: consentSubject
                        objectName: "consentSubjectField"
                        Layout.fillWidth: true
                        placeholderText: qsTr("YYYYMMDD-NNNN")
                        echoMode: activeFocus ? TextInput.Normal : TextInput.Password
                        Accessible.name: qsTr("The young person's personnummer")
                    }
                    Label { text: qsTr("Given by"); color: Theme.text }
                    ComboBox {
                        id: givenBy
                        objectName: "givenByBox"
                        model: [ qsTr("Guardian"), qsTr("The young person") ]
                        Accessible.name: qsTr("Given by")
                        implicitContentWidthPolicy: ComboBox.WidestText
                    }
                    Label { text: qsTr("May be given to"); color: Theme.text }
                    Flow {
                        Layout.fillWidth: true
                        spacing: Theme.spacing
                        Repeater {
                            id: recipientChecks
                            model: [
                                { name: "police", label: qsTr("Police") },
                                { name: "school", label: qsTr("School") },
                                { name: "health_care", label: qsTr("Health care") },
                                { name: "social_services", label: qsTr("Social services") }
                            ]
                            delegate: CheckBox {
                                required property var modelData
                                objectName: "consentTo_" + modelData.name
                                text: modelData.label
                                Accessible.name: qsTr("May be given to %1").arg(text)
                            }
                        }
                    }
                    Label { text: qsTr("Purpose"); color: Theme.text }
                    TextField {
                        id: consentPurpose
                        objectName: "consentPurposeField"
                        Layout.fillWidth: true
                        Accessible.name: qsTr("Purpose")
                    }
                    Label { text: qsTr("Valid until (optional)"); color: Theme.text }
                    TextField {
                        id: consentUntil
                        objectName: "consentUntilField"
                        Layout.fillWidth: true
                        placeholderText: qsTr("YYYY-MM-DD")
                        Accessible.name: qsTr("Valid until")
                    }
                    Label { text: qsTr("Signed document (file)"); color: Theme.text }
                    TextField {
                        id: consentDocument
                        objectName: "consentDocumentField"
                        Layout.fillWidth: true
                        placeholderText: qsTr("/path/to/samtycke.pdf")
                        Accessible.name: qsTr("Signed document (file)")
                    }
                }
                Button {
                    objectName: "addConsentButton"
                    text: qsTr("Register the consent")
                    highlighted: true
                    Accessible.name: text
                    onClicked: {
                        const to = []
                        for (let i = 0; i < recipientChecks.count; ++i) {
                            const c = recipientChecks.itemAt(i)
                            if (c && c.checked) to.push(c.modelData.name)
                        }
                        app.addConsent(consentSubject.text, givenBy.currentIndex === 0 ? "guardian" : "subject",
                                       to, consentPurpose.text, consentUntil.text, consentDocument.text)
                    }
                }

                SectionTitle { text: qsTr("Close the case") }
                Label {
                    text: qsTr("When the social-services case closes, every consent about the young person ends and queued messages that rested on them are held.")
                    color: Theme.muted
                    wrapMode: Text.Wrap
                    Layout.fillWidth: true
                }
                RowLayout {
                    Layout.fillWidth: true
                    TextField {
                        id: caseSubject
                        objectName: "caseSubjectField"
                        Layout.fillWidth: true
                        placeholderText: qsTr("Personnummer (YYYYMMDD-NNNN)")
                        echoMode: activeFocus ? TextInput.Normal : TextInput.Password
                        Accessible.name: qsTr("Personnummer of the case to close")
                    }
                    Button {
                        objectName: "closeCaseButton"
                        text: qsTr("Close the case")
                        Accessible.name: text
                        onClicked: {
                            app.closeCase(caseSubject.text)
                            caseSubject.text = ""
                        }
                    }
                }
                Item { implicitHeight: Theme.spacing }
            }
        }

        // ---- The disclosure log.
        ColumnLayout {
            spacing: Theme.spacing
            RowLayout {
                Layout.fillWidth: true
                Button {
                    objectName: "verifyLogButton"
                    text: qsTr("Verify the log")
                    highlighted: true
                    enabled: !page.rec.verifying
                    Accessible.name: text
                    onClicked: app.verifyLog()
                }
                BusyIndicator {
                    visible: page.rec.verifying
                    running: page.rec.verifying
                    implicitWidth: 32
                    implicitHeight: 32
                    Accessible.name: qsTr("Verifying")
                }
                Label {
                    objectName: "logVerification"
                    Layout.fillWidth: true
                    text: page.rec.verifying ? qsTr("Checking every hash and signature…")
                          : page.rec.verification === "ok" ? "✔ " + page.rec.verificationText
                          : page.rec.verification === "broken" ? "✖ " + page.rec.verificationText
                          : qsTr("Not verified yet. %n entries.", "", page.rec.entryCount)
                    color: page.rec.verification === "ok" ? Theme.ok
                         : page.rec.verification === "broken" ? Theme.bad : Theme.text
                    font.bold: page.rec.verification.length > 0
                    wrapMode: Text.Wrap
                    Accessible.role: Accessible.AlertMessage
                    Accessible.name: text
                }
            }
            RowLayout {
                Layout.fillWidth: true
                TextField {
                    id: logPath
                    objectName: "logExportPathField"
                    Layout.fillWidth: true
                    text: app.defaultLogPath(logFormat.currentIndex === 0 ? "pdf" : "json")
                    Accessible.name: qsTr("Export file")
                }
                ComboBox {
                    id: logFormat
                    objectName: "logFormatBox"
                    model: [ "PDF", "JSON" ]
                    Accessible.name: qsTr("Export format")
                }
                Button {
                    objectName: "exportLogButton"
                    text: qsTr("Export")
                    enabled: !page.rec.exporting
                    Accessible.name: qsTr("Export the log")
                    onClicked: app.exportLog(logPath.text, logFormat.currentIndex === 0 ? "pdf" : "json")
                }
            }
            Label {
                objectName: "logExportResult"
                visible: page.rec.exporting || page.rec.exportedPath.length > 0
                text: page.rec.exporting ? qsTr("Exporting… you can keep working.")
                                         : "✔ " + qsTr("Saved %1").arg(page.rec.exportedPath)
                color: page.rec.exporting ? Theme.text : Theme.ok
                wrapMode: Text.WrapAnywhere
                Layout.fillWidth: true
            }
            // The entries as the export prints them; the first bad entry is marked with a
            // symbol and a word, not only a colour.
            ListView {
                id: logList
                objectName: "logList"
                Layout.fillWidth: true
                Layout.fillHeight: true
                clip: true
                model: page.rec.entries
                activeFocusOnTab: true
                keyNavigationEnabled: true
                Accessible.role: Accessible.Table
                Accessible.name: qsTr("Disclosure log")
                header: RowLayout {
                    width: logList.width
                    spacing: Theme.spacing
                    Repeater {
                        model: page.rec.entryHeader
                        delegate: Label {
                            required property string modelData
                            required property int index
                            text: modelData
                            font.bold: true
                            color: Theme.text
                            Layout.preferredWidth: page.columnWidth(index, logList.width)
                        }
                    }
                }
                delegate: Rectangle {
                    id: entryRow
                    required property var modelData
                    required property int index
                    width: logList.width
                    implicitHeight: entryCells.implicitHeight + 6
                    color: modelData.bad ? Theme.surface : index % 2 ? Theme.surface : Theme.background
                    border.width: modelData.bad ? 2 : (ListView.isCurrentItem && logList.activeFocus ? 2 : 0)
                    border.color: modelData.bad ? Theme.bad : Theme.accent
                    Accessible.role: Accessible.Row
                    Accessible.name: (modelData.bad ? qsTr("First bad entry") + ": " : "") + modelData.cells.join(", ")
                    RowLayout {
                        id: entryCells
                        anchors.fill: parent
                        anchors.margins: 3
                        spacing: Theme.spacing
                        Repeater {
                            model: entryRow.modelData.cells
                            delegate: Label {
                                required property string modelData
                                required property int index
                                text: (index === 0 && entryRow.modelData.bad ? "✖ " : "") + modelData
                                      + (index === 0 && entryRow.modelData.bad ? "\n" + qsTr("first bad entry") : "")
                                color: entryRow.modelData.bad && index === 0 ? Theme.bad : Theme.text
                                font.bold: entryRow.modelData.bad && index === 0
                                wrapMode: Text.Wrap
                                Layout.preferredWidth: page.columnWidth(index, logList.width)
                                Layout.alignment: Qt.AlignTop
                            }
                        }
                    }
                }
            }
        }
    
        // ---- Contact verification: the safety number, read aloud or scanned.
        ColumnLayout {
            spacing: Theme.spacing
            Label {
                text: qsTr("Compare the safety number with your contact in person or by phone. If the digits differ, do not send: someone may be in between.")
                color: Theme.text
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
            RowLayout {
                ComboBox {
                    id: contactBox
                    objectName: "contactBox"
                    model: app.compose.memberChoices
                    textRole: "label"
                    valueRole: "address"
                    // The list is rebuilt when a mark changes (its badges): keep the contact
                    // whose safety number is on screen chosen, never show another's name
                    // beside it.
                    property string chosen: ""
                    onActivated: (index) => chosen = valueAt(index)
                    onModelChanged: if (chosen.length > 0) Qt.callLater(() => currentIndex = indexOfValue(chosen))
                    Layout.preferredWidth: 360
                    Accessible.name: qsTr("Contact")
                }
                Button {
                    objectName: "showSafetyButton"
                    text: qsTr("Show the safety number")
                    highlighted: true
                    enabled: contactBox.currentIndex >= 0
                    Accessible.name: text
                    onClicked: {
                        contactBox.chosen = contactBox.currentValue
                        app.showSafetyNumber(contactBox.chosen)
                    }
                }
            }
            Label {
                visible: page.rec.safetyGroups.length > 0
                text: qsTr("Safety number with %1").arg(page.rec.safetyContact)
                font.bold: true
                color: Theme.text
            }
            Label {
                objectName: "safetyDigits"
                visible: page.rec.safetyGroups.length > 0
                text: {
                    const g = page.rec.safetyGroups
                    let out = ""
                    for (let i = 0; i < g.length; ++i) out += g[i] + (i % 4 === 3 ? "\n" : " ")
                    return out.trim()
                }
                font.family: "monospace"
                font.pixelSize: 20
                color: Theme.text
                Accessible.role: Accessible.StaticText
                Accessible.name: qsTr("Safety number: %1").arg(page.rec.safetyGroups.join(" "))
            }
            // Marking: bound to the device keys the number was made from (the digits shown
            // go along, so a number that changed meanwhile is refused).
            RowLayout {
                visible: page.rec.safetyGroups.length > 0
                spacing: Theme.spacing
                Button {
                    objectName: "markVerifiedButton"
                    text: qsTr("Mark as verified")
                    highlighted: enabled
                    enabled: !page.rec.safetyVerified && !app.busy
                    Accessible.name: text
                    Accessible.description: qsTr("Only after you compared the digits with %1 in person or by phone and they were the same.").arg(page.rec.safetyContact)
                    onClicked: app.markVerified(page.rec.safetyContact, page.rec.safetyGroups.join(" "))
                }
                Button {
                    objectName: "unmarkVerifiedButton"
                    text: qsTr("Remove the mark")
                    enabled: (page.rec.safetyVerified || page.rec.safetyVerificationLost) && !app.busy
                    Accessible.name: qsTr("Remove the verified mark")
                    onClicked: app.unmarkVerified(page.rec.safetyContact)
                }
            }
            Label {
                objectName: "safetyVerifiedState"
                visible: page.rec.safetyGroups.length > 0
                // A symbol and words, never colour alone.
                text: page.rec.safetyVerified
                      ? "✔ " + qsTr("Verified: you compared this safety number with %1.").arg(page.rec.safetyContact)
                      : page.rec.safetyVerificationLost
                        ? "⚠ " + qsTr("No longer verified: the device keys of %1 changed after you compared the number. Compare it again.").arg(page.rec.safetyContact)
                        : "○ " + qsTr("Not verified.")
                color: Theme.text
                font.bold: page.rec.safetyVerificationLost
                wrapMode: Text.Wrap
                Layout.fillWidth: true
                Accessible.role: Accessible.StaticText
                Accessible.name: text
            }
            Image {
                objectName: "safetyQr"
                visible: page.rec.safetyPayload.length > 0
                source: page.rec.safetyPayload.length > 0 ? "image://qr/" + encodeURIComponent(page.rec.safetyPayload) : ""
                sourceSize.width: 264
                sourceSize.height: 264
                fillMode: Image.Pad
                cache: false
                Accessible.role: Accessible.Graphic
                Accessible.name: qsTr("QR code of the safety number")
            }
            SectionTitle { text: qsTr("Contacts") }
            Repeater {
                model: app.compose.memberChoices
                delegate: Label {
                    required property var modelData
                    objectName: "contactState_" + modelData.address
                    text: modelData.label + "  " + (modelData.verified
                          ? "✔ " + qsTr("Verified")
                          : modelData.verificationLost ? "⚠ " + qsTr("No longer verified")
                                                       : "○ " + qsTr("Not verified"))
                    color: Theme.text
                    Accessible.role: Accessible.StaticText
                    Accessible.name: text
                }
            }
            Item { Layout.fillHeight: true }
        }

        // ---- The handover wizard and the past handovers (HandoverPage.qml).
        HandoverPage {}
    }

    // No., time, event, by, to, categories, basis.
    function columnWidth(i, w) {
        const parts = [0.06, 0.12, 0.22, 0.16, 0.16, 0.12, 0.16]
        return Math.max(40, (w - 6 * Theme.spacing) * (parts[i] || 0.1))
    }

    component SectionTitle: Label {
        font.bold: true
        font.pixelSize: 16
        color: Theme.text
        topPadding: Theme.spacing
        Accessible.role: Accessible.Heading
        Accessible.name: text
    }

    // The Basic style paints unselected tabs in palette.dark (our accent) and the
    // selected one plain, so they looked inverted; as in Main.qml's section tabs, the
    // selected tab is bold, on the selection colour, with an accent underline (WCAG 1.4.1).
    component PageTab: TabButton {
        id: pageTab
        font.bold: checked
        contentItem: Label {
            text: pageTab.text
            font: pageTab.font
            color: Theme.text
            horizontalAlignment: Text.AlignHCenter
            verticalAlignment: Text.AlignVCenter
        }
        background: Rectangle {
            implicitHeight: 40
            color: pageTab.checked ? Theme.selection : pageTab.down ? Theme.background : Theme.surface
            border.width: pageTab.visualFocus ? 2 : 0
            border.color: Theme.focusRing
            Rectangle {
                visible: pageTab.checked
                anchors.left: parent.left
                anchors.right: parent.right
                anchors.bottom: parent.bottom
                height: 3
                color: Theme.accent
            }
        }
    }
}
