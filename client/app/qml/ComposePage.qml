import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Lagrum

// The provision wizard. Every answer goes to app.compose (C++), which runs the legal
// check and publishes the verdict; this file only lays the wizard out.
Item {
    id: page
    objectName: "composePage"
    signal cancelled()
    readonly property var compose: app.compose
    property bool editingSubject: true

    ScrollView {
        id: scroll
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.top: parent.top
        anchors.bottom: footer.top
        contentWidth: availableWidth
        ColumnLayout {
            id: form
            width: scroll.availableWidth - 2 * Theme.spacing
            x: Theme.spacing
            spacing: Theme.spacing

            Label {
                text: qsTr("New message")
                font.pixelSize: 20
                font.bold: true
                color: Theme.text
                Layout.topMargin: Theme.spacing
                Accessible.role: Accessible.Heading
                Accessible.name: text
            }

            // 1. Recipients.
            SectionTitle { text: qsTr("1. Recipients") }
            RowLayout {
                RadioButton {
                    id: toRoom
                    objectName: "toRoomRadio"
                    text: qsTr("A room")
                    checked: page.compose.recipientMode === "room"
                    onToggled: if (checked) page.compose.recipientMode = "room"
                    Accessible.name: text
                }
                RadioButton {
                    id: toMember
                    objectName: "toMemberRadio"
                    text: qsTr("One person")
                    checked: page.compose.recipientMode === "member"
                    onToggled: if (checked) page.compose.recipientMode = "member"
                    Accessible.name: text
                }
            }
            ComboBox {
                id: roomBox
                objectName: "roomBox"
                visible: toRoom.checked
                model: page.compose.roomChoices
                // Set imperatively: a ComboBox resets currentIndex (and drops a binding)
                // whenever its model changes.
                function sync() { currentIndex = model.indexOf(page.compose.room) }
                onModelChanged: sync()
                Component.onCompleted: sync()
                Connections { target: page.compose; function onChanged() { roomBox.sync() } }
                displayText: currentIndex < 0 ? qsTr("Choose a room") : currentText
                onActivated: (index) => page.compose.room = model[index]
                Layout.fillWidth: true
                Accessible.name: qsTr("Room")
            }
            ComboBox {
                id: memberBox
                objectName: "memberBox"
                visible: toMember.checked
                model: page.compose.memberChoices
                textRole: "label"
                valueRole: "address"
                function sync() { currentIndex = indexOfValue(page.compose.member) }
                onModelChanged: sync()
                Component.onCompleted: sync()
                Connections { target: page.compose; function onChanged() { memberBox.sync() } }
                displayText: currentIndex < 0 ? qsTr("Choose a person") : currentText
                onActivated: (index) => page.compose.member = valueAt(index)
                Layout.fillWidth: true
                Accessible.name: qsTr("Person")
            }

            // 2. The young person.
            SectionTitle { text: qsTr("2. The young person") }
            Label { id: subjectLabel; text: qsTr("Personnummer or samordningsnummer"); color: Theme.text }
            RowLayout {
                Layout.fillWidth: true
                TextField {
                    id: subjectField
                    objectName: "subjectField"
                    visible: page.editingSubject
                    placeholderText: qsTr("YYYYMMDD-NNNN")
                    inputMethodHints: Qt.ImhSensitiveData | Qt.ImhNoPredictiveText
                    Layout.fillWidth: true
                    Accessible.name: subjectLabel.text
                    Accessible.description: subjectMessage.text
                    text: page.compose.subject
                    onTextEdited: page.compose.subject = text
                    // After entry the number is shown masked.
                    onEditingFinished: if (page.compose.subjectState === "valid") page.editingSubject = false
                }
                Button {
                    id: maskedSubject
                    objectName: "maskedSubject"
                    visible: !page.editingSubject
                    text: page.compose.subjectMasked + "  ✎ " + qsTr("Change")
                    Accessible.name: qsTr("Personnummer (hidden). Change")
                    onClicked: { page.editingSubject = true; subjectField.forceActiveFocus() }
                    Layout.fillWidth: true
                }
            }
            Label {
                id: subjectMessage
                objectName: "subjectMessage"
                text: (page.compose.subjectState === "valid" ? "✔ " : page.compose.subjectState === "invalid" ? "✖ " : "")
                      + page.compose.subjectMessage
                color: page.compose.subjectState === "invalid" ? Theme.bad
                     : page.compose.subjectState === "valid" ? Theme.ok : Theme.muted
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }

            // 3. The provision and its questions, in the catalog's order.
            SectionTitle { text: qsTr("3. Provision (lagrum)") }
            ComboBox {
                id: provisionBox
                objectName: "provisionBox"
                model: page.compose.provisions
                textRole: "citation"
                valueRole: "id"
                function sync() { currentIndex = indexOfValue(page.compose.provision) }
                onModelChanged: sync()
                Component.onCompleted: sync()
                Connections { target: page.compose; function onChanged() { provisionBox.sync() } }
                displayText: currentIndex < 0 ? qsTr("Choose a provision")
                                              : currentText + " — " + model[currentIndex].name
                onActivated: (index) => page.compose.provision = valueAt(index)
                Layout.fillWidth: true
                Accessible.name: qsTr("Provision")
                delegate: ItemDelegate {
                    required property var modelData
                    required property int index
                    width: ListView.view ? ListView.view.width : 400
                    text: modelData.citation + " — " + modelData.name
                    highlighted: provisionBox.highlightedIndex === index
                    Accessible.name: text
                }
            }
            Label {
                visible: provisionBox.currentIndex >= 0
                text: provisionBox.currentIndex >= 0 ? page.compose.provisions[provisionBox.currentIndex].text : ""
                color: Theme.muted
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
            Repeater {
                objectName: "questionRepeater"
                model: page.compose.questions
                delegate: ColumnLayout {
                    id: question
                    required property var modelData
                    Layout.fillWidth: true
                    spacing: 4
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

            // 4. Minimisation: sensitive categories.
            SectionTitle { text: qsTr("4. Sensitive information in the message") }
            Flow {
                Layout.fillWidth: true
                spacing: Theme.spacing
                Repeater {
                    model: page.compose.categories
                    delegate: CheckBox {
                        required property var modelData
                        objectName: "category_" + modelData.name
                        text: modelData.label
                        checked: page.compose.selectedCategories.indexOf(modelData.name) >= 0
                        onToggled: page.compose.setCategory(modelData.name, checked)
                        Accessible.name: text
                    }
                }
            }

            // 5. The text.
            SectionTitle { text: qsTr("5. Message") }
            TextArea {
                id: messageText
                objectName: "messageText"
                placeholderText: qsTr("Write only what the recipient needs.")
                wrapMode: TextEdit.Wrap
                text: page.compose.text
                onTextChanged: page.compose.text = text
                Layout.fillWidth: true
                Layout.preferredHeight: 100
                Accessible.name: qsTr("Message text")
                KeyNavigation.priority: KeyNavigation.BeforeItem
                KeyNavigation.tab: sendButton.enabled ? sendButton : cancelButton
            }

        }
    }

    // The live verdict and the send button stay in view while the wizard scrolls.
    Rectangle {
        id: footer
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        height: Math.min(footerCol.implicitHeight + Theme.spacing, page.height * 0.45)
                + buttonRow.implicitHeight + 2 * Theme.spacing
        color: Theme.background
        Rectangle { width: parent.width; height: 1; color: Theme.border }
        ScrollView {
            anchors.left: parent.left
            anchors.right: parent.right
            anchors.top: parent.top
            anchors.bottom: buttonRow.top
            anchors.margins: Theme.spacing
            contentWidth: availableWidth
            ColumnLayout {
                id: footerCol
                width: footer.width - 2 * Theme.spacing
                spacing: Theme.spacing
                // The live verdict.
                Rectangle {
                    id: verdictBox
                    objectName: "verdictBox"
                    Layout.fillWidth: true
                    implicitHeight: verdictCol.implicitHeight + 2 * Theme.spacing
                    radius: 4
                    // The window's colour, not the surface: the suggestion's button (a
                    // surface-coloured Button) would vanish into a surface box.
                    color: Theme.background
                    border.width: 2
                    border.color: page.compose.verdict === "allowed" ? Theme.ok
                                : page.compose.verdict === "blocked" ? Theme.bad
                                : page.compose.verdict === "incomplete" ? Theme.warn : Theme.border
                    Accessible.role: Accessible.AlertMessage
                    // What a screen reader announces: the verdict with its reasons and
                    // the questions still to answer.
                    Accessible.name: [verdictTitle.text].concat(page.compose.reasons)
                                     .concat(page.compose.missingFacts).join(". ")
                    ColumnLayout {
                        id: verdictCol
                        anchors.fill: parent
                        anchors.margins: Theme.spacing
                        Label {
                            id: verdictTitle
                            objectName: "verdictTitle"
                            text: (page.compose.verdict === "allowed" ? "✔ "
                                  : page.compose.verdict === "blocked" ? "✖ "
                                  : page.compose.verdict === "incomplete" ? "… " : "ℹ ")
                                  + page.compose.verdictTitle
                            font.bold: true
                            color: verdictBox.border.color === Theme.border ? Theme.text : verdictBox.border.color
                            wrapMode: Text.Wrap
                            Layout.fillWidth: true
                        }
                        Repeater {
                            model: page.compose.reasons
                            delegate: Label {
                                required property string modelData
                                objectName: "verdictReason"
                                text: "• " + modelData
                                color: Theme.text
                                wrapMode: Text.Wrap
                                Layout.fillWidth: true
                            }
                        }
                        Label {
                            visible: page.compose.missingFacts.length > 0
                            text: qsTr("Still to answer:")
                            font.bold: true
                            color: Theme.text
                        }
                        Repeater {
                            model: page.compose.missingFacts
                            delegate: Label {
                                required property string modelData
                                text: "? " + modelData
                                color: Theme.text
                                wrapMode: Text.Wrap
                                Layout.fillWidth: true
                            }
                        }
                        Repeater {
                            model: page.compose.warnings
                            delegate: Label {
                                required property string modelData
                                text: "⚠ " + modelData
                                color: Theme.warn
                                wrapMode: Text.Wrap
                                Layout.fillWidth: true
                            }
                        }
                        // A Column, not a nested ColumnLayout: the nested layout took its
                        // height before the wrapped text's, so the next suggestion's text
                        // and the Send row were laid over this one's button.
                        Repeater {
                            model: page.compose.suggestions
                            delegate: Column {
                                id: suggestion
                                required property var modelData
                                required property int index
                                Layout.fillWidth: true
                                spacing: 4
                                Label {
                                    width: suggestion.width
                                    text: "→ " + suggestion.modelData.text
                                    color: Theme.text
                                    wrapMode: Text.Wrap
                                }
                                // Highlighted: on the window colour a plain (surface) button
                                // hardly shows in the dark theme; this is the one-click fix.
                                Button {
                                    objectName: "suggestionButton"
                                    visible: suggestion.modelData.oneClick
                                    highlighted: true
                                    text: suggestion.modelData.label
                                    Accessible.name: text
                                    onClicked: page.compose.applySuggestion(suggestion.index)
                                }
                            }
                        }
                    }
                }
                StatusBanner { kind: "error"; text: app.error; Layout.fillWidth: true }
            }
        }
        // Outside the verdict's scroll area: Send and Cancel stay on screen however long
        // the verdict grows (at 125 % on a laptop panel it pushed them out of view).
        RowLayout {
            id: buttonRow
            anchors.left: parent.left
            anchors.bottom: parent.bottom
            anchors.margins: Theme.spacing
            Button {
                id: sendButton
                objectName: "sendButton"
                text: qsTr("Send")
                highlighted: true
                enabled: page.compose.canSend && !app.busy
                Accessible.name: text
                Accessible.description: page.compose.verdictTitle
                onClicked: app.send()
            }
            Button {
                id: cancelButton
                objectName: "cancelButton"
                text: qsTr("Cancel")
                Accessible.name: text
                onClicked: page.cancelled()
            }
        }
    }

    component SectionTitle: Label {
        font.bold: true
        font.pixelSize: 16
        color: Theme.accent
        Layout.topMargin: Theme.spacing
        Accessible.role: Accessible.Heading
        Accessible.name: text
    }

    // One fact: yes/no, a value from a list, or a number.
    component FactInput: ColumnLayout {
        id: input
        property var fact
        property string questionText
        readonly property var answer: page.compose.answers[fact.name]
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
                objectName: "yes_" + input.fact.name
                text: qsTr("Yes")
                ButtonGroup.group: yesNo
                checked: input.answer === true
                onToggled: if (checked) page.compose.setFact(input.fact.name, true)
                Accessible.name: qsTr("Yes: %1").arg(input.questionText)
            }
            RadioButton {
                objectName: "no_" + input.fact.name
                text: qsTr("No")
                ButtonGroup.group: yesNo
                checked: input.answer === false
                onToggled: if (checked) page.compose.setFact(input.fact.name, false)
                Accessible.name: qsTr("No: %1").arg(input.questionText)
            }
            Label {
                visible: input.answer === undefined
                text: qsTr("(not answered)")
                color: Theme.muted
            }
        }
        ComboBox {
            objectName: "fact_" + input.fact.name
            visible: input.fact.type === "enumeration"
            // Labels in the UI language (ComposeModel's options); the code goes to the check.
            model: input.fact.options
            textRole: "label"
            valueRole: "value"
            currentIndex: input.answer === undefined ? -1 : input.fact.values.indexOf(input.answer)
            displayText: currentIndex < 0 ? qsTr("Choose") : currentText
            onActivated: (index) => page.compose.setFact(input.fact.name, input.fact.values[index])
            Accessible.name: input.questionText
            Layout.fillWidth: true
        }
        SpinBox {
            objectName: "fact_" + input.fact.name
            visible: input.fact.type === "number"
            from: input.fact.min
            to: Math.max(input.fact.max, input.fact.min)
            // Only a number answer: an enumeration's code is a string ("Unable to assign
            // QString to int" once the purpose of 15 a § was chosen).
            value: input.fact.type === "number" && input.answer !== undefined ? input.answer : input.fact.min
            editable: true
            onValueModified: page.compose.setFact(input.fact.name, value)
            Accessible.name: input.questionText
        }
    }
}
