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
#include "lagrum/core/error.h"
#include "lagrum/core/legal/catalog.h"
#include "message_model.h"
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
    // Startup to a usable conversation list, without the Argon2id step (milliseconds).
    Q_PROPERTY(double readyMs READ ready_ms NOTIFY readyChanged)

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
    double ready_ms() const { return ready_ms_; }

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
    void unlocked();
    void sent(bool ok);

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

    const core::legal::Catalog& catalog_;
    QString profile_dir_;
    RoomModel rooms_;
    MessageModel messages_;
    ComposeModel compose_;
    QTranslator translator_;
    QQmlEngine* engine_ = nullptr;
    QTimer sync_timer_;
    bool syncing_ = false;
    QString screen_;
    bool busy_ = false;
    QString busy_text_, error_, notice_;
    bool online_ = false;
    QString relay_address_, self_name_, self_address_, device_key_;
    QString language_ = QStringLiteral("sv");
    bool dark_ = false;
    QString current_room_;
    double ready_ms_ = 0;
    std::int64_t unlock_done_ns_ = 0;
    std::unique_ptr<CoreWorker> worker_;  // last: destroyed first, before the models
};

}  // namespace lagrum::app
