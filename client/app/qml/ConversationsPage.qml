import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Lagrum

// Rooms on the left (unread and outbox counts), the open conversation or the compose
// wizard on the right.
Item {
    id: page
    objectName: "conversationsPage"
    property bool composing: false

    Connections {
        target: app
        function onSent(ok) { if (ok) page.composing = false }
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
                    id: newMessageButton
                    objectName: "newMessageButton"
                    text: qsTr("New message")
                    highlighted: true
                    Layout.fillWidth: true
                    Accessible.name: text
                    onClicked: {
                        app.compose.reset()
                        if (app.currentRoom.length > 0) app.compose.room = app.currentRoom
                        page.composing = true
                    }
                }
                Label {
                    text: qsTr("Conversations")
                    font.bold: true
                    color: Theme.text
                    Accessible.role: Accessible.Heading
                    Accessible.name: text
                }
                Label {
                    objectName: "outboxIndicator"
                    visible: app.rooms.totalQueued > 0
                    text: "✉ " + qsTr("%n message(s) in the outbox", "", app.rooms.totalQueued)
                    color: Theme.warn
                    wrapMode: Text.Wrap
                    Layout.fillWidth: true
                }
                Label {
                    visible: app.rooms.count === 0
                    text: qsTr("No conversations yet. Someone adds you to a room, or you start one with New message.")
                    color: Theme.muted
                    wrapMode: Text.Wrap
                    Layout.fillWidth: true
                }
                ListView {
                    id: roomList
                    objectName: "roomList"
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    clip: true
                    model: app.rooms
                    spacing: 2
                    keyNavigationEnabled: true
                    activeFocusOnTab: true
                    Accessible.role: Accessible.List
                    Accessible.name: qsTr("Conversations")
                    delegate: ItemDelegate {
                        id: roomDelegate
                        required property string name
                        required property int unread
                        required property int queued
                        required property bool direct
                        required property string members
                        required property string title
                        required property int index
                        width: ListView.view.width
                        highlighted: app.currentRoom === name
                        activeFocusOnTab: true
                        Accessible.name: title + ". " + statusLine.text
                        Accessible.role: Accessible.ListItem
                        onClicked: { page.composing = false; app.openRoom(name) }
                        // The open conversation: the selection colour and a bar on the
                        // left (a shape, not only a colour); a frame with keyboard focus.
                        background: Rectangle {
                            color: roomDelegate.highlighted ? Theme.selection
                                 : roomDelegate.down ? Theme.background : "transparent"
                            border.width: roomDelegate.visualFocus ? 2 : 0
                            border.color: Theme.focusRing
                            radius: 4
                            Rectangle {
                                visible: roomDelegate.highlighted
                                width: 4
                                height: parent.height
                                radius: 2
                                color: Theme.accent
                            }
                        }
                        contentItem: ColumnLayout {
                            spacing: 2
                            RowLayout {
                                Label {
                                    text: roomDelegate.title
                                    font.bold: roomDelegate.unread > 0
                                    color: Theme.text
                                    elide: Text.ElideRight
                                    Layout.fillWidth: true
                                }
                                Rectangle {
                                    visible: roomDelegate.unread > 0
                                    radius: height / 2
                                    color: Theme.accent
                                    implicitWidth: unreadText.implicitWidth + 12
                                    implicitHeight: unreadText.implicitHeight + 4
                                    Label {
                                        id: unreadText
                                        anchors.centerIn: parent
                                        text: roomDelegate.unread
                                        color: Theme.textOnAccent
                                        font.bold: true
                                    }
                                }
                            }
                            Label {
                                id: statusLine
                                text: [roomDelegate.unread > 0 ? qsTr("%n unread", "", roomDelegate.unread) : "",
                                       roomDelegate.queued > 0 ? "✉ " + qsTr("%n queued", "", roomDelegate.queued) : "",
                                       roomDelegate.direct ? qsTr("Direct conversation") : roomDelegate.members].filter(s => s.length > 0).join(" · ")
                                color: Theme.muted
                                elide: Text.ElideRight
                                font.pixelSize: 12
                                Layout.fillWidth: true
                            }
                        }
                    }
                }
            }
        }

        Rectangle { Layout.fillHeight: true; width: 1; color: Theme.border }

        Loader {
            Layout.fillWidth: true
            Layout.fillHeight: true
            sourceComponent: page.composing ? composeComponent : conversationComponent
        }
    }

    Component {
        id: composeComponent
        ComposePage { onCancelled: page.composing = false }
    }

    Component {
        id: conversationComponent
        ColumnLayout {
            objectName: "conversationView"
            spacing: Theme.spacing
            Label {
                text: app.currentRoom.length > 0 ? app.currentRoomTitle : qsTr("Choose a conversation")
                font.pixelSize: 20
                font.bold: true
                color: Theme.text
                Layout.margins: Theme.spacing
                Accessible.role: Accessible.Heading
                Accessible.name: text
            }
            StatusBanner {
                kind: "ok"
                text: app.notice
                closable: true
                onClosed: app.clearNotice()
                Layout.fillWidth: true
                Layout.leftMargin: Theme.spacing
                Layout.rightMargin: Theme.spacing
            }
            StatusBanner {
                kind: "error"
                text: app.error
                closable: true
                onClosed: app.clearError()
                Layout.fillWidth: true
                Layout.leftMargin: Theme.spacing
                Layout.rightMargin: Theme.spacing
            }
            ListView {
                id: messageList
                objectName: "messageList"
                Layout.fillWidth: true
                Layout.fillHeight: true
                Layout.margins: Theme.spacing
                clip: true
                spacing: Theme.spacing
                model: app.messages
                activeFocusOnTab: true
                Accessible.role: Accessible.List
                Accessible.name: qsTr("Messages")
                onCountChanged: positionViewAtEnd()
                delegate: Rectangle {
                    id: bubble
                    required property string text
                    required property string sender
                    required property bool outgoing
                    required property string citation
                    required property string provisionText
                    required property bool flagged
                    required property string flagTitle
                    required property string flagReason
                    required property string time
                    required property string attachment
                    width: ListView.view.width * 0.8
                    x: outgoing ? ListView.view.width - width : 0
                    implicitHeight: col.implicitHeight + 2 * Theme.spacing
                    radius: 6
                    color: outgoing ? Theme.selection : Theme.surface
                    border.color: flagged ? Theme.bad : Theme.border
                    border.width: flagged ? 2 : 1
                    ColumnLayout {
                        id: col
                        anchors.fill: parent
                        anchors.margins: Theme.spacing
                        spacing: 4
                        RowLayout {
                            Label { text: bubble.sender; font.bold: true; color: Theme.text }
                            Label { text: bubble.time; color: Theme.muted; Layout.fillWidth: true }
                        }
                        // The provision tag: the citation, with the provision's text on hover
                        // and on keyboard focus.
                        Button {
                            id: tag
                            objectName: "provisionTag"
                            visible: bubble.citation.length > 0
                            flat: true
                            // "Lagrum: 10 kap. 18 a § OSL": the citation carries its own "§".
                            text: qsTr("Legal basis: %1").arg(bubble.citation)
                            font.pixelSize: 12
                            Accessible.name: text
                            Accessible.description: bubble.provisionText
                            readonly property ToolTip tip: tagTip
                            contentItem: Label {
                                text: tag.text
                                color: Theme.accent
                                font: tag.font
                            }
                            // Its own tooltip, not the attached one: that one opens above
                            // the tag as wide as the provision's text, so it covered the
                            // room's title and the whole width of the window. This one
                            // opens below the tag, at the tag's left edge, and wraps at a
                            // readable width.
                            ToolTip {
                                id: tagTip
                                objectName: "provisionTip"
                                visible: tag.visible && (tag.hovered || tag.activeFocus)
                                delay: 300
                                text: bubble.provisionText
                                x: 0
                                y: tag.height + 4
                                width: Math.min(implicitWidth, 560)
                                contentItem: Text {
                                    text: tagTip.text
                                    wrapMode: Text.Wrap
                                    font: tagTip.font
                                    color: tagTip.palette.toolTipText
                                }
                            }
                        }
                        Rectangle {
                            objectName: "flagBox"
                            visible: bubble.flagged
                            Layout.fillWidth: true
                            implicitHeight: flagCol.implicitHeight + 8
                            color: "transparent"
                            border.color: Theme.bad
                            radius: 4
                            Accessible.role: Accessible.AlertMessage
                            Accessible.name: flagTitleLabel.text + " " + bubble.flagReason
                            ColumnLayout {
                                id: flagCol
                                anchors.fill: parent
                                anchors.margins: 4
                                Label {
                                    id: flagTitleLabel
                                    text: "⚠ " + qsTr("Flagged:") + " " + bubble.flagTitle
                                    font.bold: true
                                    color: Theme.bad
                                    wrapMode: Text.Wrap
                                    Layout.fillWidth: true
                                }
                                Label {
                                    objectName: "flagReason"
                                    text: bubble.flagReason
                                    color: Theme.text
                                    wrapMode: Text.Wrap
                                    Layout.fillWidth: true
                                }
                            }
                        }
                        Label {
                            text: bubble.text
                            color: Theme.text
                            wrapMode: Text.Wrap
                            textFormat: Text.PlainText
                            Layout.fillWidth: true
                        }
                        Label {
                            visible: bubble.attachment.length > 0
                            text: "📎 " + bubble.attachment
                            color: Theme.muted
                        }
                    }
                }
            }
        }
    }
}
