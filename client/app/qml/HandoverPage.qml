import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Lagrum

// The handover wizard (Records → Handover), as `lagrum handover`: 1. the young person
// (personnummer checked as it is typed, masked after entry), 2. the successor, a colleague
// of the same organisation, 3. what will be handed over, then confirm; the handover runs
// on the worker thread with its phases shown, then the result. Below: the past handovers
// with their state and each received bundle's verification. Every action is app.handover.*.
ScrollView {
    id: page
    objectName: "handoverPage"
    readonly property var ho: app.handover
    property bool editingSubject: true
    contentWidth: availableWidth
    clip: true

    Component.onCompleted: ho.refresh()
    onVisibleChanged: if (visible) ho.refresh()

    ColumnLayout {
        width: page.availableWidth
        spacing: Theme.spacing

        SectionTitle { text: qsTr("Hand over a case") }
        Label {
            text: qsTr("The successor, a colleague in your organisation, joins the case's rooms and receives its messages, log entries and consents in a signed bundle. You leave the rooms when the successor has verified it.")
            color: Theme.text
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
        Label {
            objectName: "handoverStepLabel"
            text: qsTr("Step %1 of 4").arg(Math.min(page.ho.step, 3) + 1)
            color: Theme.muted
            Accessible.role: Accessible.StaticText
            Accessible.name: text
        }
        StatusBanner {
            objectName: "handoverError"
            kind: "error"
            text: page.ho.error
            Layout.fillWidth: true
        }

        // ---- 1. The young person.
        ColumnLayout {
            visible: page.ho.step === 0
            Layout.fillWidth: true
            SectionTitle { text: qsTr("1. The young person") }
            Label { id: hoSubjectLabel; text: qsTr("Personnummer or samordningsnummer"); color: Theme.text }
            RowLayout {
                Layout.fillWidth: true
                TextField {
                    id: hoSubjectField
                    objectName: "handoverSubjectField"
                    visible: page.editingSubject
                    placeholderText: qsTr("YYYYMMDD-NNNN")
                    inputMethodHints: Qt.ImhSensitiveData | Qt.ImhNoPredictiveText
                    Layout.fillWidth: true
                    Accessible.name: hoSubjectLabel.text
                    Accessible.description: hoSubjectMessage.text
                    text: page.ho.subject
                    onTextEdited: page.ho.subject = text
                    // After entry the number is shown masked.
                    onEditingFinished: if (page.ho.subjectState === "valid") page.editingSubject = false
                }
                Button {
                    objectName: "handoverMaskedSubject"
                    visible: !page.editingSubject
                    text: page.ho.subjectMasked + "  ✎ " + qsTr("Change")
                    Accessible.name: qsTr("Personnummer (hidden). Change")
                    onClicked: { page.editingSubject = true; hoSubjectField.forceActiveFocus() }
                    Layout.fillWidth: true
                }
            }
            Label {
                id: hoSubjectMessage
                objectName: "handoverSubjectMessage"
                text: (page.ho.subjectState === "valid" ? "✔ " : page.ho.subjectState === "invalid" ? "✖ " : "")
                      + page.ho.subjectMessage
                color: page.ho.subjectState === "invalid" ? Theme.bad
                     : page.ho.subjectState === "valid" ? Theme.ok : Theme.muted
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
            Button {
                objectName: "handoverNext1"
                text: qsTr("Next")
                highlighted: enabled
                enabled: page.ho.subjectState === "valid"
                Accessible.name: qsTr("Next: choose the successor")
                onClicked: { page.editingSubject = false; page.ho.next() }
            }
        }

        // ---- 2. The successor.
        ColumnLayout {
            visible: page.ho.step === 1
            Layout.fillWidth: true
            SectionTitle { text: qsTr("2. The successor") }
            Label {
                text: qsTr("Young person: %1").arg(page.ho.subjectMasked)
                color: Theme.text
            }
            Label {
                visible: page.ho.successorChoices.length === 0
                text: qsTr("No colleague from your organisation shares a room with you yet.")
                color: Theme.text
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
            ComboBox {
                id: successorBox
                objectName: "handoverSuccessorBox"
                model: page.ho.successorChoices
                textRole: "label"
                valueRole: "address"
                function sync() { currentIndex = indexOfValue(page.ho.successor) }
                // Follows the model both ways: a successor chosen elsewhere (Back from the
                // summary, a restart) shows here too.
                readonly property string chosen: page.ho.successor
                onChosenChanged: sync()
                onModelChanged: sync()
                Component.onCompleted: sync()
                displayText: currentIndex < 0 ? qsTr("Choose a colleague") : currentText
                onActivated: (index) => page.ho.successor = valueAt(index)
                Layout.preferredWidth: 420
                Accessible.name: qsTr("Successor")
            }
            RowLayout {
                Button {
                    objectName: "handoverBack2"
                    text: qsTr("Back")
                    enabled: !page.ho.working
                    Accessible.name: text
                    onClicked: page.ho.back()
                }
                Button {
                    objectName: "handoverNext2"
                    text: qsTr("Next")
                    highlighted: enabled
                    enabled: page.ho.successor.length > 0 && !page.ho.working
                    Accessible.name: qsTr("Next: what will be handed over")
                    onClicked: page.ho.next()
                }
            }
        }

        // ---- 3. What will be handed over, and confirm.
        ColumnLayout {
            visible: page.ho.step === 2
            Layout.fillWidth: true
            SectionTitle { text: qsTr("3. What will be handed over") }
            Label {
                objectName: "handoverSummary"
                text: qsTr("Young person: %1").arg(page.ho.subjectMasked) + "\n"
                      + qsTr("Successor: %1").arg(page.ho.successorLabel) + "\n"
                      + qsTr("Rooms the successor joins: %1").arg(page.ho.rooms.length > 0 ? page.ho.rooms.join(", ") : qsTr("none")) + "\n"
                      + qsTr("Direct conversations (history only): %1").arg(page.ho.direct.length > 0 ? page.ho.direct.join(", ") : qsTr("none")) + "\n"
                      + qsTr("Messages: %1").arg(page.ho.messages) + "\n"
                      + qsTr("Disclosure log entries: %1").arg(page.ho.logEntries) + "\n"
                      + qsTr("Consents: %1").arg(page.ho.consents)
                color: Theme.text
                wrapMode: Text.Wrap
                Layout.fillWidth: true
                Accessible.role: Accessible.StaticText
                Accessible.name: text
            }
            Label {
                text: "⚠ " + qsTr("After the successor has verified the bundle, you are removed from these rooms.")
                color: Theme.text
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
            RowLayout {
                Button {
                    objectName: "handoverBack3"
                    text: qsTr("Back")
                    Accessible.name: text
                    onClicked: page.ho.back()
                }
                Button {
                    objectName: "handoverConfirm"
                    text: qsTr("Hand over the case")
                    highlighted: enabled
                    enabled: !page.ho.working
                    Accessible.name: text
                    onClicked: page.ho.confirm()
                }
            }
        }

        // ---- Running: off the GUI thread, its phase shown.
        ColumnLayout {
            visible: page.ho.step === 3
            Layout.fillWidth: true
            BusyIndicator {
                running: page.ho.working
                Accessible.name: qsTr("Handing over")
            }
            ProgressBar {
                objectName: "handoverProgress"
                from: 0
                to: 3
                value: page.ho.progressStep
                Layout.preferredWidth: 360
                Accessible.name: page.ho.progressText
            }
            Label {
                objectName: "handoverProgressText"
                text: page.ho.progressText
                color: Theme.text
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
        }

        // ---- The result.
        ColumnLayout {
            visible: page.ho.step === 4
            Layout.fillWidth: true
            Label {
                objectName: "handoverResult"
                text: "✔ " + qsTr("Handed over to %1. Handover %2.").arg(page.ho.successorLabel).arg(page.ho.handoverId) + "\n"
                      + qsTr("Rooms the successor joins: %1").arg(page.ho.rooms.length > 0 ? page.ho.rooms.join(", ") : qsTr("none")) + "\n"
                      + qsTr("Messages: %1").arg(page.ho.messages) + "\n"
                      + qsTr("You leave the rooms when the successor's device has verified the bundle; the list below shows when.")
                color: Theme.text
                wrapMode: Text.Wrap
                Layout.fillWidth: true
                Accessible.role: Accessible.StaticText
                Accessible.name: text
            }
            Button {
                objectName: "handoverRestart"
                text: qsTr("Hand over another case")
                Accessible.name: text
                onClicked: { page.editingSubject = true; page.ho.restart() }
            }
        }

        // ---- Past handovers.
        SectionTitle { text: qsTr("Past handovers") }
        RowLayout {
            Button {
                objectName: "handoverRefresh"
                text: qsTr("Check again")
                Accessible.name: qsTr("Read and verify the handovers again")
                onClicked: page.ho.refresh()
            }
            Label {
                objectName: "handoverVerification"
                text: page.ho.verification === "ok" ? "✔ " + qsTr("Every received bundle verifies.")
                    : page.ho.verification === "broken" ? "✖ " + qsTr("A received bundle does not verify.")
                    : qsTr("No bundle received.")
                color: Theme.text
                Accessible.role: Accessible.StaticText
                Accessible.name: text
            }
        }
        Label {
            visible: page.ho.pastCount === 0
            text: qsTr("No handovers yet.")
            color: Theme.muted
        }
        Repeater {
            model: page.ho.past
            delegate: Label {
                required property var modelData
                objectName: "handoverRow_" + modelData.direction
                text: modelData.created + "  " + modelData.directionLabel + "\n"
                      + (modelData.state === "completed" || modelData.state === "done" ? "✔ "
                         : modelData.state === "failed" || modelData.state === "rejected" ? "✖ " : "… ")
                      + modelData.stateLabel
                      + (modelData.problem.length > 0 ? ": " + modelData.problem : "")
                      + (modelData.rooms.length > 0 ? "  · " + qsTr("Rooms: %1").arg(modelData.rooms) : "")
                      + "  · " + qsTr("Messages: %1").arg(modelData.messages)
                      + (modelData.verificationLabel.length > 0
                         ? "\n" + (modelData.verification === "ok" ? "✔ " : "✖ ") + modelData.verificationLabel : "")
                color: Theme.text
                wrapMode: Text.Wrap
                Layout.fillWidth: true
                Accessible.role: Accessible.StaticText
                Accessible.name: text
            }
        }
    }

    component SectionTitle: Label {
        font.bold: true
        font.pixelSize: 16
        color: Theme.text
        topPadding: Theme.spacing
        Accessible.role: Accessible.Heading
        Accessible.name: text
    }
}
