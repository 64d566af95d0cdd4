import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtQuick.Window
import Lagrum

ApplicationWindow {
    id: window
    width: 1200
    height: 800
    visible: true
    title: qsTr("Lagrum")
    color: Theme.background
    // Which part of the unlocked app shows: conversations, meetings or records.
    property string section: "conversations"

    Binding { target: Theme; property: "dark"; value: app.dark }
    // The Basic style's palette from Theme (see Theme.qml for why each role is what it is).
    palette.window: Theme.background
    palette.windowText: Theme.text
    palette.base: Theme.background
    palette.alternateBase: Theme.surface
    palette.text: Theme.text
    palette.active.button: Theme.surface       // per group: disabled has its own below
    palette.inactive.button: Theme.surface
    palette.buttonText: Theme.text
    palette.highlight: Theme.focusRing
    palette.highlightedText: Theme.text
    palette.placeholderText: Theme.muted
    palette.toolTipBase: Theme.surface
    palette.toolTipText: Theme.text
    palette.mid: Theme.border
    palette.light: Theme.surface
    palette.midlight: Theme.surface
    // Set per colour group: a plain `palette.dark:` binding sets every group, disabled
    // included, and re-applies itself whenever the theme changes.
    palette.active.dark: Theme.accent          // highlighted buttons (Basic style)
    palette.inactive.dark: Theme.accent
    // A disabled button has no fill (the page's colour), so it looks off beside an
    // enabled one in both themes, not only by a slightly lighter text.
    palette.disabled.dark: Theme.background
    palette.active.brightText: Theme.textOnAccent  // their text
    palette.inactive.brightText: Theme.textOnAccent
    palette.disabled.brightText: Theme.muted
    palette.disabled.buttonText: Theme.muted
    palette.disabled.windowText: Theme.muted
    palette.disabled.text: Theme.muted
    palette.disabled.button: Theme.background

    header: ToolBar {
        background: Rectangle { color: Theme.surface }
        RowLayout {
            anchors.fill: parent
            anchors.leftMargin: Theme.spacing
            anchors.rightMargin: Theme.spacing
            spacing: Theme.spacing
            Label {
                text: qsTr("Lagrum")
                font.bold: true
                font.pixelSize: 18
                color: Theme.text
            }
            Label {
                visible: app.selfAddress.length > 0
                text: app.selfName + " · " + app.selfAddress
                color: Theme.muted
                elide: Text.ElideRight
                Layout.fillWidth: true
            }
            Item { Layout.fillWidth: app.selfAddress.length === 0 }
            TabBar {
                id: sectionBar
                objectName: "sectionBar"
                visible: app.screen === "main"
                currentIndex: window.section === "meetings" ? 1 : window.section === "records" ? 2 : 0
                Accessible.name: qsTr("Sections")
                Repeater {
                    model: [
                        { key: "conversations", label: qsTr("Conversations") },
                        { key: "meetings", label: qsTr("Meetings") },
                        { key: "records", label: qsTr("Records") }
                    ]
                    // The Basic style paints unselected tabs in palette.dark (our
                    // accent) and the selected one in the window colour: it looked
                    // inverted. The selected tab is bold, on the selection colour, with
                    // an accent underline; not by colour alone (WCAG 1.4.1).
                    delegate: TabButton {
                        id: sectionTab
                        required property var modelData
                        objectName: "section_" + modelData.key
                        text: modelData.label
                        width: implicitWidth
                        font.bold: checked
                        Accessible.name: text
                        onClicked: window.section = modelData.key
                        contentItem: Label {
                            text: sectionTab.text
                            font: sectionTab.font
                            color: Theme.text
                            horizontalAlignment: Text.AlignHCenter
                            verticalAlignment: Text.AlignVCenter
                        }
                        background: Rectangle {
                            implicitHeight: 40
                            color: sectionTab.checked ? Theme.selection
                                 : sectionTab.down ? Theme.background : Theme.surface
                            border.width: sectionTab.visualFocus ? 2 : 0
                            border.color: Theme.focusRing
                            Rectangle {
                                objectName: "selectedMark"
                                visible: sectionTab.checked
                                anchors.left: parent.left
                                anchors.right: parent.right
                                anchors.bottom: parent.bottom
                                height: 3
                                color: Theme.accent
                            }
                        }
                    }
                }
            }
            Label {
                id: onlineLabel
                objectName: "onlineIndicator"
                visible: app.screen === "main"
                // A symbol and a word: the state is not told by colour alone.
                text: app.online ? "● " + qsTr("Connected")
                    : app.connecting ? "◌ " + qsTr("Connecting to the relay…")
                    : "○ " + qsTr("Offline: messages are queued")
                color: app.online ? Theme.ok : app.connecting ? Theme.muted : Theme.warn
                Accessible.role: Accessible.StaticText
                Accessible.name: text
            }
            ComboBox {
                id: languageBox
                objectName: "languageBox"
                model: [ "Svenska", "English" ]
                currentIndex: app.language === "en" ? 1 : 0
                onActivated: (index) => app.language = index === 1 ? "en" : "sv"
                Accessible.name: qsTr("Language")
                implicitContentWidthPolicy: ComboBox.WidestText
            }
            Switch {
                id: darkSwitch
                objectName: "darkSwitch"
                text: qsTr("Dark theme")
                checked: app.dark
                onToggled: app.dark = checked
                Accessible.name: qsTr("Dark theme")
                // The Basic style's unchecked track is palette.midlight (our surface) on
                // the surface-coloured toolbar: invisible. Track and knob are outlined
                // in the muted colour (>= 3:1 against the toolbar, WCAG 1.4.11) in both
                // states; checked fills the track with the accent and moves the knob.
                indicator: Rectangle {
                    objectName: "darkSwitchTrack"
                    implicitWidth: 48
                    implicitHeight: 26
                    x: darkSwitch.leftPadding
                    y: darkSwitch.topPadding + (darkSwitch.availableHeight - height) / 2
                    radius: height / 2
                    color: darkSwitch.checked ? Theme.accent : Theme.background
                    border.width: darkSwitch.visualFocus ? 3 : 2
                    border.color: darkSwitch.visualFocus ? Theme.focusRing
                                : darkSwitch.checked ? Theme.accent : Theme.muted
                    Rectangle {
                        objectName: "darkSwitchKnob"
                        width: 18
                        height: 18
                        radius: 9
                        anchors.verticalCenter: parent.verticalCenter
                        x: darkSwitch.checked ? parent.width - width - 4 : 4
                        color: darkSwitch.checked ? Theme.textOnAccent : Theme.muted
                    }
                }
                contentItem: Label {
                    text: darkSwitch.text
                    color: Theme.text
                    leftPadding: darkSwitch.indicator.width + darkSwitch.spacing
                    verticalAlignment: Text.AlignVCenter
                }
            }
        }
    }

    // The first sync after unlock (app.firstSync): an indeterminate indicator and a line
    // of text at the foot of the window, which stays usable meanwhile (the core works on
    // its own thread). A footer, so it never covers a page's buttons.
    footer: Rectangle {
        id: syncProgress
        objectName: "syncProgress"
        visible: app.firstSync
        implicitHeight: visible ? syncRow.implicitHeight + Theme.spacing : 0
        color: Theme.surface
        Accessible.role: Accessible.ProgressBar
        Accessible.name: syncLabel.text
        Rectangle { width: parent.width; height: 1; color: Theme.border }
        RowLayout {
            id: syncRow
            anchors.verticalCenter: parent.verticalCenter
            x: Theme.spacing
            spacing: Theme.spacing
            BusyIndicator {
                running: syncProgress.visible
                implicitWidth: 24
                implicitHeight: 24
                Accessible.name: syncLabel.text
            }
            Label {
                id: syncLabel
                objectName: "syncProgressText"
                text: qsTr("Fetching messages…")
                color: Theme.text
            }
        }
    }

    Loader {
        id: screenLoader
        objectName: "screenLoader"
        anchors.fill: parent
        source: app.screen === "unlock" ? "UnlockPage.qml"
              : app.screen !== "main" ? "SetupPage.qml"
              : window.section === "meetings" ? "MeetingsPage.qml"
              : window.section === "records" ? "RecordsPage.qml" : "ConversationsPage.qml"
        focus: true
    }

    BusyOverlay {}

    component BusyOverlay: Rectangle {
        anchors.fill: parent
        visible: app.busy
        color: Qt.rgba(0, 0, 0, 0.45)
        // Swallow input while the core works; the window itself keeps painting.
        MouseArea { anchors.fill: parent; hoverEnabled: true }
        Rectangle {
            anchors.centerIn: parent
            width: Math.min(parent.width - 40, 480)
            height: busyColumn.implicitHeight + 40
            radius: 6
            color: Theme.background
            border.color: Theme.border
            ColumnLayout {
                id: busyColumn
                anchors.centerIn: parent
                width: parent.width - 40
                BusyIndicator {
                    running: app.busy
                    Layout.alignment: Qt.AlignHCenter
                    Accessible.name: app.busyText
                }
                Label {
                    text: app.busyText
                    color: Theme.text
                    wrapMode: Text.Wrap
                    horizontalAlignment: Text.AlignHCenter
                    Layout.fillWidth: true
                }
            }
        }
    }

    // Screenshots (tests/app/screenshots.sh): LAGRUM_APP_SCREENSHOTS=DIR walks the main
    // flows and writes one PNG per step, then quits. Never active otherwise.
    Loader {
        active: app.env("LAGRUM_APP_SCREENSHOTS").length > 0
        source: "ScreenshotDriver.qml"
        onLoaded: item.window = window
    }
}
