import QtQuick
import QtTest
import "Util.js" as Util

// The provision wizard and a send through the real relay: the personnummer validated as
// it is typed and masked after entry, the provision's questions in the catalog's order,
// the live verdict (incomplete → blocked for the room with the school → allowed after the
// one-click suggestion), the send button only for an allowed verdict; then the police
// officer receives the message with its provision tag, and a tampered marking is flagged.
TestCase {
    id: test
    name: "Wizard"
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

    function test_1_wizard_and_send() {
        openUnlocked("anna")
        tryVerify(() => app.rooms.count === 2, 10000)
        app.openRoom("Unga i riskzon")
        mouseClick(item("newMessageButton"))
        verify(item("composePage"))
        compare(app.compose.room, "Unga i riskzon")
        compare(app.compose.verdict, "none")
        verify(!item("sendButton").enabled)

        // The personnummer, typed: a wrong check digit, then the right one.
        const subject = item("subjectField")
        subject.forceActiveFocus()
        keySequence("2,0,0,8,0,1,0,1,2,3,8,7")
        compare(app.compose.subjectState, "invalid")
        verify(item("subjectMessage").text.indexOf("Kontrollsiffran") >= 0, item("subjectMessage").text)
        keyClick(Qt.Key_Backspace)
        keyClick(Qt.Key_6)
        compare(app.compose.subjectState, "valid")
        keyClick(Qt.Key_Tab)  // leaving the field masks the number
        const masked = item("maskedSubject")
        tryVerify(() => masked.visible)
        verify(masked.text.indexOf("********-****") === 0 || masked.text.indexOf("************") === 0, masked.text)
        verify(masked.text.indexOf("2008") < 0)

        // The provision: its questions in the catalog's order, the verdict incomplete.
        app.compose.provision = "osl-10-18a"
        const ids = app.compose.questions.map(q => q.id)
        compare(ids, ["risk", "prevent", "not_inappropriate", "committed"])
        compare(app.compose.verdict, "incomplete")
        verify(app.compose.missingFacts.length > 0)
        verify(!item("sendButton").enabled)

        // Answering with the mouse and the keyboard.
        mouseClick(item("yes_risk_of_criminal_activity"))
        mouseClick(item("yes_not_inappropriate"))
        const no = item("no_concerns_committed_crime")
        no.forceActiveFocus()
        keyClick(Qt.Key_Space)
        compare(app.compose.answers["concerns_committed_crime"], false)
        // The room holds the school: 10 kap. 18 a § OSL does not reach it.
        compare(app.compose.verdict, "blocked")
        verify(app.compose.reasons.some(r => r.indexOf("Dora Dahl") === 0), app.compose.reasons.join("\n"))
        verify(!item("sendButton").enabled)
        const suggestion = item("suggestionButton")
        compare(suggestion.text, "Skicka bara till Cecilia Carlsson")

        // A minimisation warning appears with a sensitive category.
        app.compose.setCategory("health", true)
        verify(app.compose.warnings.length > 0)
        verify(app.compose.warnings[0].indexOf("hälso") >= 0, app.compose.warnings[0])

        mouseClick(suggestion)
        compare(app.compose.recipientMode, "member")
        compare(app.compose.member, "se.polisen.vast/cecilia")
        compare(app.compose.verdict, "allowed")
        verify(!item("sendButton").enabled)  // no text yet
        item("messageText").forceActiveFocus()
        keySequence("H,e,j")
        compare(app.compose.text, "Hej")
        verify(item("sendButton").enabled)
        mouseClick(item("sendButton"))
        tryVerify(() => !app.busy && app.notice.length > 0, 20000)
        compare(app.notice, "Skickat.")
        compare(app.error, "")
    }

    function test_2_police_receives_with_tag_and_flag() {
        openUnlocked("cecilia")
        // The two rooms and the new direct conversation from test 1.
        tryVerify(() => app.rooms.count === 3, 20000)
        app.openRoom("Soc och polis")
        tryVerify(() => app.messages.count >= 2, 10000)
        const list = item("messageList")
        tryVerify(() => list.count >= 2)
        list.positionViewAtBeginning()
        const tag = Util.findAll(list, "provisionTag").filter(t => t.visible)[0]
        verify(tag)
        compare(tag.text, "§ 10 kap. 18 a § OSL")
        tag.forceActiveFocus()
        verify(tag.ToolTip.visible, "the provision's text shows on focus")
        verify(tag.ToolTip.text.indexOf("18 a") >= 0, tag.ToolTip.text)
        // The tampered message: flagged with the reason, in words and a symbol.
        list.positionViewAtEnd()
        tryVerify(() => Util.findAll(list, "flagBox").some(f => f.visible))
        const flag = Util.findAll(list, "flagBox").filter(f => f.visible)[0]
        verify(flag.Accessible.name.indexOf("Sekretessmarkeringen klarade inte kontrollen") >= 0, flag.Accessible.name)
    }
}
