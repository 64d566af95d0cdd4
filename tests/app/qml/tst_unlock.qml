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

    function test_5_english() {
        openWindow("anna")
        app.language = "en"
        app.unlock("wrong")
        tryVerify(() => !app.busy && app.error.length > 0, 10000)
        verify(app.error.indexOf("Wrong passphrase") >= 0, app.error)
        app.language = "sv"
    }
}
