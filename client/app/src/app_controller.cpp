#include "app_controller.h"

#include <sodium.h>

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QQmlEngine>
#include <QQuickWindow>
#include <QSaveFile>
#include <QStandardPaths>
#include <QUrl>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>

#include "lagrum/core/pki/organisation.h"
#include "lagrum/core/records/render.h"
#include "lagrum/report/layout.h"
#include "lagrum/report/minutes.h"
#include "lagrum/report/pdf.h"
#include "lagrum/transport/grpc_transport.h"
#include "qr_image_provider.h"

namespace lagrum::app {

namespace fs = std::filesystem;
using core::Errc;
using core::messaging::Client;

namespace {

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}
const std::int64_t g_process_start_ns = now_ns();  // static init: before main runs

// The passphrase leaves QML as a QString; the copy we hand to the core is wiped after use,
// and so is the QString's buffer (it was detached into this function's own copy).
struct Passphrase {
    std::string bytes;
    explicit Passphrase(QString& s) : bytes(s.toStdString()) {
        if (!s.isEmpty())
            sodium_memzero(s.data(), static_cast<std::size_t>(s.size()) * sizeof(QChar));
    }
    ~Passphrase() {
        if (!bytes.empty()) sodium_memzero(bytes.data(), bytes.size());
    }
    Passphrase(const Passphrase&) = delete;
    Passphrase& operator=(const Passphrase&) = delete;
};

}  // namespace

struct AppController::Snapshot {
    std::optional<core::Error> error;
    std::optional<std::vector<core::messaging::Room>> rooms;
    std::optional<std::vector<core::messaging::Message>> messages;
    std::string messages_room;
    std::optional<bool> reachable;
    std::optional<std::string> self_name, self_address, self_authority, relay, device_key;
    bool has_certificate = true;
    std::string screen;  // set: switch to this screen
    std::string notice;  // translated on the GUI thread by key
    std::int64_t open_ns = 0;
    bool sent = false, send_done = false, send_allowed = true;
    std::string sent_room;  // the conversation a sent or queued message went to
    // Risk meetings: refreshed with the rooms; `meeting_name` says which one was read.
    std::optional<std::vector<core::meetings::Meeting>> meetings;
    std::string meeting_name;
    std::optional<core::meetings::Meeting> meeting;
    std::optional<core::meetings::Minutes> minutes;
    std::optional<core::legal::Verdict> share_verdict;
    std::string created_meeting;
    bool export_done = false;
    std::string exported_path;
    int exported_pages = 0;
    // Records.
    std::optional<std::vector<core::records::Consent>> consents;
    std::optional<core::records::ReportLayout> log_layout;
    std::size_t log_entries = 0;
    std::optional<core::records::LogVerification> verification;
    std::optional<core::records::ConsentChange> consent_change;
    std::optional<core::messaging::SafetyNumberResult> safety;
    std::string safety_contact;
    bool log_export_done = false;
};

AppController::AppController(const core::legal::Catalog& catalog, QString profile_dir,
                             QObject* parent)
    : QObject(parent),
      catalog_(catalog),
      profile_dir_(std::move(profile_dir)),
      rooms_(this),
      messages_(catalog, this),
      compose_(catalog, rooms_, this),
      meetings_(catalog, this),
      share_draft_(catalog, rooms_, this),
      records_(this),
      handover_(rooms_, this),
      worker_(std::make_unique<CoreWorker>(catalog)) {
    std::error_code ec;
    const bool exists = fs::exists(fs::path(profile_dir_.toStdString()) / "key", ec);
    screen_ = exists ? QStringLiteral("unlock") : QStringLiteral("setup");
    handover_.attach(worker_.get());
    // Background sync: a short sync every few seconds on the worker thread.
    sync_timer_.setInterval(3000);
    connect(&sync_timer_, &QTimer::timeout, this, &AppController::syncNow);
}

AppController::~AppController() = default;

void AppController::attach(QQmlEngine* engine) {
    engine_ = engine;
    if (engine->imageProvider(QStringLiteral("qr")) == nullptr) {
        engine->addImageProvider(QStringLiteral("qr"), new QrImageProvider);  // engine owns it
    }
    set_language(language_);
}

void AppController::set_language(const QString& lang) {
    const QString l = lang == QLatin1String("en") ? QStringLiteral("en") : QStringLiteral("sv");
    QCoreApplication::removeTranslator(&translator_);
    if (translator_.load(QStringLiteral(":/i18n/lagrum_") + l + QStringLiteral(".qm"))) {
        QCoreApplication::installTranslator(&translator_);
    }
    language_ = l;
    messages_.set_english(l == QLatin1String("en"));
    compose_.set_english(l == QLatin1String("en"));
    share_draft_.set_english(l == QLatin1String("en"));
    meetings_.set_english(l == QLatin1String("en"));
    records_.set_english(l == QLatin1String("en"));
    handover_.retranslate();
    if (screen_ == QLatin1String("main")) refreshRecords();  // the log's labels are the core's
    if (engine_) engine_->retranslate();
    emit languageChanged();
}

void AppController::set_dark(bool d) {
    if (d == dark_) return;
    dark_ = d;
    emit darkChanged();
}

void AppController::set_busy(bool b, const QString& text) {
    busy_ = b;
    busy_text_ = text;
    emit busyChanged();
}

void AppController::set_error(const QString& e) {
    error_ = e;
    emit errorChanged();
}

void AppController::clearError() {
    set_error({});
}

void AppController::clearNotice() {
    notice_.clear();
    emit noticeChanged();
}

void AppController::set_screen(const QString& s) {
    if (s == screen_) return;
    screen_ = s;
    emit screenChanged();
}

QString AppController::describe(const core::Error& e) const {
    const QString detail = QString::fromUtf8(e.what());
    switch (e.code()) {
        case Errc::wrong_passphrase:
            return tr("Wrong passphrase. Check Caps Lock and try again.");
        case Errc::no_profile:
            return tr("There is no profile in %1.").arg(profile_dir_);
        case Errc::corrupt_store:
            return tr(
                "The profile's files are damaged or are not a Lagrum profile. Contact your "
                "IT support; do not delete the folder.");
        case Errc::profile_exists:
            return tr("There is already a profile in %1.").arg(profile_dir_);
        case Errc::no_certificate:
            return tr("This device has no member certificate yet.");
        case Errc::certificate_invalid:
            return tr("The certificate is not valid (expired, revoked or from an organisation you "
                      "do not trust): %1")
                .arg(detail);
        case Errc::relay_unavailable:
            return tr(
                "The relay cannot be reached. You are working offline: messages are queued "
                "and sent when the connection is back.");
        case Errc::relay_rejected:
            return tr("The relay refused the request: %1").arg(detail);
        case Errc::io_error:
            return tr("A file could not be read or written: %1").arg(detail);
        case Errc::not_found:
            return tr("Not found: %1").arg(detail);
        case Errc::conflict:
            return tr("Not possible right now: %1").arg(detail);
        case Errc::bad_input:
            return tr("Check the input: %1").arg(detail);
        case Errc::internal:
            break;
    }
    return tr("Something went wrong inside Lagrum: %1").arg(detail);
}

void AppController::run(std::function<std::shared_ptr<Snapshot>(CoreWorker&)> job,
                        bool with_rooms) {
    const std::string open_room = current_room_.toStdString();
    const std::string open_meeting = meetings_.current().toStdString();
    worker_->post([this, job = std::move(job), with_rooms, open_room, open_meeting](CoreWorker& w) {
        std::shared_ptr<Snapshot> s;
        try {
            s = job(w);
            if (!s) s = std::make_shared<Snapshot>();
            if (with_rooms && w.client() != nullptr && !s->error) {
                s->rooms = w.client()->rooms();
                if (!open_room.empty()) {
                    s->messages = w.client()->inbox(open_room);
                    s->messages_room = open_room;
                    w.client()->mark_read(open_room);
                }
                read_meetings(w, *s, open_meeting);
            }
        } catch (const core::Error& e) {
            if (!s) s = std::make_shared<Snapshot>();
            s->error = e;
        } catch (const std::exception& e) {
            if (!s) s = std::make_shared<Snapshot>();
            s->error = core::Error(Errc::internal, e.what());
        }
        QMetaObject::invokeMethod(
            this, [this, s] { apply(s); }, Qt::QueuedConnection);
    });
}

// The meetings, the one on screen and its minutes, read with every refresh so that a
// participant sees the chair's events as they arrive (the background sync).
void AppController::read_meetings(CoreWorker& w, Snapshot& s, const std::string& name) {
    if (!w.client()->self()) return;
    s.meetings = w.client()->meetings();
    s.meeting_name = name;
    if (name.empty()) return;
    for (const auto& m : *s.meetings) {
        if (m.name != name) continue;
        s.meeting = m;
        if (m.state == "closed") {
            try {
                s.minutes = w.client()->meeting_minutes(name);
            } catch (const core::Error&) {
                // Closed, but the minutes have not arrived yet (next sync).
            }
        }
    }
}

void AppController::apply(const std::shared_ptr<Snapshot>& s) {
    if (s->error) {
        if (s->error->code() == Errc::relay_unavailable) {
            online_ = false;
            reachability_known_ = true;
            emit onlineChanged();
        }
        set_error(describe(*s->error));
    }
    if (s->reachable && (*s->reachable != online_ || !reachability_known_)) {
        online_ = *s->reachable;
        reachability_known_ = true;
        emit onlineChanged();
    }
    if (s->relay) relay_address_ = QString::fromStdString(*s->relay);
    if (s->self_address) {
        self_address_ = QString::fromStdString(*s->self_address);
        self_name_ = QString::fromStdString(s->self_name.value_or(""));
        compose_.set_sender_authority(s->self_authority.value_or("other"));
        share_draft_.set_sender_authority(s->self_authority.value_or("other"));
    }
    if (s->device_key) device_key_ = QString::fromStdString(*s->device_key);
    if (s->relay || s->self_address || s->device_key) emit selfChanged();
    if (s->rooms) {
        rooms_.set_rooms(std::move(*s->rooms));
        emit currentRoomChanged();  // a direct conversation's title comes from its members
    }
    if (s->meetings) {
        meetings_.set_meetings(std::move(*s->meetings));
        if (QString::fromStdString(s->meeting_name) == meetings_.current()) {
            meetings_.set_meeting(std::move(s->meeting));
            meetings_.set_minutes(std::move(s->minutes));
        }
    }
    if (s->share_verdict) {
        meetings_.set_share_verdict(*s->share_verdict);
        emit shared(s->share_verdict->verdict == core::legal::VerdictKind::allowed);
    }
    if (!s->created_meeting.empty())
        emit meetingCreated(QString::fromStdString(s->created_meeting));
    if (s->export_done) {
        meetings_.set_exported(QString::fromStdString(s->exported_path), s->exported_pages);
    }
    if (s->error && meetings_.exporting()) meetings_.set_exporting(false);
    if (s->consents) records_.set_consents(std::move(*s->consents));
    if (s->consent_change) records_.set_change(*s->consent_change);
    if (s->log_layout) records_.set_log(std::move(*s->log_layout), s->log_entries);
    if (s->verification) records_.set_verification(*s->verification);
    if (s->error && records_.verifying()) records_.set_verifying(false);
    if (s->error && records_.exporting()) records_.set_exporting(false);
    if (s->log_export_done) records_.set_exported(QString::fromStdString(s->exported_path));
    if (s->safety) {
        records_.set_safety_state(s->safety->verified, s->safety->verification_lost);
        QStringList groups;
        for (const auto& g : s->safety->groups) groups << QString::fromStdString(g);
        records_.set_safety(QString::fromStdString(s->safety_contact), groups,
                            QString::fromStdString(s->safety->qr_payload));
    }
    if (s->messages && QString::fromStdString(s->messages_room) == current_room_) {
        messages_.set_messages(std::move(*s->messages));
    }
    if (!s->notice.empty()) {
        if (s->notice == "queued") {
            notice_ =
                tr("Queued: the relay is unreachable; the message is sent when the "
                   "connection is back.");
        } else if (s->notice == "sent") {
            notice_ = tr("Sent.");
        } else if (s->notice == "refused") {
            notice_ = tr("Not sent: the legal check refused the message. Nothing was queued.");
        } else if (s->notice == "registered_offline") {
            notice_ =
                tr("Certificate installed. The relay is unreachable: registration happens "
                   "when the connection is back.");
        } else if (s->notice == "meeting_created") {
            notice_ = tr("Meeting created. You chair it: add the young people to the agenda.");
        } else if (s->notice == "meeting_opened") {
            notice_ = tr("The meeting is open.");
        } else if (s->notice == "item_added") {
            notice_ = tr("The young person is on the agenda (shown by meeting pseudonym).");
        } else if (s->notice == "shared") {
            notice_ = tr("Shared within the agenda item.");
        } else if (s->notice == "share_refused") {
            notice_ =
                tr("Not shared: the legal check refused it. The refusal is recorded in the "
                   "minutes, never its text.");
        } else if (s->notice == "decided") {
            notice_ = tr("Decision recorded.");
        } else if (s->notice == "meeting_closed") {
            notice_ =
                tr("The meeting is closed; the minutes are signed and sent to the participants.");
        } else if (s->notice == "consent_added") {
            notice_ = tr("Consent registered and signed.");
        } else if (s->notice == "consent_withdrawn") {
            notice_ = tr("Consent withdrawn.");
        } else if (s->notice == "case_closed") {
            notice_ = tr("Case closed: every consent about the young person has ended.");
        } else if (s->notice == "log_exported") {
            notice_ = tr("The disclosure log is exported.");
        } else if (s->notice == "exported") {
            notice_ = tr("The minutes are saved as PDF.");
        } else if (s->notice == "profile_created") {
            notice_ =
                tr("Profile created. Give the device key below to your organisation and "
                   "import the member certificate they issue.");
        }
        emit noticeChanged();
    }
    if (s->send_done) {
        emit sent(s->sent);
        // Show the conversation the message went to: after "send only to the police" it
        // is a direct conversation, not the room the wizard started from.
        const QString room = QString::fromStdString(s->sent_room);
        if (s->sent && !room.isEmpty() && room != current_room_) openRoom(room);
    }
    if (!s->screen.empty()) {
        const QString target = QString::fromStdString(s->screen);
        set_screen(target);
        if (target == QLatin1String("main") && ready_ms_ == 0) {
            // Startup to a usable list, less the time inside Client::open (Argon2id and
            // the store's key check), which is measured on the worker.
            ready_ms_ = static_cast<double>(now_ns() - g_process_start_ns - s->open_ns) / 1e6;
            if (!qEnvironmentVariableIsEmpty("LAGRUM_APP_TIMING")) {
                std::fprintf(stderr,
                             "lagrum-desktop: usable list %.1f ms after start "
                             "(excluding %.1f ms in Client::open)\n",
                             ready_ms_, static_cast<double>(s->open_ns) / 1e6);
            }
            emit readyChanged();
            emit unlocked();
            sync_timer_.start();
            // The unlock is done: its overlay goes before the first sync's progress line
            // shows (the window is usable while the sync runs).
            if (busy_) set_busy(false);
            first_sync_ = true;  // cleared after this first sync's result is applied
            emit firstSyncChanged();
            syncNow();
        }
    }
    if (busy_) set_busy(false);
}

void AppController::unlock(QString passphrase) {
    if (busy_) return;
    clearError();
    if (passphrase.isEmpty()) {
        set_error(tr("Enter your passphrase."));
        return;
    }
    set_busy(true, tr("Unlocking the profile…"));
    auto pass = std::make_shared<Passphrase>(passphrase);
    const auto dir = profile_dir_.toStdString();
    run([pass, dir](CoreWorker& w) {
        auto s = std::make_shared<Snapshot>();
        const auto t0 = now_ns();
        auto client = Client::open(dir, pass->bytes, w.catalog());
        s->open_ns = now_ns() - t0;
        client->set_transport_factory([](const std::string& address, const std::string& ca) {
            return transport::make_grpc_transport(address, ca);
        });
        s->relay = client->relay_address();
        if (auto me = client->self()) {
            s->self_address = me->address();
            s->self_name = me->display_name;
            s->self_authority = core::pki::authority_name(me->authority);
            if (*s->self_authority == "unspecified") s->self_authority = "other";
            s->screen = "main";
        } else {
            s->device_key = crypto::to_hex(client->device_key());
            s->screen = "certificate";
        }
        w.set_client(std::move(client));
        return s;
    });
}

void AppController::createProfile(QString passphrase, const QString& repeat, const QString& relay,
                                  const QString& trustFiles) {
    if (busy_) return;
    clearError();
    if (passphrase.isEmpty()) {
        set_error(tr("Choose a passphrase."));
        return;
    }
    if (passphrase != repeat) {
        set_error(tr("The passphrases differ."));
        return;
    }
    if (relay.trimmed().isEmpty()) {
        set_error(tr("Enter the relay address (unix:PATH or host:port)."));
        return;
    }
    QStringList files;
    for (const auto& f : trustFiles.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        if (!f.trimmed().isEmpty()) files << f.trimmed();
    }
    if (files.isEmpty()) {
        set_error(tr("Give at least one organisation's trust anchor file."));
        return;
    }
    set_busy(true, tr("Creating the profile…"));
    auto pass = std::make_shared<Passphrase>(passphrase);
    const auto dir = profile_dir_.toStdString();
    const auto relay_s = relay.trimmed().toStdString();
    std::vector<std::string> anchors;
    for (const auto& f : files) anchors.push_back(f.toStdString());
    // Interactive Argon2id unless the environment asks for the test parameters (tests only).
    const bool test_kdf = qEnvironmentVariable("LAGRUM_APP_TEST_KDF") == QLatin1String("1");
    run([pass, dir, relay_s, anchors, test_kdf](CoreWorker& w) {
        core::messaging::InitOptions o;
        o.relay = relay_s;
        for (const auto& f : anchors) o.trust.push_back(core::pki::read_anchor(f));
        o.kdf = test_kdf ? crypto::kArgon2Test : crypto::kArgon2Store;
        Client::init(dir, pass->bytes, o);
        auto client = Client::open(dir, pass->bytes, w.catalog());
        client->set_transport_factory([](const std::string& address, const std::string& ca) {
            return transport::make_grpc_transport(address, ca);
        });
        auto s = std::make_shared<Snapshot>();
        s->relay = client->relay_address();
        s->device_key = crypto::to_hex(client->device_key());  // for the organisation
        s->screen = "certificate";
        s->notice = "profile_created";
        w.set_client(std::move(client));
        return s;
    });
}

void AppController::importCertificate(const QString& file) {
    if (busy_) return;
    clearError();
    if (file.trimmed().isEmpty()) {
        set_error(tr("Give the certificate file your organisation issued."));
        return;
    }
    set_busy(true, tr("Installing the certificate and registering with the relay…"));
    const auto path = file.trimmed().toStdString();
    run([path](CoreWorker& w) {
        if (w.client() == nullptr) throw core::Error(Errc::no_profile, "not unlocked");
        const auto cert = core::pki::read_certificate_file(path);
        const bool online = w.client()->import_certificate(cert);
        auto s = std::make_shared<Snapshot>();
        s->reachable = online;
        if (!online) s->notice = "registered_offline";
        if (auto me = w.client()->self()) {
            s->self_address = me->address();
            s->self_name = me->display_name;
            s->self_authority = core::pki::authority_name(me->authority);
            s->screen = "main";
        }
        return s;
    });
}

void AppController::openRoom(const QString& name) {
    current_room_ = name;
    emit currentRoomChanged();
    messages_.set_messages({});
    compose_.set_recipient_mode(QStringLiteral("room"));
    compose_.set_room(name);
    run([](CoreWorker&) { return std::make_shared<Snapshot>(); });
}

void AppController::syncNow() {
    if (syncing_ || screen_ != QLatin1String("main")) return;
    syncing_ = true;
    run([this](CoreWorker& w) {
        auto s = std::make_shared<Snapshot>();
        if (w.client() == nullptr) return s;
        const auto r = w.client()->sync(std::chrono::milliseconds(0));
        s->reachable = r.relay_reachable;
        return s;
    });
    // The flags are cleared by a job queued after the sync: jobs run in order, and this
    // one's call reaches the GUI thread after the sync's apply(), so the progress line
    // goes away only once the fetched messages are on screen.
    worker_->post([this](CoreWorker&) {
        QMetaObject::invokeMethod(
            this,
            [this] {
                syncing_ = false;
                if (first_sync_) {
                    first_sync_ = false;
                    emit firstSyncChanged();
                }
            },
            Qt::QueuedConnection);
    });
}

void AppController::send() {
    if (busy_) return;
    clearError();
    if (!compose_.can_send()) {
        set_error(tr("The legal check does not allow this message yet."));
        return;
    }
    set_busy(true, tr("Checking and sending…"));
    auto req = std::make_shared<core::messaging::SendRequest>(compose_.request());
    run([req](CoreWorker& w) {
        if (w.client() == nullptr) throw core::Error(Errc::no_profile, "not unlocked");
        const auto r = w.client()->send(*req);
        auto s = std::make_shared<Snapshot>();
        s->send_done = true;
        s->sent = r.allowed;
        s->notice = !r.allowed ? "refused" : (r.sent ? "sent" : "queued");
        if (r.allowed) s->sent_room = r.room;
        if (r.allowed) s->reachable = r.sent ? true : std::optional<bool>{};
        return s;
    });
}

void AppController::showMeeting(const QString& name) {
    meetings_.set_current(name);
    share_draft_.reset();
    share_draft_.set_recipient_mode(QStringLiteral("room"));
    share_draft_.set_room(name);
    if (screen_ == QLatin1String("main"))
        run([](CoreWorker&) { return std::make_shared<Snapshot>(); });
}

namespace {
void require_client(CoreWorker& w) {
    if (w.client() == nullptr) throw core::Error(Errc::no_profile, "not unlocked");
}
}  // namespace

void AppController::createMeeting(const QString& name, const QString& title, const QString& at,
                                  const QStringList& members) {
    if (busy_) return;
    clearError();
    if (name.trimmed().isEmpty() || title.trimmed().isEmpty()) {
        set_error(tr("Give the meeting a room name and a title."));
        return;
    }
    if (members.isEmpty()) {
        set_error(tr("Choose at least one participant."));
        return;
    }
    set_busy(true, tr("Creating the meeting…"));
    const auto n = name.trimmed().toStdString(), t = title.trimmed().toStdString(),
               a = at.trimmed().toStdString();
    std::vector<std::string> ms;
    for (const auto& m : members) ms.push_back(m.toStdString());
    run([n, t, a, ms](CoreWorker& w) {
        require_client(w);
        w.client()->meeting_create(n, t, a, ms);
        auto s = std::make_shared<Snapshot>();
        s->created_meeting = n;
        s->notice = "meeting_created";
        return s;
    });
}

void AppController::addAgendaItem(const QString& personnummer) {
    if (busy_) return;
    clearError();
    const auto name = meetings_.current().toStdString();
    // Parsed and checked by the core; the number itself is never shown again (masked).
    const auto pnr = personnummer.trimmed().toStdString();
    if (pnr.empty()) {
        set_error(tr("Enter the young person's personnummer or samordningsnummer."));
        return;
    }
    set_busy(true, tr("Adding to the agenda…"));
    run([name, pnr](CoreWorker& w) {
        require_client(w);
        w.client()->meeting_agenda_add(name, pnr);
        auto s = std::make_shared<Snapshot>();
        s->notice = "item_added";
        return s;
    });
}

void AppController::openMeeting() {
    if (busy_) return;
    clearError();
    const auto name = meetings_.current().toStdString();
    set_busy(true, tr("Opening the meeting…"));
    run([name](CoreWorker& w) {
        require_client(w);
        w.client()->meeting_open(name);
        auto s = std::make_shared<Snapshot>();
        s->notice = "meeting_opened";
        return s;
    });
}

void AppController::shareInMeeting(int item) {
    if (busy_) return;
    clearError();
    meetings_.clear_share_verdict();
    if (item <= 0) {
        set_error(tr("Choose the agenda item."));
        return;
    }
    if (share_draft_.text().trimmed().isEmpty()) {
        set_error(tr("Write what you share."));
        return;
    }
    const auto draft = share_draft_.request();
    core::meetings::ShareRequest r;
    r.meeting = meetings_.current().toStdString();
    r.item = static_cast<std::uint32_t>(item);
    r.provision = draft.provision;
    r.facts_json = draft.facts_json;
    r.text = draft.text;
    if (!draft.subject.empty()) r.subject = draft.subject;
    r.categories = draft.categories;
    set_busy(true, tr("Checking and sharing…"));
    run([r](CoreWorker& w) {
        require_client(w);
        // The same legal check as send(); a refusal is announced and recorded, and shown
        // here with its reasons.
        const auto res = w.client()->meeting_share(r);
        auto s = std::make_shared<Snapshot>();
        s->share_verdict = res.verdict;
        s->notice = res.allowed ? "shared" : "share_refused";
        return s;
    });
}

void AppController::decide(int item, const QString& text, const QString& followUp) {
    if (busy_) return;
    clearError();
    if (text.trimmed().isEmpty()) {
        set_error(tr("Write the decision."));
        return;
    }
    const auto name = meetings_.current().toStdString();
    const auto t = text.trimmed().toStdString(), f = followUp.trimmed().toStdString();
    const auto n = static_cast<std::uint32_t>(std::max(0, item));
    set_busy(true, tr("Recording the decision…"));
    run([name, n, t, f](CoreWorker& w) {
        require_client(w);
        w.client()->meeting_decide(name, n, t, f);
        auto s = std::make_shared<Snapshot>();
        s->notice = "decided";
        return s;
    });
}

void AppController::closeMeeting() {
    if (busy_) return;
    clearError();
    const auto name = meetings_.current().toStdString();
    set_busy(true, tr("Closing the meeting and signing the minutes…"));
    run([name](CoreWorker& w) {
        require_client(w);
        w.client()->meeting_close(name);
        auto s = std::make_shared<Snapshot>();
        s->notice = "meeting_closed";
        return s;
    });
}

QString AppController::defaultMinutesPath() const {
    QString dir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    if (dir.isEmpty()) dir = QDir::homePath();
    QString name = meetings_.current();
    for (auto& c : name) {
        if (!c.isLetterOrNumber() && c != QLatin1Char('-')) c = QLatin1Char('_');
    }
    return dir + QStringLiteral("/protokoll-") + name + QStringLiteral(".pdf");
}

void AppController::exportMinutes(const QString& path) {
    if (meetings_.exporting() || !meetings_.has_minutes()) return;
    clearError();
    const auto file =
        (path.trimmed().isEmpty() ? defaultMinutesPath() : path.trimmed()).toStdString();
    const auto name = meetings_.current().toStdString();
    const bool en = language_ == QLatin1String("en");
    // No busy overlay: the window stays usable while the worker lays out the PDF; the
    // page shows the export's progress.
    meetings_.set_exporting(true);
    run(
        [name, file, en](CoreWorker& w) {
            require_client(w);
            const auto m = w.client()->meeting_minutes(name);  // signature checked again
            auto s = std::make_shared<Snapshot>();
            try {
                s->exported_pages = report::write_minutes_pdf(m, en, file);
            } catch (const report::ReportError& e) {
                throw core::Error(Errc::io_error, e.what());
            }
            s->export_done = true;
            s->exported_path = file;
            s->notice = "exported";
            return s;
        },
        false);
}

// The register and the log as the records screens show them. The log's rows are the
// core's export layout (the same labels as the PDF), in the app's language.
void AppController::read_records(CoreWorker& w, const std::shared_ptr<Snapshot>& s, bool english,
                                 const core::legal::Catalog& catalog) {
    s->consents = w.client()->consents();
    const auto entries = w.client()->log();
    core::records::LogExportOptions o;
    if (auto me = w.client()->self()) o.actor = me->address();
    o.lang = english ? "en" : "sv";
    o.catalog = &catalog;
    s->log_layout = core::records::log_export_layout(entries, o);
    s->log_entries = entries.size();
}

void AppController::refreshRecords() {
    const bool en = language_ == QLatin1String("en");
    run(
        [this, en](CoreWorker& w) {
            require_client(w);
            auto s = std::make_shared<Snapshot>();
            read_records(w, s, en, catalog_);
            return s;
        },
        false);
}

void AppController::addConsent(const QString& personnummer, const QString& givenBy,
                               const QStringList& recipients, const QString& purpose,
                               const QString& validUntil, const QString& document) {
    if (busy_) return;
    clearError();
    if (personnummer.trimmed().isEmpty()) {
        set_error(tr("Enter the young person's personnummer or samordningsnummer."));
        return;
    }
    if (recipients.isEmpty()) {
        set_error(tr("Choose who may receive information under the consent."));
        return;
    }
    core::records::ConsentRequest r;
    r.subject = personnummer.trimmed().toStdString();
    r.given_by = givenBy.toStdString();
    for (const auto& x : recipients) r.recipients.push_back(x.toStdString());
    r.purpose = purpose.trimmed().toStdString();
    if (!validUntil.trimmed().isEmpty()) {
        r.valid_until = core::legal::parse_date(validUntil.trimmed().toStdString());
        if (!r.valid_until) {
            set_error(tr("Write the end date as YYYY-MM-DD."));
            return;
        }
    }
    const QString doc = document.trimmed();
    const bool en = language_ == QLatin1String("en");
    set_busy(true, tr("Registering the consent…"));
    run(
        [this, r, doc, en](CoreWorker& w) mutable {
            require_client(w);
            if (!doc.isEmpty()) {
                // Bounded before it is read (the register takes at most 10 MiB).
                QFile f(doc.startsWith(QLatin1String("file://")) ? QUrl(doc).toLocalFile() : doc);
                if (!f.open(QIODevice::ReadOnly)) {
                    throw core::Error(Errc::bad_input,
                                      "cannot read the consent document " + doc.toStdString());
                }
                if (f.size() > static_cast<qint64>(core::records::kMaxConsentDocument)) {
                    throw core::Error(Errc::bad_input,
                                      "the consent document is larger than 10 MiB");
                }
                const QByteArray bytes =
                    f.read(static_cast<qint64>(core::records::kMaxConsentDocument) + 1);
                if (bytes.size() > static_cast<qsizetype>(core::records::kMaxConsentDocument)) {
                    throw core::Error(Errc::bad_input,
                                      "the consent document is larger than 10 MiB");
                }
                r.document = core::records::ConsentDocument{
                    QFileInfo(f.fileName()).fileName().toStdString(), bytes.toStdString()};
            }
            w.client()->add_consent(r);
            auto s = std::make_shared<Snapshot>();
            s->notice = "consent_added";
            read_records(w, s, en, catalog_);
            return s;
        },
        false);
}

void AppController::withdrawConsent(qlonglong id) {
    if (busy_) return;
    clearError();
    const bool en = language_ == QLatin1String("en");
    set_busy(true, tr("Withdrawing the consent…"));
    run(
        [this, id, en](CoreWorker& w) {
            require_client(w);
            auto s = std::make_shared<Snapshot>();
            s->consent_change = w.client()->withdraw_consent(id);
            s->notice = "consent_withdrawn";
            read_records(w, s, en, catalog_);
            return s;
        },
        false);
}

void AppController::closeCase(const QString& personnummer) {
    if (busy_) return;
    clearError();
    const auto pnr = personnummer.trimmed().toStdString();
    if (pnr.empty()) {
        set_error(tr("Enter the young person's personnummer or samordningsnummer."));
        return;
    }
    const bool en = language_ == QLatin1String("en");
    set_busy(true, tr("Closing the case…"));
    run(
        [this, pnr, en](CoreWorker& w) {
            require_client(w);
            auto s = std::make_shared<Snapshot>();
            s->consent_change = w.client()->close_case(pnr);
            s->notice = "case_closed";
            read_records(w, s, en, catalog_);
            return s;
        },
        false);
}

void AppController::verifyLog() {
    if (records_.verifying()) return;
    clearError();
    // No overlay: the chain walk runs on the worker and the page shows its progress.
    records_.set_verifying(true);
    const bool en = language_ == QLatin1String("en");
    run(
        [this, en](CoreWorker& w) {
            require_client(w);
            auto s = std::make_shared<Snapshot>();
            s->verification = w.client()->verify_log();
            read_records(w, s, en, catalog_);
            return s;
        },
        false);
}

QString AppController::defaultLogPath(const QString& format) const {
    QString dir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    if (dir.isEmpty()) dir = QDir::homePath();
    return dir + QStringLiteral("/utlamnandelogg.") +
           (format == QLatin1String("json") ? QStringLiteral("json") : QStringLiteral("pdf"));
}

void AppController::exportLog(const QString& path, const QString& format) {
    if (records_.exporting()) return;
    clearError();
    const QString fmt =
        format == QLatin1String("json") ? QStringLiteral("json") : QStringLiteral("pdf");
    const auto file =
        (path.trimmed().isEmpty() ? defaultLogPath(fmt) : path.trimmed()).toStdString();
    const bool en = language_ == QLatin1String("en");
    const bool json = fmt == QLatin1String("json");
    records_.set_exporting(true);
    run(
        [this, file, en, json](CoreWorker& w) {
            require_client(w);
            // The same export as `lagrum log export`: the whole log, verified now.
            core::records::LogExportOptions o;
            if (auto me = w.client()->self()) o.actor = me->address();
            o.exported_at = static_cast<std::int64_t>(std::time(nullptr));
            o.verification = w.client()->verify_log();
            o.lang = en ? "en" : "sv";
            o.catalog = &catalog_;
            const auto entries = w.client()->log();
            if (json) {
                QSaveFile f(QString::fromStdString(file));
                const auto text = core::records::log_export_json(entries, o) + "\n";
                if (!f.open(QIODevice::WriteOnly) ||
                    f.write(text.data(), static_cast<qint64>(text.size())) !=
                        static_cast<qint64>(text.size()) ||
                    !f.commit()) {
                    throw core::Error(Errc::io_error, "cannot write " + file);
                }
            } else {
                try {
                    report::write_layout_pdf(core::records::log_export_layout(entries, o), file);
                } catch (const report::ReportError& e) {
                    throw core::Error(Errc::io_error, e.what());
                }
            }
            auto s = std::make_shared<Snapshot>();
            s->log_export_done = true;
            s->exported_path = file;
            s->verification = o.verification;
            s->notice = "log_exported";
            return s;
        },
        false);
}

void AppController::showSafetyNumber(const QString& address) {
    clearError();
    records_.set_safety({}, {}, {});
    const auto who = address.trimmed().toStdString();
    if (who.empty()) return;
    run(
        [who](CoreWorker& w) {
            require_client(w);
            auto s = std::make_shared<Snapshot>();
            s->safety = w.client()->safety_number(who);
            s->safety_contact = who;
            return s;
        },
        false);
}

void AppController::markVerified(const QString& address, const QString& digits) {
    clearError();
    const auto who = address.trimmed().toStdString();
    const auto compared = digits.simplified().toStdString();
    if (who.empty()) return;
    run([who, compared](CoreWorker& w) {
        require_client(w);
        auto s = std::make_shared<Snapshot>();
        w.client()->mark_verified(who, compared);
        s->safety = w.client()->safety_number(who);
        s->safety_contact = who;
        return s;
    });
}

void AppController::unmarkVerified(const QString& address) {
    clearError();
    const auto who = address.trimmed().toStdString();
    if (who.empty()) return;
    run([who](CoreWorker& w) {
        require_client(w);
        auto s = std::make_shared<Snapshot>();
        w.client()->unmark_verified(who);
        s->safety = w.client()->safety_number(who);
        s->safety_contact = who;
        return s;
    });
}

bool AppController::saveScreenshot(QQuickWindow* window, const QString& file) {
    if (window == nullptr) return false;
    const QImage image = window->grabWindow();
    QDir().mkpath(QFileInfo(file).absolutePath());
    return !image.isNull() && image.save(file);
}

QString AppController::env(const QString& name) const {
    return qEnvironmentVariable(name.toUtf8().constData());
}

void AppController::quit(int code) {
    QCoreApplication::exit(code);
}

void AppController::logLine(const QString& line) const {
    std::fprintf(stderr, "lagrum-desktop: %s\n", line.toUtf8().constData());
}

}  // namespace lagrum::app
