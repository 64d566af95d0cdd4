pragma Singleton
import QtQuick

// Light and dark colours. Every text/background pair here has a contrast ratio of at
// least 4.5:1 (WCAG 2.1 AA 1.4.3); state is never shown by colour alone (each coloured
// element also has a symbol and a word).
QtObject {
    property bool dark: false
    readonly property color background: dark ? "#1b1c1f" : "#ffffff"
    readonly property color surface: dark ? "#26282c" : "#f1f3f5"
    readonly property color text: dark ? "#f1f1f1" : "#1a1a1a"
    readonly property color muted: dark ? "#c3c7cd" : "#4a5058"
    readonly property color accent: dark ? "#9cc2ff" : "#0b57d0"
    readonly property color onAccent: dark ? "#10223f" : "#ffffff"
    readonly property color ok: dark ? "#8be0ad" : "#0f6634"
    readonly property color bad: dark ? "#ffaaa5" : "#a3141a"
    readonly property color warn: dark ? "#ffd27a" : "#744700"
    readonly property color border: dark ? "#6b7079" : "#8a9099"
    readonly property color selection: dark ? "#33425c" : "#dbe7fb"
    readonly property int spacing: 8
}
