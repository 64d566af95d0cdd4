#include "app_controller.h"

#include <sodium.h>

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QQmlEngine>
#include <QQuickWindow>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "lagrum/core/pki/organisation.h"
#include "lagrum/transport/grpc_transport.h"

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
};

AppController::AppController(const core::legal::Catalog& catalog, QString profile_dir,
                             QObject* parent)
    : QObject(parent),
      catalog_(catalog),
      profile_dir_(std::move(profile_dir)),
      rooms_(this),
      messages_(catalog, this),
      compose_(catalog, rooms_, this),
      worker_(std::make_unique<CoreWorker>(catalog)) {
    std::error_code ec;
    const bool exists = fs::exists(fs::path(profile_dir_.toStdString()) / "key", ec);
    screen_ = exists ? QStringLiteral("unlock") : QStringLiteral("setup");
    // Background sync: a short sync every few seconds on the worker thread.
    sync_timer_.setInterval(3000);
    connect(&sync_timer_, &QTimer::timeout, this, &AppController::syncNow);
}

AppController::~AppController() = default;

void AppController::attach(QQmlEngine* engine) {
    engine_ = engine;
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
    worker_->post([this, job = std::move(job), with_rooms, open_room](CoreWorker& w) {
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

void AppController::apply(const std::shared_ptr<Snapshot>& s) {
    if (s->error) {
        if (s->error->code() == Errc::relay_unavailable) {
            online_ = false;
            emit onlineChanged();
        }
        set_error(describe(*s->error));
    }
    if (s->reachable && *s->reachable != online_) {
        online_ = *s->reachable;
        emit onlineChanged();
    }
    if (s->relay) relay_address_ = QString::fromStdString(*s->relay);
    if (s->self_address) {
        self_address_ = QString::fromStdString(*s->self_address);
        self_name_ = QString::fromStdString(s->self_name.value_or(""));
        compose_.set_sender_authority(s->self_authority.value_or("other"));
    }
    if (s->device_key) device_key_ = QString::fromStdString(*s->device_key);
    if (s->relay || s->self_address || s->device_key) emit selfChanged();
    if (s->rooms) {
        rooms_.set_rooms(std::move(*s->rooms));
        emit currentRoomChanged();  // a direct conversation's title comes from its members
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
        } else if (s->notice == "profile_created") {
            notice_ =
                tr("Profile created. Give the device key below to your organisation and "
                   "import the member certificate they issue.");
        }
        emit noticeChanged();
    }
    if (s->send_done) emit sent(s->sent);
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
    // The flag is cleared by a job queued after the sync: jobs run in order.
    worker_->post([this](CoreWorker&) {
        QMetaObject::invokeMethod(
            this, [this] { syncing_ = false; }, Qt::QueuedConnection);
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
        if (r.allowed) s->reachable = r.sent ? true : std::optional<bool>{};
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
