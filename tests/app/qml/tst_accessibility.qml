import QtQuick
import QtTest
import "Util.js" as Util

// WCAG 2.1 4.1.2 (Name, Role, Value) and 2.1.1 (Keyboard): every control on every screen
// has an accessible name and role, and every control that can be clicked is in the Tab
// chain. The names and roles are read in C++ (a11y, tst_app.cpp) through the items'
// QAccessibleInterface, as a screen reader gets them.
//
// Screens: first run, unlock (with an error), the conversation list, a conversation with
// messages, the compose wizard with a provision's questions, a blocked verdict and its
// suggestion; then every page Main's navigation reaches (each TabButton, followed
// depth first, so new sections are covered without touching this file), and every
// *Page.qml of the module on its own; in Swedish and in English.
TestCase {
    id: test
    name: "Accessibility"
    when: windowShown
    width: 1200
    height: 900

    Component { id: mainComponent; Loader { source: "qrc:/Lagrum/qml/Main.qml" } }
    property int checked: 0
    property var walked: []

    function walk(win, where) {
        const r = a11y.walk(win.contentItem, where)
        verify(r.checked > 0, where + ": no controls found")
        checked += r.checked
        walked.push(where + " (" + r.checked + ")")
        compare(r.problems.length, 0, "\n" + r.problems.join("\n"))
    }

    function followTabs(win, where, seen) {
        const tabs = a11y.tabButtons(win.contentItem)
        for (let i = 0; i < tabs.length; ++i) {
            const t = tabs[i]
            const key = t.objectName.length > 0 ? t.objectName : t.text
            if (seen.indexOf(key) >= 0) continue
            seen.push(key)
            t.clicked()
            walk(win, where + ">" + key)
            followTabs(win, where + ">" + key, seen)
        }
    }

    function open(profile, lang) {
        fixture.useProfile(profile)
        const loader = createTemporaryObject(mainComponent, test)
        tryVerify(() => loader.status === Loader.Ready)
        app.language = lang
        return loader.item
    }

    function screens(lang) {
        let win = open("empty", lang)
        walk(win, lang + ":setup")

        win = open("anna", lang)
        walk(win, lang + ":unlock")
        app.unlock("wrong")
        tryVerify(() => !app.busy && app.error.length > 0, 10000)
        walk(win, lang + ":unlock-error")
        app.clearError()
        app.unlock("testpass")
        tryCompare(app, "screen", "main", 10000)
        tryVerify(() => app.rooms.count >= 2, 10000)
        walk(win, lang + ":conversations")
        app.openRoom("Soc och polis")
        tryVerify(() => app.messages.count >= 1, 10000)
        tryVerify(() => Util.findAll(win.contentItem, "provisionTag").length > 0)
        walk(win, lang + ":conversation")
        mouseClick(Util.find(win.contentItem, "newMessageButton"))
        app.compose.room = "Unga i riskzon"
        app.compose.subject = "200801012386"
        app.compose.provision = "osl-10-18a"
        for (const q of app.compose.questions)
            for (const f of q.facts)
                if (f.type === "boolean") app.compose.setFact(f.name, f.name !== "concerns_committed_crime")
        app.compose.setCategory("health", true)
        compare(app.compose.verdict, "blocked")
        tryVerify(() => Util.find(win.contentItem, "suggestionButton") !== null)
        walk(win, lang + ":compose")

        followTabs(win, lang + ":main", [])

        // Every page of the module on its own, over the unlocked window (its palette).
        const urls = a11y.pageUrls()
        verify(urls.length >= 4, urls.join(", "))
        for (const url of urls) {
            const c = Qt.createComponent(url)
            compare(c.status, Component.Ready, url + ": " + c.errorString())
            const page = c.createObject(win.contentItem, { width: win.width, height: win.height - 60 })
            verify(page, url)
            walk(win, lang + ":" + url.split("/").pop())
            page.destroy()
            wait(0)  // let the deferred destroy run before the next walk
        }
        app.language = "sv"
    }

    function test_swedish() { screens("sv") }
    function test_english() { screens("en") }
    function cleanupTestCase() { console.log("accessibility: " + checked + " controls checked on " + walked.join(", ")) }
}
