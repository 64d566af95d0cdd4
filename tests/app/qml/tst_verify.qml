import QtQuick
import QtTest
import "Util.js" as Util

// Contact verification in the app against the real core and relay, in Swedish: "Markera
// som verifierad" beside the safety number, the badge (a symbol and a word) in the
// contact list and the room member list, removing the mark, and a contact's new device
// ending the mark (the second device is made through the real CLI).
TestCase {
    id: test
    name: "Verify"
    when: windowShown
    width: 1200
    height: 900

    Component { id: mainComponent; Loader { source: "qrc:/Lagrum/qml/Main.qml" } }
    property var win
    readonly property string cecilia: "se.polisen.vast/cecilia"

    function openUnlocked(profile) {
        fixture.useProfile(profile)
        const loader = createTemporaryObject(mainComponent, test)
        tryVerify(() => loader.status === Loader.Ready)
        win = loader.item
        app.unlock("testpass")
        tryCompare(app, "screen", "main", 10000)
        return win
    }
    function item(name) {
        const i = Util.find(win.contentItem, name)
        verify(i, "no item " + name)
        return i
    }
    function press(name) {
        const b = item(name)
        verify(b.visible, name + " is not visible")
        verify(b.enabled, name + " is disabled")
        b.clicked()
    }
    function cli(args) {
        const r = fixture.cli(args)
        compare(r.code, 0, "lagrum " + args.join(" ") + ": " + r.err)
        return r.out
    }
    // The first visible item under `root` whose text contains `part`, or null.
    function textUnder(root, part) {
        if (!root || !root.visible) return null
        if (typeof root.text === "string" && root.text.indexOf(part) >= 0) return root
        const kids = root.children || []
        for (let i = 0; i < kids.length; ++i) {
            const f = textUnder(kids[i], part)
            if (f) return f
        }
        if (root.contentItem && root.contentItem !== root) return textUnder(root.contentItem, part)
        return null
    }
    function choice(address) {
        const cs = app.compose.memberChoices
        for (let i = 0; i < cs.length; ++i) if (cs[i].address === address) return i
        return -1
    }
    // Records → Verify a contact, the safety number with `address` on screen.
    function showSafety(address) {
        mouseClick(Util.find(win.header, "section_records"))
        item("recordsTabs").currentIndex = 2
        tryVerify(() => choice(address) >= 0, 10000)
        item("contactBox").currentIndex = choice(address)
        press("showSafetyButton")
        tryVerify(() => app.records.safetyGroups.length === 12 && app.records.safetyContact === address, 10000)
    }

    function test_1_mark_and_unmark() {
        openUnlocked("anna")
        showSafety(cecilia)
        compare(app.records.safetyVerified, false)
        compare(app.records.safetyVerificationLost, false)
        const state = item("safetyVerifiedState")
        verify(state.text.indexOf("Inte verifierad") >= 0, state.text)
        compare(item("unmarkVerifiedButton").enabled, false)

        press("markVerifiedButton")
        tryVerify(() => app.records.safetyVerified, 10000)
        compare(app.error, "")
        verify(state.text.indexOf("✔") === 0 && state.text.indexOf("Verifierad") >= 0, state.text)
        compare(item("markVerifiedButton").enabled, false)
        // The badge, a symbol and a word, in the contact list; Dora is not verified.
        tryVerify(() => item("contactState_" + cecilia).text.indexOf("✔ Verifierad") >= 0, 10000)
        verify(item("contactState_se.boras.skola/dora").text.indexOf("Inte verifierad") >= 0,
               item("contactState_se.boras.skola/dora").text)
        compare(app.compose.memberChoices[choice(cecilia)].verified, true)
        // The room member list (the conversations' rows) says it in words too.
        mouseClick(Util.find(win.header, "section_conversations"))
        tryVerify(() => textUnder(win.contentItem, "Cecilia Carlsson (✔ verifierad)") !== null, 10000)
        verify(textUnder(win.contentItem, "Dora Dahl (✔") === null)
        showSafety(cecilia)

        press("unmarkVerifiedButton")
        tryVerify(() => !app.records.safetyVerified, 10000)
        // The Records page was made again when it was opened again: read it anew.
        const again = item("safetyVerifiedState")
        verify(again.text.indexOf("Inte verifierad") >= 0, again.text)
        tryVerify(() => item("contactState_" + cecilia).text.indexOf("Inte verifierad") >= 0, 10000)

        press("markVerifiedButton")
        tryVerify(() => app.records.safetyVerified, 10000)

        // Marking rebuilds the contact list (its badges); the box beside the safety
        // number keeps naming the contact it belongs to, also when that is not the first.
        showSafety("se.boras.skola/dora")
        verify(choice("se.boras.skola/dora") > 0)
        press("markVerifiedButton")
        tryVerify(() => app.records.safetyVerified, 10000)
        tryVerify(() => item("contactState_se.boras.skola/dora").text.indexOf("✔ Verifierad") >= 0, 10000)
        tryCompare(item("contactBox"), "currentValue", "se.boras.skola/dora", 2000)
        compare(app.records.safetyContact, "se.boras.skola/dora")
        press("unmarkVerifiedButton")
        tryVerify(() => !app.records.safetyVerified, 10000)
    }

    function test_2_new_device_ends_the_mark() {
        // Anna's profile closed (a folder without a profile behind `app`), then, through
        // the real CLI: Cecilia's second device, and a room Anna shares with it.
        fixture.useProfile("empty")
        const world = fixture.world()
        const init = JSON.parse(cli(["--profile", "cecilia2", "init", "--relay", "unix:" + world + "/relay.sock",
                                     "--trust", "soc/anchor.txtpb", "--trust", "pol/anchor.txtpb",
                                     "--trust", "skola/anchor.txtpb", "--kdf", "test", "--json"]))
        cli(["org", "issue", "pol", "--member", "cecilia", "--name", "Cecilia Carlsson", "--role", "polis",
             "--device-key", init.device_key, "--out", "cecilia2.cert"])
        cli(["--profile", "cecilia2", "cert", "import", "cecilia2.cert"])
        const before = JSON.parse(cli(["--profile", "anna", "verify", cecilia, "--json"]))
        compare(before.verified, true)
        cli(["--profile", "anna", "room", "create", "Ny enhet", "--members", cecilia])
        const after = JSON.parse(cli(["--profile", "anna", "verify", cecilia, "--json"]))
        compare(after.verified, false)
        compare(after.verification_lost, true)
        verify(after.safety_number !== before.safety_number)

        openUnlocked("anna")
        showSafety(cecilia)
        compare(app.records.safetyVerified, false)
        compare(app.records.safetyVerificationLost, true)
        const state = item("safetyVerifiedState")
        verify(state.text.indexOf("⚠") === 0 && state.text.indexOf("Inte längre verifierad") >= 0, state.text)
        tryVerify(() => item("contactState_" + cecilia).text.indexOf("⚠ Inte längre verifierad") >= 0, 10000)
        verify(item("markVerifiedButton").enabled)

        // Compared again: the new number is marked.
        press("markVerifiedButton")
        tryVerify(() => app.records.safetyVerified, 10000)
        compare(app.error, "")
        compare(app.records.safetyGroups.join(" "), after.safety_number)
    }
}
