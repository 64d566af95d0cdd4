import QtQuick
import QtTest
import "Util.js" as Util

// WCAG 2.1 2.4.3 (focus order) and 2.1.1 (keyboard): Tab moves through each page in
// reading order (the header, then the page from top to bottom), Shift+Tab goes back the
// same way, and the keyboard alone unlocks and fills the wizard.
TestCase {
    id: test
    name: "Focus"
    when: windowShown
    width: 1200
    height: 900

    Component { id: mainComponent; Loader { source: "qrc:/Lagrum/qml/Main.qml" } }
    property var win

    function open(profile) {
        fixture.useProfile(profile)
        const loader = createTemporaryObject(mainComponent, test)
        tryVerify(() => loader.status === Loader.Ready)
        win = loader.item
        // Key events go to the active window: the app's, not the test's.
        win.requestActivate()
        tryVerify(() => win.active)
        return win
    }
    function focused() {
        const f = win.activeFocusItem
        return f ? (f.objectName.length > 0 ? f.objectName : String(f)) : "none"
    }
    // Presses `key` until focus is back on the start, at most `limit` times.
    function cycle(key, modifiers, limit) {
        const start = focused()
        const seen = [start]
        for (let i = 0; i < limit; ++i) {
            keyClick(key, modifiers)
            const now = focused()
            if (now === start) return seen
            seen.push(now)
        }
        fail("focus did not come back to " + start + " after " + limit + ": " + seen.join(" → "))
    }
    function rotateTo(list, first) {
        const i = list.indexOf(first)
        verify(i >= 0, first + " not in " + list.join(", "))
        return list.slice(i).concat(list.slice(0, i))
    }

    function test_1_unlock_page() {
        open("anna")
        // The passphrase field has focus when the page opens.
        tryVerify(() => win.activeFocusItem && win.activeFocusItem.objectName === "passphraseField")
        const forward = cycle(Qt.Key_Tab, Qt.NoModifier, 20)
        // Reading order: the header (language, theme), then the page.
        compare(forward, rotateTo(["languageBox", "darkSwitch", "passphraseField", "unlockButton"],
                                  "passphraseField"))
        const backward = cycle(Qt.Key_Backtab, Qt.ShiftModifier, 20)
        compare(backward, [forward[0]].concat(forward.slice(1).reverse()))
    }

    function test_2_wizard() {
        open("anna")
        for (const c of "testpass") keyClick(c)
        keyClick(Qt.Key_Return)
        tryVerify(() => app.screen === "main" || app.error.length > 0, 10000)
        compare(app.error, "")
        tryVerify(() => app.rooms.count >= 2, 10000)
        const newMessage = Util.find(win.contentItem, "newMessageButton")
        newMessage.forceActiveFocus(Qt.TabFocusReason)
        keyClick(Qt.Key_Space)
        tryVerify(() => Util.find(win.contentItem, "composePage") !== null)
        // The room by keyboard: the first radio is "A room"; the room box follows.
        app.compose.room = "Unga i riskzon"
        app.compose.provision = "osl-10-18a"
        const expected = ["toRoomRadio", "toMemberRadio", "roomBox", "subjectField", "provisionBox"]
        for (const q of app.compose.questions)
            for (const f of q.facts) {
                if (f.type === "boolean") expected.push("yes_" + f.name, "no_" + f.name)
                else expected.push("fact_" + f.name)
            }
        for (const c of app.compose.categories) expected.push("category_" + c.name)
        expected.push("messageText")
        // Send is disabled (no verdict yet): Tab skips it.
        expected.push("cancelButton")
        Util.find(win.contentItem, "toRoomRadio").forceActiveFocus(Qt.TabFocusReason)
        const seen = [focused()]
        for (let i = 1; i < expected.length; ++i) {
            keyClick(Qt.Key_Tab)
            seen.push(focused())
        }
        compare(seen, expected)
        // Typing the personnummer by keyboard from its place in the order.
        Util.find(win.contentItem, "subjectField").forceActiveFocus(Qt.TabFocusReason)
        for (const c of "200801012386") keyClick(c)
        compare(app.compose.subjectState, "valid")
        // Answers by keyboard: Space on a focused radio button.
        for (const q of app.compose.questions)
            for (const f of q.facts)
                if (f.type === "boolean") {
                    const b = Util.find(win.contentItem, (f.name === "concerns_committed_crime" ? "no_" : "yes_") + f.name)
                    b.forceActiveFocus(Qt.TabFocusReason)
                    keyClick(Qt.Key_Space)
                }
        compare(app.compose.verdict, "blocked")
        // The suggestion and, once allowed, Send are reachable with Tab from the text.
        const suggestion = Util.find(win.contentItem, "suggestionButton")
        suggestion.forceActiveFocus(Qt.TabFocusReason)
        keyClick(Qt.Key_Space)
        compare(app.compose.verdict, "allowed")
        Util.find(win.contentItem, "messageText").forceActiveFocus(Qt.TabFocusReason)
        for (const c of "Hej") keyClick(c)
        keyClick(Qt.Key_Tab)
        compare(focused(), "sendButton")
    }
}
