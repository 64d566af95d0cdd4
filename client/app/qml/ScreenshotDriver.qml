import QtQuick
import Lagrum

// Test-only: walks the main flows and writes a PNG per step (LAGRUM_APP_SCREENSHOTS=DIR),
// then quits. The draft comes from LAGRUM_APP_SHOT_* variables set by screenshots.sh.
Item {
    id: driver
    property var window
    property int step: 0
    property int waited: 0
    readonly property string dir: app.env("LAGRUM_APP_SCREENSHOTS")
    readonly property string prefix: dir + "/" + app.language + "-"

    function find(item, name) {
        if (!item) return null
        if (item.objectName === name) return item
        for (let i = 0; i < item.children.length; ++i) {
            const f = find(item.children[i], name)
            if (f) return f
        }
        return null
    }
    // Scrolls the page so that the item named `name` is in view (long meeting pages).
    function scrollTo(name) {
        const target = find(window.contentItem, name)
        if (!target) return
        let p = target.parent
        while (p && !(p.contentItem && p.contentItem.contentY !== undefined)) p = p.parent
        if (!p) return
        const flick = p.contentItem
        const y = target.mapToItem(flick.contentItem, 0, 0).y
        flick.contentY = Math.max(0, Math.min(y - 120, flick.contentHeight - flick.height))
    }
    function shot(name) {
        const ok = app.saveScreenshot(window, prefix + name + ".png")
        app.logLine("screenshot " + prefix + name + ".png " + (ok ? "written" : "FAILED"))
    }
    // Each step: a condition to wait for (bounded), then an action.
    readonly property var steps: [
        { until: () => app.screen === "unlock", run: () => shot("01-unlock") },
        { until: () => true, run: () => { app.unlock("wrong passphrase"); } },
        { until: () => !app.busy && app.error.length > 0, run: () => shot("02-unlock-wrong-passphrase") },
        { until: () => true, run: () => { app.clearError(); app.unlock(app.env("LAGRUM_APP_SHOT_PASSPHRASE")) } },
        { until: () => app.screen === "main" && app.rooms.count > 0, run: () => shot("03-conversations") },
        { until: () => true, run: () => app.openRoom(app.env("LAGRUM_APP_SHOT_CONVERSATION")) },
        { until: () => app.messages.count > 0, run: () => shot("04-conversation") },
        { until: () => true, run: () => {
              const tag = find(window.contentItem, "provisionTag")
              if (tag) tag.forceActiveFocus()
          } },
        { until: () => true, run: () => shot("05-provision-tooltip") },
        { until: () => true, run: () => {
              const page = find(window.contentItem, "conversationsPage")
              app.compose.reset()
              app.compose.room = app.env("LAGRUM_APP_SHOT_ROOM")
              page.composing = true
          } },
        { until: () => true, run: () => { app.compose.subject = "2008010"; } },
        { until: () => true, run: () => shot("06-wizard-subject-typing") },
        { until: () => true, run: () => {
              app.compose.subject = app.env("LAGRUM_APP_SHOT_SUBJECT")
              app.compose.provision = app.env("LAGRUM_APP_SHOT_PROVISION")
          } },
        { until: () => true, run: () => shot("07-wizard-incomplete") },
        { until: () => true, run: () => {
              const facts = JSON.parse(app.env("LAGRUM_APP_SHOT_FACTS"))
              for (const k in facts) app.compose.setFact(k, facts[k])
              app.compose.setCategory("health", true)
              app.compose.text = app.env("LAGRUM_APP_SHOT_TEXT")
              const field = find(window.contentItem, "subjectField")
              if (field) { field.forceActiveFocus(); field.editingFinished() }
          } },
        { until: () => app.compose.verdict === "blocked", run: () => {
              const s = find(window.contentItem, "suggestionButton")
              if (s) s.forceActiveFocus()
              shot("08-wizard-blocked")
          } },
        { until: () => true, run: () => app.compose.applySuggestion(0) },
        { until: () => app.compose.verdict === "allowed", run: () => shot("09-wizard-allowed") },
        { until: () => true, run: () => app.send() },
        { until: () => !app.busy && app.notice.length > 0, run: () => shot("10-sent") },
        { until: () => true, run: () => app.dark = true },
        { until: () => true, run: () => shot("11-dark-conversations") },
        { until: () => true, run: () => {
              const page = find(window.contentItem, "conversationsPage")
              app.compose.reset()
              app.compose.room = app.env("LAGRUM_APP_SHOT_ROOM")
              app.compose.subject = app.env("LAGRUM_APP_SHOT_SUBJECT")
              app.compose.provision = app.env("LAGRUM_APP_SHOT_PROVISION")
              page.composing = true
          } },
        { until: () => true, run: () => {} },
        { until: () => true, run: () => shot("12-dark-wizard") },
        // The dark wizard blocked, with the one-click minimisation suggestion above Send.
        { until: () => true, run: () => {
              const facts = JSON.parse(app.env("LAGRUM_APP_SHOT_FACTS"))
              for (const k in facts) app.compose.setFact(k, facts[k])
              app.compose.setCategory("health", true)
              app.compose.text = app.env("LAGRUM_APP_SHOT_TEXT")
          } },
        { until: () => app.compose.verdict === "blocked", run: () => shot("12b-dark-wizard-blocked") },
        // Risk meeting to signed minutes, and the records (MeetingsPage, RecordsPage).
        { until: () => true, run: () => { app.dark = false; window.height = 1000; window.section = "meetings" } },
        { until: () => find(window.contentItem, "meetingsPage") !== null, run: () =>
              app.createMeeting("URF december", "Unga i riskzon, december", "2026-12-07 09:00",
                                app.env("LAGRUM_APP_SHOT_MEMBERS").split(",")) },
        { until: () => !app.busy && app.meetings.state === "scheduled", run: () =>
              app.addAgendaItem(app.env("LAGRUM_APP_SHOT_MEETING_SUBJECT")) },
        { until: () => !app.busy && app.meetings.agenda.length === 1, run: () =>
              app.addAgendaItem(app.env("LAGRUM_APP_SHOT_SUBJECT")) },
        { until: () => !app.busy && app.meetings.agenda.length === 2, run: () => shot("13-meeting-agenda") },
        { until: () => true, run: () => app.openMeeting() },
        { until: () => !app.busy && app.meetings.state === "open", run: () => {
              app.clearNotice()
              find(window.contentItem, "shareSubjectField").text = app.env("LAGRUM_APP_SHOT_MEETING_SUBJECT")
              app.shareDraft.provision = app.env("LAGRUM_APP_SHOT_PROVISION")
              const facts = JSON.parse(app.env("LAGRUM_APP_SHOT_FACTS"))
              for (const k in facts) app.shareDraft.setFact(k, facts[k])
              find(window.contentItem, "shareTextField").text = "Rekryteras till narkotikaförsäljning enligt källa."
          } },
        { until: () => app.shareDraft.verdict === "blocked", run: () => {
              const f = find(window.contentItem, "shareForm")
              if (f) f.forceActiveFocus()
              scrollTo("shareVerdictBox")
          } },
        { until: () => true, run: () => shot("14-meeting-share-blocked") },
        { until: () => true, run: () => {
              app.shareDraft.provision = "osl-10-15a"
              app.shareDraft.setFact("purpose_15a", "prevent_criminal_activity")
              app.shareDraft.setFact("needed_for_purpose", true)
              app.shareDraft.setFact("protected_interest_outweighs", false)
              find(window.contentItem, "shareTextField").text = "Orosanmälan från skolan i oktober; utredning pågår."
          } },
        { until: () => app.shareDraft.verdict === "allowed", run: () => scrollTo("shareVerdictBox") },
        { until: () => true, run: () => shot("15-meeting-share-allowed") },
        { until: () => true, run: () => app.shareInMeeting(1) },
        { until: () => !app.busy && app.meetings.shareVerdict === "allowed", run: () =>
              app.decide(1, "Gemensamt hembesök av socialtjänst och polis.", "Återrapport i januari.") },
        { until: () => !app.busy, run: () => app.decide(2, "Elevhälsan kallar vårdnadshavarna till möte.", "") },
        { until: () => !app.busy, run: () => app.closeMeeting() },
        { until: () => !app.busy && app.meetings.hasMinutes, run: () => scrollTo("minutesStatus") },
        { until: () => true, run: () => shot("16-meeting-minutes") },
        { until: () => true, run: () => app.exportMinutes(dir + "/" + app.language + "-protokoll.pdf") },
        { until: () => !app.meetings.exporting && app.meetings.exportedPath.length > 0, run: () => scrollTo("exportResult") },
        { until: () => true, run: () => shot("17-meeting-pdf-exported") },
        { until: () => true, run: () => { app.clearNotice(); window.section = "records" } },
        { until: () => find(window.contentItem, "recordsPage") !== null, run: () =>
              app.addConsent(app.env("LAGRUM_APP_SHOT_SUBJECT"), "guardian", ["police", "school"],
                             "Samverkan kring skolgång", "2027-06-30", "") },
        { until: () => !app.busy && app.records.consentCount > 0, run: () => shot("18-consent-register") },
        { until: () => true, run: () => { app.clearNotice(); find(window.contentItem, "recordsTabs").currentIndex = 1; app.verifyLog() } },
        { until: () => app.records.verification === "ok", run: () => shot("19-log-verified") },
        // Contact verification: the safety number with the police officer, then marked.
        { until: () => true, run: () => { app.clearNotice(); find(window.contentItem, "recordsTabs").currentIndex = 2 } },
        { until: () => app.compose.memberChoices.length > 0, run: () => {
              const cs = app.compose.memberChoices
              let i = 0
              for (let k = 0; k < cs.length; ++k) if (cs[k].address === app.env("LAGRUM_APP_SHOT_VERIFY")) i = k
              find(window.contentItem, "contactBox").currentIndex = i
              find(window.contentItem, "showSafetyButton").clicked()
          } },
        { until: () => app.records.safetyGroups.length === 12, run: () => shot("20-verify-safety-number") },
        { until: () => true, run: () => find(window.contentItem, "markVerifiedButton").clicked() },
        { until: () => !app.busy && app.records.safetyVerified, run: () => shot("21-verify-marked") },
        // The handover wizard: the young person (masked), the colleague, the summary, done.
        { until: () => true, run: () => { app.clearNotice(); find(window.contentItem, "recordsTabs").currentIndex = 3 } },
        { until: () => find(window.contentItem, "handoverPage") !== null, run: () => {
              const f = find(window.contentItem, "handoverSubjectField")
              f.forceActiveFocus()
              app.handover.subject = app.env("LAGRUM_APP_SHOT_SUBJECT").substring(0, 9)
          } },
        { until: () => app.handover.subjectState === "invalid", run: () => shot("22-handover-typing") },
        { until: () => true, run: () => {
              app.handover.subject = app.env("LAGRUM_APP_SHOT_SUBJECT")
              find(window.contentItem, "handoverSubjectField").editingFinished()
          } },
        { until: () => app.handover.subjectState === "valid", run: () => shot("23-handover-subject-masked") },
        { until: () => true, run: () => find(window.contentItem, "handoverNext1").clicked() },
        { until: () => app.handover.step === 1 && app.handover.successorChoices.length > 0, run: () =>
              app.handover.successor = app.handover.successorChoices[0].address },
        { until: () => true, run: () => shot("24-handover-successor") },
        { until: () => true, run: () => find(window.contentItem, "handoverNext2").clicked() },
        { until: () => app.handover.step === 2, run: () => shot("25-handover-summary") },
        { until: () => true, run: () => find(window.contentItem, "handoverConfirm").clicked() },
        { until: () => app.handover.step === 4 && !app.handover.working, run: () => shot("26-handover-done") },
        { until: () => true, run: () => app.quit(0) }
    ]

    // The first sync's progress line: taken the moment it shows (it may be short).
    Connections {
        target: app
        function onFirstSyncChanged() { if (app.firstSync) driver.shot("03a-first-sync") }
    }

    Timer {
        interval: 400
        repeat: true
        running: true
        onTriggered: {
            if (driver.step >= driver.steps.length) return
            const s = driver.steps[driver.step]
            if (!s.until()) {
                driver.waited += interval
                if (driver.waited > 20000) {
                    app.logLine("screenshot step " + driver.step + " timed out")
                    app.quit(1)
                }
                return
            }
            driver.waited = 0
            s.run()
            driver.step += 1
        }
    }
}
