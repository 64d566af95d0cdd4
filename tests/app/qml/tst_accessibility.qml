import QtQuick
import QtTest
import "Util.js" as Util

// WCAG 2.1 (4.1.2 Name, Role, Value): every control reachable with Tab has an accessible
// name, on every screen: first run, unlock, the conversation list, a conversation with
// messages, and the compose wizard with a provision's questions, a verdict and a
// suggestion; in Swedish and in English.
TestCase {
    id: test
    name: "Accessibility"
    when: windowShown
    width: 1200
    height: 900

    Component { id: mainComponent; Loader { source: "qrc:/Lagrum/qml/Main.qml" } }

    function walk(win, screen) {
        const bad = Util.unnamedFocusable(win.contentItem, [], screen)
        // The header (language, theme) is outside contentItem.
        Util.unnamedFocusable(win.header, bad, screen + "/header")
        compare(bad.length, 0, "focusable without an accessible name: " + bad.join(", "))
    }

    function screens(lang) {
        fixture.useProfile("empty")
        let loader = createTemporaryObject(mainComponent, test)
        tryVerify(() => loader.status === Loader.Ready)
        app.language = lang
        walk(loader.item, lang + ":setup")
        loader.destroy()

        fixture.useProfile("anna")
        loader = createTemporaryObject(mainComponent, test)
        tryVerify(() => loader.status === Loader.Ready)
        app.language = lang
        const win = loader.item
        walk(win, lang + ":unlock")
        app.unlock("testpass")
        tryCompare(app, "screen", "main", 10000)
        tryVerify(() => app.rooms.count >= 2, 10000)
        walk(win, lang + ":conversations")
        app.openRoom("Soc och polis")
        tryVerify(() => app.messages.count >= 1, 10000)
        wait(0)
        walk(win, lang + ":conversation")
        mouseClick(Util.find(win.contentItem, "newMessageButton"))
        app.compose.room = "Unga i riskzon"
        app.compose.subject = "200801012386"
        app.compose.provision = "osl-10-18a"
        app.compose.setFact("risk_of_criminal_activity", true)
        app.compose.setFact("not_inappropriate", true)
        app.compose.setFact("concerns_committed_crime", false)
        compare(app.compose.verdict, "blocked")
        wait(0)
        walk(win, lang + ":compose")
        app.language = "sv"
    }

    function test_swedish() { screens("sv") }
    function test_english() { screens("en") }
}
