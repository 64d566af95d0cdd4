import QtQuick
import QtTest
import "Util.js" as Util

// The records screens against the real core and relay, in Swedish: the consent register
// (add with a document, withdraw, case close), the disclosure log (verified on the worker,
// exported as JSON and PDF) and contact verification (safety number and QR code).
TestCase {
    id: test
    name: "Records"
    when: windowShown
    width: 1200
    height: 900

    Component { id: mainComponent; Loader { source: "qrc:/Lagrum/qml/Main.qml" } }
    property var win

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
    // Presses a button the way the keyboard does (it may be scrolled out of the window).
    function press(name) {
        const b = item(name)
        verify(b.visible, name + " is not visible")
        verify(b.enabled, name + " is disabled")
        b.clicked()
    }
    function waitIdle() {
        tryVerify(() => !app.busy, 15000)
        compare(app.error, "")
    }
    function consentById(id) {
        const cs = app.records.consents
        for (let i = 0; i < cs.length; ++i) if (cs[i].id === id) return cs[i]
        return null
    }

    function test_1_consent_register() {
        openUnlocked("anna")
        mouseClick(Util.find(win.header, "section_records"))
        verify(item("recordsPage"))
        tryCompare(app.records, "consentCount", 0, 10000)

        // Add, with the signed document (any file: the register keeps its name and hash).
        item("consentSubjectField").text = "201005121239"
        item("consentTo_police").checked = true
        item("consentTo_school").checked = true
        item("consentPurposeField").text = "Samverkan kring skolgång"
        item("consentUntilField").text = "2027-06-30"
        item("consentDocumentField").text = fixture.world() + "/facts.json"
        press("addConsentButton")
        waitIdle()
        tryCompare(app.records, "consentCount", 1, 10000)
        const c = app.records.consents[0]
        compare(c.status, "given")
        compare(c.document, "facts.json")
        compare(c.validUntil, "2027-06-30")
        verify(c.signatureOk)
        compare(c.subject.length, 8)  // the pseudonym, never the number
        verify(c.recipients.indexOf("Polisen") >= 0, c.recipients)
        compare(c.givenBy, "vårdnadshavare")  // mid-sentence: "lämnat av vårdnadshavare"
        const status = item("consentStatus")
        verify(status.text.indexOf("✔") === 0 && status.text.indexOf("Lämnat") >= 0, status.text)

        // Withdraw it from its row.
        press("withdrawButton")
        waitIdle()
        tryVerify(() => consentById(c.id).status === "withdrawn", 10000)
        verify(app.records.lastChange.indexOf("upphörde") >= 0, app.records.lastChange)

        // A second consent, ended by closing the case.
        app.addConsent("201005121239", "subject", ["police"], "", "", "")
        waitIdle()
        tryCompare(app.records, "consentCount", 2, 10000)
        compare(app.records.consents[1].givenBy, "ungdomen själv")
        item("caseSubjectField").text = "201005121239"
        press("closeCaseButton")
        waitIdle()
        tryVerify(() => app.records.consents[1].status === "case_closed", 10000)
        compare(consentById(c.id).status, "withdrawn")  // an ended consent stays ended

        // A bad date and a missing document are refused with a message, nothing added.
        app.addConsent("201005121239", "guardian", ["police"], "", "30/6", "")
        verify(app.error.length > 0)
        app.clearError()
        app.addConsent("201005121239", "guardian", ["police"], "", "", fixture.world() + "/no-such-file")
        tryVerify(() => !app.busy && app.error.length > 0, 10000)
        app.clearError()
        compare(app.records.consentCount, 2)
    }

    function test_2_log_verify_and_export() {
        openUnlocked("anna")
        mouseClick(Util.find(win.header, "section_records"))
        item("recordsTabs").currentIndex = 1
        tryVerify(() => app.records.entryCount > 0, 10000)
        compare(app.records.verification, "")
        press("verifyLogButton")
        tryCompare(app.records, "verification", "ok", 15000)
        const line = item("logVerification").text
        verify(line.indexOf("✔") === 0 && line.indexOf("Loggen är hel") >= 0, line)
        compare(app.records.firstBad, 0)
        // The rows are the export's: the consent entries from the first test are there.
        let events = ""
        for (const e of app.records.entries) events += e.cells[2] + "|"
        verify(events.indexOf("Samtycke lämnat") >= 0, events)
        verify(events.indexOf("Skickat") >= 0, events)
        compare(app.records.entryHeader.length, 7)

        const json = fixture.world() + "/logg.json"
        item("logExportPathField").text = json
        item("logFormatBox").currentIndex = 1
        press("exportLogButton")
        tryVerify(() => !app.records.exporting && app.records.exportedPath === json, 20000)
        verify(fixture.fileSize(json) > 100)

        const pdf = fixture.world() + "/logg.pdf"
        app.exportLog(pdf, "pdf")
        tryVerify(() => !app.records.exporting && app.records.exportedPath === pdf, 30000)
        compare(app.error, "")
        verify(fixture.fileSize(pdf) > 1000)
    }

    function test_3_safety_number_and_qr() {
        openUnlocked("anna")
        mouseClick(Util.find(win.header, "section_records"))
        item("recordsTabs").currentIndex = 2
        tryVerify(() => app.compose.memberChoices.length > 0, 10000)
        const box = item("contactBox")
        tryVerify(() => box.currentIndex >= 0)
        press("showSafetyButton")
        tryVerify(() => app.records.safetyGroups.length === 12, 10000)
        for (const g of app.records.safetyGroups) verify(/^[0-9]{5}$/.test(g), g)
        const qr = item("safetyQr")
        tryCompare(qr, "status", Image.Ready, 10000)
        verify(qr.implicitWidth >= 100, "QR " + qr.implicitWidth)
    }
}
