import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Lagrum

// Risk meetings (samverkansmöten): the meetings on the left, the chosen one on the right:
// its agenda (young people by meeting pseudonym), opening and closing, shares within an
// agenda item through the provision questions and the live legal check, decisions, and
// once closed the signed minutes with their verification and the PDF export. Every
// action is an app.* call that runs the core's meeting call on the worker thread.
Item {
    id: page
    objectName: "meetingsPage"
    property bool creating: false
    readonly property var mt: app.meetings
    readonly property var draft: app.shareDraft

    Connections {
        target: app
        function onMeetingCreated(name) {
            page.creating = false
            app.showMeeting(name)
        }
        function onShared(allowed) {
            if (allowed) {
                shareText.text = ""
                page.draft.text = ""
            }
        }
    }

    function stateSymbol(s) {
        // A symbol with every state word: never colour alone.
        return s === "open" ? "●" : s === "closed" ? "✔" : "◷"
    }

    RowLayout {
        anchors.fill: parent
        spacing: 0

        Rectangle {
            Layout.fillHeight: true
            Layout.preferredWidth: Math.max(260, page.width * 0.28)
            color: Theme.surface
            ColumnLayout {
                anchors.fill: parent
                anchors.margins: Theme.spacing
                spacing: Theme.spacing
                Button {
                    id: newMeetingButton
                    objectName: "newMeetingButton"
                    text: qsTr("New meeting")
                    highlighted: true
                    Layout.fillWidth: true
                    Accessible.name: text
                    onClicked: {
                        app.showMeeting("")
                        page.creating = true
                    }
                }
                Label {
                    text: qsTr("Meetings")
                    font.bold: true
                    color: Theme.text
                    Accessible.role: Accessible.Heading
                    Accessible.name: text
                }
                Label {
                    visible: page.mt.count === 0
                    text: qsTr("No meetings yet. Create one, or wait until a chair invites you.")
                    color: Theme.muted
                    wrapMode: Text.Wrap
                    Layout.fillWidth: true
                }
                ListView {
                    id: meetingList
                    objectName: "meetingList"
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    clip: true
                    model: page.mt.meetings
                    spacing: 2
                    keyNavigationEnabled: true
                    activeFocusOnTab: true
                    Accessible.role: Accessible.List
                    Accessible.name: qsTr("Meetings")
                    delegate: ItemDelegate {
                        id: meetingDelegate
                        required property var modelData
                        required property int index
                        objectName: "meeting_" + modelData.name
                        width: ListView.view.width
                        highlighted: page.mt.current === modelData.name
                        text: modelData.title
                        Accessible.name: modelData.title + ", " + modelData.scheduledAt + ", " + modelData.stateLabel
                        contentItem: ColumnLayout {
                            spacing: 2
                            Label {
                                text: meetingDelegate.modelData.title
                                font.bold: true
                                color: Theme.text
                                elide: Text.ElideRight
                                Layout.fillWidth: true
                            }
                            Label {
                                text: meetingDelegate.modelData.scheduledAt + " · "
                                      + page.stateSymbol(meetingDelegate.modelData.state) + " "
                                      + meetingDelegate.modelData.stateLabel
                                color: Theme.muted
                                elide: Text.ElideRight
                                Layout.fillWidth: true
                            }
                        }
                        background: Rectangle {
                            color: meetingDelegate.highlighted ? Theme.selection : "transparent"
                            border.color: meetingDelegate.activeFocus ? Theme.accent : "transparent"
                            border.width: 2
                        }
                        onClicked: {
                            page.creating = false
                            app.showMeeting(modelData.name)
                        }
                    }
                }
            }
        }

        ScrollView {
            id: detailScroll
            Layout.fillWidth: true
            Layout.fillHeight: true
            contentWidth: availableWidth
            clip: true

            ColumnLayout {
                id: detail
                width: detailScroll.availableWidth - 2 * Theme.spacing
                x: Theme.spacing
                spacing: Theme.spacing

                Item { implicitHeight: Theme.spacing }

                StatusBanner {
                    objectName: "meetingError"
                    kind: "error"
                    text: app.error
                    closable: true
                    onClosed: app.clearError()
                    Layout.fillWidth: true
                }
                StatusBanner {
                    objectName: "meetingNotice"
                    kind: "ok"
                    text: app.notice
                    closable: true
                    onClosed: app.clearNotice()
                    Layout.fillWidth: true
                }

                Label {
                    visible: !page.creating && page.mt.current.length === 0
                    text: qsTr("Choose a meeting on the left, or create a new one.")
                    color: Theme.muted
                    wrapMode: Text.Wrap
                    Layout.fillWidth: true
                }

                // ---- A new meeting.
                ColumnLayout {
                    objectName: "createMeetingForm"
                    visible: page.creating
                    Layout.fillWidth: true
                    spacing: Theme.spacing
                    SectionTitle { text: qsTr("New meeting") }
                    Label { text: qsTr("Room name"); color: Theme.text }
                    TextField {
                        id: meetingName
                        objectName: "meetingNameField"
                        Layout.fillWidth: true
                        placeholderText: qsTr("e.g. URF december")
                        Accessible.name: qsTr("Room name")
                    }
                    Label { text: qsTr("Title"); color: Theme.text }
                    TextField {
                        id: meetingTitle
                        objectName: "meetingTitleField"
                        Layout.fillWidth: true
                        placeholderText: qsTr("e.g. Unga i riskzon, december")
                        Accessible.name: qsTr("Title")
                    }
                    Label { text: qsTr("Date and time (YYYY-MM-DD HH:MM)"); color: Theme.text }
                    TextField {
                        id: meetingAt
                        objectName: "meetingAtField"
                        Layout.fillWidth: true
                        text: Qt.formatDateTime(new Date(Date.now() + 86400000), "yyyy-MM-dd") + " 09:00"
                        inputMethodHints: Qt.ImhDate
                        Accessible.name: qsTr("Date and time")
                    }
                    Label { text: qsTr("Participants"); color: Theme.text; font.bold: true }
                    Repeater {
                        id: memberChecks
                        model: app.compose.memberChoices
                        delegate: CheckBox {
                            required property var modelData
                            objectName: "participant_" + modelData.address
                            text: modelData.label
                            Accessible.name: text
                        }
                    }
                    RowLayout {
                        Button {
                            id: createButton
                            objectName: "createMeetingButton"
                            text: qsTr("Create meeting")
                            highlighted: true
                            Accessible.name: text
                            onClicked: {
                                const members = []
                                for (let i = 0; i < memberChecks.count; ++i) {
                                    const c = memberChecks.itemAt(i)
                                    if (c && c.checked) members.push(c.modelData.address)
                                }
                                app.createMeeting(meetingName.text, meetingTitle.text, meetingAt.text, members)
                            }
                        }
                        Button {
                            text: qsTr("Cancel")
                            Accessible.name: text
                            onClicked: page.creating = false
                        }
                    }
                }

                // ---- The meeting on screen.
                ColumnLayout {
                    objectName: "meetingDetail"
                    visible: !page.creating && page.mt.current.length > 0 && page.mt.state.length > 0
                    Layout.fillWidth: true
                    spacing: Theme.spacing

                    Label {
                        objectName: "meetingTitle"
                        text: page.mt.title
                        font.bold: true
                        font.pixelSize: 20
                        color: Theme.text
                        wrapMode: Text.Wrap
                        Layout.fillWidth: true
                        Accessible.role: Accessible.Heading
                        Accessible.name: text
                    }
                    Label {
                        objectName: "meetingState"
                        text: page.mt.scheduledAt + " · " + page.stateSymbol(page.mt.state) + " " + page.mt.stateLabel
                              + " · " + qsTr("Chair: %1").arg(page.mt.chairName)
                              + (page.mt.chairIsSelf ? " " + qsTr("(you)") : "")
                        color: page.mt.state === "open" ? Theme.ok : Theme.text
                        wrapMode: Text.Wrap
                        Layout.fillWidth: true
                        Accessible.role: Accessible.StaticText
                        Accessible.name: text
                    }
                    Label {
                        text: qsTr("Participants: %1").arg(page.mt.participants.map(p => p.name + " (" + p.authority + ")").join(", "))
                        color: Theme.muted
                        wrapMode: Text.Wrap
                        Layout.fillWidth: true
                    }

                    // The agenda.
                    SectionTitle { text: qsTr("Agenda") }
                    Label {
                        visible: page.mt.agenda.length === 0
                        text: qsTr("The agenda is empty.")
                        color: Theme.muted
                    }
                    Repeater {
                        objectName: "agendaRepeater"
                        model: page.mt.agenda
                        delegate: Label {
                            required property var modelData
                            objectName: "agendaItem_" + modelData.number
                            text: qsTr("Item %1: young person %2").arg(modelData.number).arg(modelData.pseudonym)
                                  + (modelData.subjectKnown ? " · " + qsTr("you hold the personnummer") : "")
                            color: Theme.text
                            Accessible.role: Accessible.StaticText
                            Accessible.name: text
                        }
                    }
                    RowLayout {
                        visible: page.mt.chairIsSelf && page.mt.state !== "closed"
                        Layout.fillWidth: true
                        TextField {
                            id: agendaSubject
                            objectName: "agendaSubjectField"
                            placeholderText: qsTr("Personnummer (YYYYMMDD-NNNN)")
                            // Masked: the number is never shown on screen once typed; the
                            // agenda shows only the meeting pseudonym.
                            echoMode: activeFocus ? TextInput.Normal : TextInput.Password
                            Layout.fillWidth: true
                            Accessible.name: qsTr("The young person's personnummer")
                            onAccepted: addItemButton.clicked()
                        }
                        Button {
                            id: addItemButton
                            objectName: "addAgendaItemButton"
                            text: qsTr("Add to agenda")
                            Accessible.name: text
                            onClicked: {
                                app.addAgendaItem(agendaSubject.text)
                                agendaSubject.text = ""
                            }
                        }
                    }
                    RowLayout {
                        visible: page.mt.chairIsSelf
                        Button {
                            objectName: "openMeetingButton"
                            visible: page.mt.state === "scheduled"
                            text: qsTr("Open the meeting")
                            highlighted: true
                            Accessible.name: text
                            onClicked: app.openMeeting()
                        }
                        Button {
                            objectName: "closeMeetingButton"
                            visible: page.mt.state === "open"
                            text: qsTr("Close and sign the minutes")
                            highlighted: true
                            Accessible.name: text
                            onClicked: app.closeMeeting()
                        }
                    }

                    // ---- Share within an agenda item (open meetings).
                    ColumnLayout {
                        objectName: "shareForm"
                        visible: page.mt.state === "open" && page.mt.agenda.length > 0
                        Layout.fillWidth: true
                        spacing: Theme.spacing
                        SectionTitle { text: qsTr("Share within an agenda item") }
                        Label {
                            text: qsTr("Everyone in the meeting receives what you share, so the provision must allow every participant.")
                            color: Theme.muted
                            wrapMode: Text.Wrap
                            Layout.fillWidth: true
                        }
                        RowLayout {
                            Label { text: qsTr("Agenda item"); color: Theme.text }
                            ComboBox {
                                id: shareItem
                                objectName: "shareItemBox"
                                model: page.mt.agenda.map(a => qsTr("Item %1 (%2)").arg(a.number).arg(a.pseudonym))
                                Accessible.name: qsTr("Agenda item")
                                implicitContentWidthPolicy: ComboBox.WidestText
                            }
                        }
                        Label { text: qsTr("The young person's personnummer"); color: Theme.text }
                        TextField {
                            id: shareSubject
                            objectName: "shareSubjectField"
                            Layout.fillWidth: true
                            placeholderText: qsTr("Personnummer (YYYYMMDD-NNNN)")
                            echoMode: activeFocus ? TextInput.Normal : TextInput.Password
                            onTextChanged: page.draft.subject = text
                            Accessible.name: qsTr("The young person's personnummer")
                            Accessible.description: page.draft.subjectMessage
                        }
                        Label {
                            objectName: "shareSubjectMessage"
                            text: (page.draft.subjectState === "valid" ? "✔ " + page.draft.subjectMasked + " · "
                                   : page.draft.subjectState === "invalid" ? "✖ " : "")
                                  + page.draft.subjectMessage
                            color: page.draft.subjectState === "invalid" ? Theme.bad : Theme.muted
                            wrapMode: Text.Wrap
                            Layout.fillWidth: true
                        }
                        Label { text: qsTr("Provision (lagrum)"); color: Theme.text }
                        ComboBox {
                            id: shareProvision
                            objectName: "shareProvisionBox"
                            Layout.fillWidth: true
                            model: page.draft.provisions
                            textRole: "citation"
                            currentIndex: {
                                const ps = page.draft.provisions
                                for (let i = 0; i < ps.length; ++i) if (ps[i].id === page.draft.provision) return i
                                return -1
                            }
                            displayText: currentIndex < 0 ? qsTr("Choose the provision")
                                         : page.draft.provisions[currentIndex].citation + " — " + page.draft.provisions[currentIndex].name
                            onActivated: (index) => page.draft.provision = page.draft.provisions[index].id
                            Accessible.name: qsTr("Provision (lagrum)")
                        }
                        Repeater {
                            model: page.draft.questions
                            delegate: ColumnLayout {
                                id: question
                                required property var modelData
                                Layout.fillWidth: true
                                Label {
                                    text: question.modelData.text
                                    color: Theme.text
                                    font.bold: true
                                    wrapMode: Text.Wrap
                                    Layout.fillWidth: true
                                }
                                Repeater {
                                    model: question.modelData.facts
                                    delegate: FactInput {
                                        required property var modelData
                                        fact: modelData
                                        questionText: question.modelData.text
                                        Layout.fillWidth: true
                                    }
                                }
                            }
                        }
                        Label { text: qsTr("What you share"); color: Theme.text }
                        TextArea {
                            id: shareText
                            objectName: "shareTextField"
                            Layout.fillWidth: true
                            Layout.preferredHeight: 80
                            wrapMode: TextEdit.Wrap
                            placeholderText: qsTr("Only what the meeting needs.")
                            onTextChanged: page.draft.text = text
                            Accessible.name: qsTr("What you share")
                            KeyNavigation.priority: KeyNavigation.BeforeItem
                            KeyNavigation.tab: shareButton
                        }
                        // The live verdict of the same check the core runs again on share.
                        Rectangle {
                            id: shareVerdictBox
                            objectName: "shareVerdictBox"
                            Layout.fillWidth: true
                            implicitHeight: shareVerdictCol.implicitHeight + 2 * Theme.spacing
                            radius: 4
                            color: Theme.surface
                            border.width: 2
                            border.color: page.draft.verdict === "allowed" ? Theme.ok
                                        : page.draft.verdict === "blocked" ? Theme.bad
                                        : page.draft.verdict === "incomplete" ? Theme.warn : Theme.border
                            Accessible.role: Accessible.AlertMessage
                            Accessible.name: shareVerdictTitle.text
                            ColumnLayout {
                                id: shareVerdictCol
                                anchors.fill: parent
                                anchors.margins: Theme.spacing
                                Label {
                                    id: shareVerdictTitle
                                    objectName: "shareVerdictTitle"
                                    text: (page.draft.verdict === "allowed" ? "✔ "
                                          : page.draft.verdict === "blocked" ? "✖ "
                                          : page.draft.verdict === "incomplete" ? "… " : "ℹ ")
                                          + page.draft.verdictTitle
                                    font.bold: true
                                    color: page.draft.verdict === "allowed" ? Theme.ok
                                         : page.draft.verdict === "blocked" ? Theme.bad : Theme.text
                                    wrapMode: Text.Wrap
                                    Layout.fillWidth: true
                                }
                                Repeater {
                                    model: page.draft.verdict === "blocked" ? page.draft.reasons : []
                                    delegate: Label {
                                        required property string modelData
                                        text: "• " + modelData
                                        color: Theme.text
                                        wrapMode: Text.Wrap
                                        Layout.fillWidth: true
                                    }
                                }
                                Repeater {
                                    model: page.draft.missingFacts
                                    delegate: Label {
                                        required property string modelData
                                        text: "? " + modelData
                                        color: Theme.text
                                        wrapMode: Text.Wrap
                                        Layout.fillWidth: true
                                    }
                                }
                            }
                        }
                        Button {
                            id: shareButton
                            objectName: "shareButton"
                            text: qsTr("Share in the meeting")
                            highlighted: enabled  // a disabled highlighted button is hard to read
                            enabled: page.draft.canSend && shareItem.currentIndex >= 0
                            Accessible.name: text
                            onClicked: app.shareInMeeting(page.mt.agenda[shareItem.currentIndex].number)
                        }
                        // What the core said about the last share (a refusal with reasons).
                        Label {
                            objectName: "shareResult"
                            visible: page.mt.shareVerdict.length > 0
                            text: (page.mt.shareVerdict === "allowed" ? "✔ " + qsTr("Shared.")
                                   : "✖ " + qsTr("Not shared: the legal check refused it."))
                                  + (page.mt.shareVerdict !== "allowed" && page.mt.shareReasons.length > 0
                                     ? "\n• " + page.mt.shareReasons.join("\n• ") : "")
                            color: page.mt.shareVerdict === "allowed" ? Theme.ok : Theme.bad
                            wrapMode: Text.Wrap
                            Layout.fillWidth: true
                            Accessible.role: Accessible.AlertMessage
                            Accessible.name: text
                        }
                    }

                    // ---- Decisions (the chair, open meetings).
                    ColumnLayout {
                        objectName: "decisionForm"
                        visible: page.mt.chairIsSelf && page.mt.state === "open" && page.mt.agenda.length > 0
                        Layout.fillWidth: true
                        spacing: Theme.spacing
                        SectionTitle { text: qsTr("Decision") }
                        RowLayout {
                            Label { text: qsTr("Agenda item"); color: Theme.text }
                            ComboBox {
                                id: decisionItem
                                objectName: "decisionItemBox"
                                model: page.mt.agenda.map(a => qsTr("Item %1 (%2)").arg(a.number).arg(a.pseudonym))
                                Accessible.name: qsTr("Agenda item for the decision")
                                implicitContentWidthPolicy: ComboBox.WidestText
                            }
                        }
                        TextField {
                            id: decisionText
                            objectName: "decisionTextField"
                            Layout.fillWidth: true
                            placeholderText: qsTr("The decision")
                            Accessible.name: qsTr("The decision")
                        }
                        TextField {
                            id: followUp
                            objectName: "followUpField"
                            Layout.fillWidth: true
                            placeholderText: qsTr("Follow-up (optional)")
                            Accessible.name: qsTr("Follow-up")
                        }
                        Button {
                            objectName: "decideButton"
                            text: qsTr("Record the decision")
                            enabled: decisionText.text.trim().length > 0 && decisionItem.currentIndex >= 0
                            Accessible.name: text
                            onClicked: {
                                app.decide(page.mt.agenda[decisionItem.currentIndex].number, decisionText.text, followUp.text)
                                decisionText.text = ""
                                followUp.text = ""
                            }
                        }
                    }

                    // ---- The signed minutes (closed meetings).
                    ColumnLayout {
                        objectName: "minutesView"
                        visible: page.mt.state === "closed"
                        Layout.fillWidth: true
                        spacing: Theme.spacing
                        SectionTitle { text: qsTr("Minutes") }
                        Label {
                            visible: !page.mt.hasMinutes
                            text: qsTr("The meeting is closed; the minutes arrive with the next sync.")
                            color: Theme.muted
                            wrapMode: Text.Wrap
                            Layout.fillWidth: true
                        }
                        Label {
                            objectName: "minutesStatus"
                            visible: page.mt.hasMinutes
                            text: page.mt.minutesVerified
                                  ? "✔ " + qsTr("Signed minutes: the chair's signature verifies.")
                                  : "✖ " + qsTr("The minutes' signature does NOT verify. Do not rely on them.")
                            color: page.mt.minutesVerified ? Theme.ok : Theme.bad
                            font.bold: true
                            wrapMode: Text.Wrap
                            Layout.fillWidth: true
                            Accessible.role: Accessible.AlertMessage
                            Accessible.name: text
                        }
                        Label {
                            visible: page.mt.hasMinutes
                            text: "SHA-256 " + page.mt.minutesHash
                            color: Theme.muted
                            font.family: "monospace"
                            wrapMode: Text.WrapAnywhere
                            Layout.fillWidth: true
                        }
                        TextArea {
                            objectName: "minutesText"
                            visible: page.mt.hasMinutes
                            readOnly: true
                            text: page.mt.minutesText
                            wrapMode: TextEdit.Wrap
                            font.family: "monospace"
                            Layout.fillWidth: true
                            Accessible.name: qsTr("Minutes")
                            background: Rectangle { color: Theme.surface; border.color: Theme.border }
                        }
                        RowLayout {
                            visible: page.mt.hasMinutes
                            Layout.fillWidth: true
                            TextField {
                                id: exportPath
                                objectName: "exportPathField"
                                Layout.fillWidth: true
                                text: page.mt.hasMinutes ? app.defaultMinutesPath() : ""
                                Accessible.name: qsTr("PDF file")
                            }
                            Button {
                                objectName: "exportPdfButton"
                                text: qsTr("Save as PDF")
                                enabled: !page.mt.exporting
                                Accessible.name: text
                                onClicked: app.exportMinutes(exportPath.text)
                            }
                        }
                        RowLayout {
                            visible: page.mt.exporting
                            BusyIndicator {
                                running: page.mt.exporting
                                implicitWidth: 32
                                implicitHeight: 32
                                Accessible.name: qsTr("Exporting")
                            }
                            Label {
                                text: qsTr("Writing the PDF… you can keep working.")
                                color: Theme.text
                            }
                        }
                        Label {
                            objectName: "exportResult"
                            visible: page.mt.exportedPath.length > 0
                            text: "✔ " + qsTr("Saved %1 (%n page(s)).", "", page.mt.exportedPages).arg(page.mt.exportedPath)
                            color: Theme.ok
                            wrapMode: Text.WrapAnywhere
                            Layout.fillWidth: true
                        }
                    }
                }
                Item { implicitHeight: Theme.spacing }
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

    component FactInput: ColumnLayout {
        id: input
        property var fact
        property string questionText
        readonly property var answer: page.draft.answers[fact.name]
        Label {
            visible: input.fact.description.length > 0 && input.fact.description !== input.questionText
            text: input.fact.description
            color: Theme.muted
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
        RowLayout {
            visible: input.fact.type === "boolean"
            ButtonGroup { id: yesNo }
            RadioButton {
                objectName: "share_yes_" + input.fact.name
                text: qsTr("Yes")
                ButtonGroup.group: yesNo
                checked: input.answer === true
                onToggled: if (checked) page.draft.setFact(input.fact.name, true)
                Accessible.name: qsTr("Yes: %1").arg(input.questionText)
            }
            RadioButton {
                objectName: "share_no_" + input.fact.name
                text: qsTr("No")
                ButtonGroup.group: yesNo
                checked: input.answer === false
                onToggled: if (checked) page.draft.setFact(input.fact.name, false)
                Accessible.name: qsTr("No: %1").arg(input.questionText)
            }
        }
        ComboBox {
            visible: input.fact.type === "enumeration"
            objectName: "share_enum_" + input.fact.name
            // Labels in the UI language (ComposeModel's options); the code goes to the check.
            model: input.fact.options
            textRole: "label"
            valueRole: "value"
            currentIndex: input.answer === undefined ? -1 : input.fact.values.indexOf(input.answer)
            displayText: currentIndex < 0 ? qsTr("Choose") : currentText
            onActivated: (index) => page.draft.setFact(input.fact.name, input.fact.values[index])
            Accessible.name: input.questionText
            Layout.fillWidth: true
        }
        SpinBox {
            visible: input.fact.type === "number"
            from: input.fact.min
            to: Math.max(input.fact.max, input.fact.min)
            value: input.fact.type === "number" && input.answer !== undefined ? input.answer : input.fact.min
            editable: true
            onValueModified: page.draft.setFact(input.fact.name, value)
            Accessible.name: input.questionText
        }
    }
}
