pragma Singleton
import QtQuick

// Light and dark colours. Every text/background pair here has a contrast ratio of at
// least 4.5:1 (WCAG 2.1 AA 1.4.3), checked for every control state in both themes by
// tests/app/qml/tst_contrast.qml; state is never shown by colour alone (each coloured
// element also has a symbol and a word).
//
// How Main.qml maps these onto the Basic style's palette, and why:
// - a highlighted Button is `dark` behind `brightText`: accent behind textOnAccent;
// - a highlighted ItemDelegate (the row under the keyboard in a ComboBox's list) keeps
//   its `light` background and writes `highlightedText` on it, so highlightedText must be
//   the ordinary text colour, and `highlight` (text selection, focus frames) is
//   `focusRing`: dark text stays readable on it (>= 4.5:1) and it stands out against
//   the background as a focus frame (>= 3:1);
// - a flat Button with keyboard focus writes its text in `highlight`, which is below
//   4.5:1 for text: flat buttons set their own contentItem colour (the provision tag);
// - disabled controls use muted text on the surface colour, readable but visibly off.
QtObject {
    property bool dark: false
    readonly property color background: dark ? "#1b1c1f" : "#ffffff"
    readonly property color surface: dark ? "#26282c" : "#f1f3f5"
    readonly property color text: dark ? "#f1f1f1" : "#1a1a1a"
    readonly property color muted: dark ? "#c3c7cd" : "#4a5058"
    readonly property color accent: dark ? "#9cc2ff" : "#0b57d0"
    // Not "onAccent": QML reads a property named on<Upper>… as a signal handler, and
    // Theme.onAccent was undefined (black text on the blue buttons).
    readonly property color textOnAccent: dark ? "#10223f" : "#ffffff"
    readonly property color ok: dark ? "#8be0ad" : "#0f6634"
    readonly property color bad: dark ? "#ffaaa5" : "#a3141a"
    readonly property color warn: dark ? "#ffd27a" : "#744700"
    readonly property color border: dark ? "#6b7079" : "#8a9099"
    readonly property color selection: dark ? "#33425c" : "#dbe7fb"
    readonly property color focusRing: dark ? "#3b66bf" : "#4f86e8"
    readonly property int spacing: 8
}
