// The app's one object exposed to QML (context property `app`): which screen shows, the
// profile's state, the models, and the actions. Every action is a core call on the
// CoreWorker thread; results come back to the GUI thread as property changes.
#pragma once

#include <QObject>
#include <QString>
#include <QTimer>
#include <QTranslator>
#include <memory>
#include <optional>

#include "compose_model.h"
#include "core_worker.h"
#include "handover_model.h"
#include "lagrum/core/error.h"
#include "lagrum/core/legal/catalog.h"
#include "meeting_model.h"
#include "message_model.h"
#include "records_model.h"
#include "room_model.h"

class QQmlEngine;
class QQuickWindow;

namespace lagrum::app {

class AppController : public QObject {
    Q_OBJECT
    // "unlock": the profile exists; "setup": first run (no profile); "certificate": the
    // profile has no member certificate yet; "main": conversations.
    Q_PROPERTY(QString screen READ screen NOTIFY screenChanged)
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
    Q_PROPERTY(QString busyText READ busy_text NOTIFY busyChanged)
    Q_PROPERTY(QString error READ error NOTIFY errorChanged)
    Q_PROPERTY(QString notice READ notice NOTIFY noticeChanged)
    Q_PROPERTY(QString profileDir READ profile_dir CONSTANT)
    Q_PROPERTY(bool online READ online NOTIFY onlineChanged)
    // True until the relay has answered or failed once after unlock (the first sync):
    // the window says "connecting", not "offline", while it does not know yet.
    Q_PROPERTY(bool connecting READ connecting NOTIFY onlineChanged)
    Q_PROPERTY(QString relayAddress READ relay_address NOTIFY selfChanged)
    Q_PROPERTY(QString selfName READ self_name NOTIFY selfChanged)
    Q_PROPERTY(QString selfAddress READ self_address NOTIFY selfChanged)
    // The device's public key (hex), shown on the certificate step for the organisation.
    Q_PROPERTY(QString deviceKey READ device_key NOTIFY selfChanged)
    Q_PROPERTY(QString language READ language WRITE set_language NOTIFY languageChanged)
    Q_PROPERTY(bool dark READ dark WRITE set_dark NOTIFY darkChanged)
    Q_PROPERTY(QString currentRoom READ current_room NOTIFY currentRoomChanged)
    Q_PROPERTY(QString currentRoomTitle READ current_room_title NOTIFY currentRoomChanged)
    Q_PROPERTY(lagrum::app::RoomModel* rooms READ rooms CONSTANT)
    Q_PROPERTY(lagrum::app::MessageModel* messages READ messages CONSTANT)
    Q_PROPERTY(lagrum::app::ComposeModel* compose READ compose CONSTANT)
    // Risk meetings: the list, the meeting on screen and its minutes; the share wizard's
    // draft (the same provision questions and live check as compose, for the meeting room).
    Q_PROPERTY(lagrum::app::MeetingModel* meetings READ meetings CONSTANT)
    Q_PROPERTY(lagrum::app::ComposeModel* shareDraft READ share_draft CONSTANT)
    // The consent register and the disclosure log.
    Q_PROPERTY(lagrum::app::RecordsModel* records READ records CONSTANT)
    // The handover wizard and the past handovers (Client::handover_preview, hand_over,
    // handovers, verify_handovers, as `lagrum handover ...`).
    Q_PROPERTY(lagrum::app::HandoverModel* handover READ handover CONSTANT)
    // Startup to a usable conversation list, without the Argon2id step (milliseconds).
    Q_PROPERTY(double readyMs READ ready_ms NOTIFY readyChanged)
    // The first sync after unlock is running (Main.qml shows "Fetching messages…"): it
    // fetches everything that arrived while the app was closed, which can take a while.
    Q_PROPERTY(bool firstSync READ first_sync NOTIFY firstSyncChanged)

  public:
    AppController(const core::legal::Catalog& catalog, QString profile_dir,
                  QObject* parent = nullptr);
    ~AppController() override;

    // Installs the translator into the application and retranslates `engine`.
    void attach(QQmlEngine* engine);

    Q_INVOKABLE void unlock(QString passphrase);
    Q_INVOKABLE void createProfile(QString passphrase, const QString& repeat, const QString& relay,
                                   const QString& trustFiles);
    Q_INVOKABLE void importCertificate(const QString& file);
    Q_INVOKABLE void openRoom(const QString& name);
    Q_INVOKABLE void syncNow();
    Q_INVOKABLE void send();
    Q_INVOKABLE void clearError();
    // Risk meetings (Client::meeting_*, as `lagrum meeting ...`). `members`: ORG/MEMBER.
    Q_INVOKABLE void showMeeting(const QString& name);
    Q_INVOKABLE void createMeeting(const QString& name, const QString& title, const QString& at,
                                   const QStringList& members);
    Q_INVOKABLE void addAgendaItem(const QString& personnummer);
    Q_INVOKABLE void openMeeting();
    // Shares app.shareDraft's text under its provision and facts within agenda `item`.
    Q_INVOKABLE void shareInMeeting(int item);
    Q_INVOKABLE void decide(int item, const QString& text, const QString& followUp);
    Q_INVOKABLE void closeMeeting();
    // The signed minutes as PDF (lagrum_report) on the worker; "" picks the default path.
    Q_INVOKABLE void exportMinutes(const QString& path);
    Q_INVOKABLE QString defaultMinutesPath() const;
    // Records (Client::consents/add_consent/withdraw_consent/close_case/log/verify_log, as
    // `lagrum consent ...`, `case close`, `log verify|export`).
    Q_INVOKABLE void refreshRecords();
    // givenBy: "subject" | "guardian"; recipients: authority names; validUntil: "" or
    // YYYY-MM-DD; document: "" or a file (the signed consent, at most 10 MiB).
    Q_INVOKABLE void addConsent(const QString& personnummer, const QString& givenBy,
                                const QStringList& recipients, const QString& purpose,
                                const QString& validUntil, const QString& document);
    Q_INVOKABLE void withdrawConsent(qlonglong id);
    Q_INVOKABLE void closeCase(const QString& personnummer);
    Q_INVOKABLE void verifyLog();
    // format: "json" | "pdf"; "" path picks the default.
    Q_INVOKABLE void exportLog(const QString& path, const QString& format);
    Q_INVOKABLE QString defaultLogPath(const QString& format) const;
    // The safety number with a contact (Client::safety_number, as `lagrum verify`).
    Q_INVOKABLE void showSafetyNumber(const QString& address);
    // Marks the contact verified for the digits shown (`digits`: the safety number as
    // compared; refused when it changed since), or removes the mark (`lagrum verify
    // --mark/--unmark`). The rooms are read again: member lists show the badge.
    Q_INVOKABLE void markVerified(const QString& address, const QString& digits);
    Q_INVOKABLE void unmarkVerified(const QString& address);
    Q_INVOKABLE void clearNotice();
    // Test and screenshot hooks.
    Q_INVOKABLE bool saveScreenshot(QQuickWindow* window, const QString& file);
    Q_INVOKABLE QString env(const QString& name) const;
    Q_INVOKABLE void quit(int code);
    Q_INVOKABLE void logLine(const QString& line) const;

    QString screen() const { return screen_; }
    bool busy() const { return busy_; }
    QString busy_text() const { return busy_text_; }
    QString error() const { return error_; }
    QString notice() const { return notice_; }
    QString profile_dir() const { return profile_dir_; }
    bool online() const { return online_; }
    bool connecting() const { return !reachability_known_; }
    QString relay_address() const { return relay_address_; }
    QString self_name() const { return self_name_; }
    QString self_address() const { return self_address_; }
    QString device_key() const { return device_key_; }
    QString language() const { return language_; }
    void set_language(const QString& lang);
    bool dark() const { return dark_; }
    void set_dark(bool d);
    QString current_room() const { return current_room_; }
    QString current_room_title() const { return rooms_.titleOf(current_room_); }
    RoomModel* rooms() { return &rooms_; }
    MessageModel* messages() { return &messages_; }
    ComposeModel* compose() { return &compose_; }
    MeetingModel* meetings() { return &meetings_; }
    ComposeModel* share_draft() { return &share_draft_; }
    RecordsModel* records() { return &records_; }
    HandoverModel* handover() { return &handover_; }
    double ready_ms() const { return ready_ms_; }
    bool first_sync() const { return first_sync_; }

  signals:
    void screenChanged();
    void busyChanged();
    void errorChanged();
    void noticeChanged();
    void onlineChanged();
    void selfChanged();
    void languageChanged();
    void darkChanged();
    void currentRoomChanged();
    void readyChanged();
    void firstSyncChanged();
    void unlocked();
    void sent(bool ok);
    void meetingCreated(const QString& name);
    void shared(bool allowed);

  private:
    struct Snapshot;  // what a worker job hands back to the GUI thread
    void set_busy(bool b, const QString& text = {});
    void set_error(const QString& e);
    void set_screen(const QString& s);
    QString describe(const core::Error& e) const;
    void apply(const std::shared_ptr<Snapshot>& s);
    // Queues `job` on the worker; it returns a Snapshot that is applied on this thread.
    void run(std::function<std::shared_ptr<Snapshot>(CoreWorker&)> job, bool with_rooms = true);
    void after_unlock();
    void read_meetings(CoreWorker& w, Snapshot& s, const std::string& name);
    static void read_records(CoreWorker& w, const std::shared_ptr<Snapshot>& s, bool english,
                             const core::legal::Catalog& catalog);

    const core::legal::Catalog& catalog_;
    QString profile_dir_;
    RoomModel rooms_;
    MessageModel messages_;
    ComposeModel compose_;
    MeetingModel meetings_;
    ComposeModel share_draft_;
    RecordsModel records_;
    HandoverModel handover_;
    QTranslator translator_;
    QQmlEngine* engine_ = nullptr;
    QTimer sync_timer_;
    bool syncing_ = false;
    bool first_sync_ = false;
    QString screen_;
    bool busy_ = false;
    QString busy_text_, error_, notice_;
    bool online_ = false;
    bool reachability_known_ = false;
    QString relay_address_, self_name_, self_address_, device_key_;
    QString language_ = QStringLiteral("sv");
    bool dark_ = false;
    QString current_room_;
    double ready_ms_ = 0;
    std::int64_t unlock_done_ns_ = 0;
    std::unique_ptr<CoreWorker> worker_;  // last: destroyed first, before the models
};

}  // namespace lagrum::app
