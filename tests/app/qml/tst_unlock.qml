import QtQuick
import QtTest
import "Util.js" as Util

// Unlock: no profile (first run), a wrong passphrase, a damaged store, then the right
// passphrase typed on the keyboard; Argon2id runs off the GUI thread (the window stays
// responsive while app.busy).
TestCase {
    id: test
    name: "Unlock"
    when: windowShown
    width: 800
    height: 600

    Component { id: mainComponent; Loader { source: "qrc:/Lagrum/qml/Main.qml" } }

    function openWindow(profile) {
        fixture.useProfile(profile)
        const loader = createTemporaryObject(mainComponent, test)
        tryVerify(() => loader.status === Loader.Ready)
        // Key events go to the active window: the app's, not the test's.
        loader.item.requestActivate()
        tryVerify(() => loader.item.active)
        return loader.item
    }

    function test_1_no_profile_shows_first_run() {
        const w = openWindow("empty")
        compare(app.screen, "setup")
        verify(Util.find(w.contentItem, "setupPage") !== null)
        verify(Util.find(w.contentItem, "createProfileButton") !== null)
    }

    function test_2_wrong_passphrase() {
        const w = openWindow("anna")
        compare(app.screen, "unlock")
        const field = Util.find(w.contentItem, "passphraseField")
        verify(field)
        field.forceActiveFocus()
        for (const c of "fel") keyClick(c)
        keyClick(Qt.Key_Return)
        tryVerify(() => !app.busy && app.error.length > 0, 10000)
        compare(app.screen, "unlock")
        verify(app.error.indexOf("Fel lösenfras") >= 0, app.error)
        compare(field.text, "")  // the field is cleared after each attempt
    }

    function test_3_damaged_store() {
        openWindow("damaged")
        app.unlock("testpass")
        tryVerify(() => !app.busy && app.error.length > 0, 10000)
        compare(app.screen, "unlock")
        verify(app.error.indexOf("skadade") >= 0, app.error)
    }

    function test_4_unlock_with_keyboard() {
        const w = openWindow("anna")
        const field = Util.find(w.contentItem, "passphraseField")
        field.forceActiveFocus()
        for (const c of "testpass") keyClick(c)
        keyClick(Qt.Key_Tab)  // to the Unlock button
        const button = Util.find(w.contentItem, "unlockButton")
        verify(button.activeFocus)
        keyClick(Qt.Key_Space)
        tryVerify(() => app.screen === "main" || app.error.length > 0, 10000)
        compare(app.error, "")
        compare(app.screen, "main")
        compare(app.selfAddress, "se.boras.soc/anna")
        verify(app.readyMs > 0)
        tryVerify(() => app.rooms.count === 2, 10000)
        tryVerify(() => app.online, 10000)
        const indicator = Util.find(w.contentItem, "onlineIndicator")
        verify(indicator.text.indexOf("Ansluten") >= 0, indicator.text)
    }

    // The first sync after unlock shows an indeterminate progress line with a text and an
    // accessible name, and it goes away when the sync is done. Recorded as the footer's
    // visibility changes (no polling of a moment that may be short).
    property var syncStates: []
    property var syncWindow: null
    Connections {
        id: syncWatch
        target: null
        function onVisibleChanged() {
            const bar = syncWatch.target
            const text = Util.find(bar, "syncProgressText")
            const online = test.syncWindow ? Util.find(test.syncWindow.contentItem, "onlineIndicator") : null
            test.syncStates.push({ visible: bar.visible, firstSync: app.firstSync,
                                   indicator: online ? online.text : "?",
                                   text: text ? text.text : "", name: a11y.name(bar),
                                   role: a11y.role(bar), rooms: app.rooms.count,
                                   busy: app.busy })
        }
    }
    function test_6_first_sync_shows_progress() {
        const w = openWindow("anna")
        const bar = w.footer
        verify(bar)
        compare(bar.objectName, "syncProgress")
        verify(!bar.visible)
        syncStates = []
        syncWindow = w
        syncWatch.target = bar
        app.unlock("testpass")
        tryCompare(app, "screen", "main", 10000)
        tryVerify(() => syncStates.length >= 2, 20000, JSON.stringify(syncStates))
        syncWatch.target = null
        const shown = syncStates[0], hidden = syncStates[1]
        verify(shown.visible && shown.firstSync, JSON.stringify(shown))
        verify(!shown.busy, "the unlock overlay is gone while the first sync runs")
        compare(shown.text, "Hämtar meddelanden…")
        compare(shown.name, "Hämtar meddelanden…")
        compare(shown.role, 0x30)  // QAccessible::ProgressBar
        // Before the relay has answered once, the window says so, not "offline".
        verify(shown.indicator.indexOf("Ansluter") >= 0, shown.indicator)
        verify(!hidden.visible && !hidden.firstSync, JSON.stringify(hidden))
        verify(hidden.rooms >= 2, "the rooms are listed when the line goes away")
        compare(syncStates.length, 2, "shown once, hidden once: " + JSON.stringify(syncStates))
        // English when selected.
        app.language = "en"
        compare(Util.find(bar, "syncProgressText").text, "Fetching messages…")
        app.language = "sv"
    }

    function test_5_english() {
        openWindow("anna")
        app.language = "en"
        app.unlock("wrong")
        tryVerify(() => !app.busy && app.error.length > 0, 10000)
        verify(app.error.indexOf("Wrong passphrase") >= 0, app.error)
        app.language = "sv"
    }
}
