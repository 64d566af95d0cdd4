import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// A message line with a symbol and a word, never only a colour: kind is "error",
// "warning", "ok" or "info".
Rectangle {
    id: banner
    property string kind: "info"
    property string text: ""
    property bool closable: false
    signal closed()
    visible: text.length > 0
    implicitHeight: row.implicitHeight + 2 * Theme.spacing
    radius: 4
    color: Theme.surface
    border.width: 2
    border.color: kind === "error" ? Theme.bad : kind === "warning" ? Theme.warn
                : kind === "ok" ? Theme.ok : Theme.border
    Accessible.role: Accessible.AlertMessage
    Accessible.name: prefix.text + " " + banner.text
    RowLayout {
        id: row
        anchors.fill: parent
        anchors.margins: Theme.spacing
        Label {
            id: prefix
            font.bold: true
            // The info frame's border colour is too light for text (1.4.3).
            color: banner.kind === "info" ? Theme.text : banner.border.color
            text: banner.kind === "error" ? "✖ " + qsTr("Error:")
                : banner.kind === "warning" ? "⚠ " + qsTr("Warning:")
                : banner.kind === "ok" ? "✔ " + qsTr("Done:") : "ℹ " + qsTr("Note:")
            Layout.alignment: Qt.AlignTop
        }
        Label {
            text: banner.text
            color: Theme.text
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
        Button {
            visible: banner.closable
            text: qsTr("Close")
            Accessible.name: qsTr("Close the message")
            onClicked: banner.closed()
        }
    }
}
