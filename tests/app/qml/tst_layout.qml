import QtQuick
import QtQuick.Window
import QtTest
import "Util.js" as Util

// WCAG 2.1 1.4.4 / 1.4.10 at 125 % and 150 % (ctest runs this file twice with
// QT_SCALE_FACTOR and the panel size in LAGRUM_APP_TEST_PANEL): the window is the logical
// size such a laptop gives, and on every main screen no text is cut off, no button is
// squeezed below its text, and every control is inside the window or in a view that
// scrolls to it (a11y.layoutProblems, tst_app.cpp).
TestCase {
    id: test
    name: "Layout"
    when: windowShown
    width: 400
    height: 300

    Component { id: mainComponent; Loader { source: "qrc:/Lagrum/qml/Main.qml" } }
    property var win

    function open(profile) {
        fixture.useProfile(profile)
        const loader = createTemporaryObject(mainComponent, test)
        tryVerify(() => loader.status === Loader.Ready)
        win = loader.item
        const panel = (app.env("LAGRUM_APP_TEST_PANEL") || "1280x800").split("x")
        const scale = win.Screen.devicePixelRatio
        win.width = Math.floor(Number(panel[0]) / scale)
        win.height = Math.floor(Number(panel[1]) / scale) - 40  // the desktop's panel
        return win
    }
    function check(where) {
        // Layouts settle in the next polish pass.
        tryVerify(() => win.contentItem.width === win.width)
        waitForRendering(win.contentItem)
        const p = a11y.layoutProblems(win.contentItem, where + "@" + win.width + "x" + win.height)
        compare(p.length, 0, "\n" + p.join("\n"))
    }

    function test_screens() {
        verify(Screen.devicePixelRatio >= 1.0)
        console.log("layout: device pixel ratio " + Screen.devicePixelRatio)
        open("empty")
        check("setup")
        open("anna")
        check("unlock")
        app.unlock("wrong")
        tryVerify(() => !app.busy && app.error.length > 0, 10000)
        check("unlock-error")
        app.unlock("testpass")
        tryCompare(app, "screen", "main", 10000)
        tryVerify(() => app.rooms.count >= 2, 10000)
        app.openRoom("Soc och polis")
        tryVerify(() => app.messages.count >= 1, 10000)
        check("conversation")
        mouseClick(Util.find(win.contentItem, "newMessageButton"))
        app.compose.room = "Unga i riskzon"
        app.compose.subject = "200801012386"
        app.compose.provision = "osl-10-18a"
        // The longest verdict (a refused recipient and every question still open): Send
        // and Cancel stay inside the window, not only reachable by scrolling.
        check("compose-unanswered")
        for (const name of ["sendButton", "cancelButton"]) {
            const b = Util.find(win.contentItem, name)
            const y = b.mapToItem(win.contentItem, 0, 0).y
            verify(y >= 0 && y + b.height <= win.contentItem.height,
                   name + " at y " + y + " (height " + b.height + ") in " + win.contentItem.height)
        }
        for (const q of app.compose.questions)
            for (const f of q.facts)
                if (f.type === "boolean") app.compose.setFact(f.name, f.name !== "concerns_committed_crime")
        app.compose.setCategory("health", true)
        compare(app.compose.verdict, "blocked")
        check("compose-blocked")
        app.language = "en"
        check("compose-blocked-en")
        app.language = "sv"
    }
}
