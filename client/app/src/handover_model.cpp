#include "handover_model.h"

#include <QDate>
#include <QDateTime>
#include <QMetaObject>
#include <set>

#include "lagrum/core/legal/personnummer.h"
#include "personnummer_text.h"

namespace lagrum::app {

namespace legal = core::legal;
using core::Errc;

namespace {

QString q(const std::string& s) {
    return QString::fromStdString(s);
}

QStringList list(const std::vector<std::string>& v) {
    QStringList out;
    for (const auto& s : v) out << q(s);
    return out;
}

legal::Date today() {
    const QDate d = QDate::currentDate();  // local date, as Client::hand_over uses
    return legal::Date{d.year(), d.month(), d.day()};
}

std::string organisation_of(const std::string& address) {
    const auto slash = address.find('/');
    return slash == std::string::npos ? std::string() : address.substr(0, slash);
}

}  // namespace

HandoverModel::HandoverModel(const RoomModel& rooms, QObject* parent)
    : QObject(parent), rooms_(rooms) {
    connect(&rooms_, &RoomModel::membershipChanged, this, &HandoverModel::choicesChanged);
    recheck_subject();
}

void HandoverModel::post(Job job) {
    // Before unlock there is nothing to read or hand over (the page may exist already).
    if (worker_ == nullptr) return;
    worker_->post([this, job = std::move(job)](CoreWorker& w) {
        if (w.client() == nullptr) return;
        try {
            job(w);
        } catch (const core::Error& e) {
            QMetaObject::invokeMethod(
                this, [this, e] { fail(e); }, Qt::QueuedConnection);
        } catch (const std::exception& e) {
            const core::Error err(Errc::internal, e.what());
            QMetaObject::invokeMethod(
                this, [this, err] { fail(err); }, Qt::QueuedConnection);
        }
    });
}

QString HandoverModel::describe(const core::Error& e) const {
    const QString detail = QString::fromUtf8(e.what());
    switch (e.code()) {
        case Errc::relay_unavailable:
            return tr(
                "The relay cannot be reached. A handover needs the connection: try again "
                "when you are online.");
        case Errc::not_found:
            return tr("Nothing to hand over: %1").arg(detail);
        case Errc::bad_input:
            return tr("Check the input: %1").arg(detail);
        case Errc::conflict:
            return tr("Not possible right now: %1").arg(detail);
        default:
            return tr("The handover failed: %1").arg(detail);
    }
}

void HandoverModel::fail(const core::Error& e) {
    error_ = describe(e);
    if (working_) {
        working_ = false;
        progress_ = 0;
        // A failed run goes back to the summary so the user can try again.
        if (step_ == 3) step_ = 2;
        emit finished(false);
    }
    emit changed();
}

void HandoverModel::set_subject(const QString& s) {
    if (s == subject_) return;
    subject_ = s;
    recheck_subject();
    emit changed();
}

// The same parser and messages as the compose wizard (legal::parse_personnummer): the
// number itself never appears in a message.
void HandoverModel::recheck_subject() {
    if (subject_.trimmed().isEmpty()) {
        subject_state_ = QStringLiteral("empty");
        subject_message_ = tr("Enter the young person's personnummer or samordningsnummer.");
        return;
    }
    const auto parsed = legal::parse_personnummer(subject_.trimmed().toStdString(), today());
    if (const auto* e = std::get_if<legal::PersonnummerError>(&parsed)) {
        subject_state_ = QStringLiteral("invalid");
        subject_message_ = PersonnummerText::error(*e);
        return;
    }
    const auto& p = std::get<legal::Personnummer>(parsed);
    subject_state_ = QStringLiteral("valid");
    subject_message_ =
        p.samordningsnummer ? tr("Valid samordningsnummer.") : tr("Valid personnummer.");
}

QString HandoverModel::subject_masked() const {
    return q(legal::mask_personnummer(subject_.trimmed().toStdString()));
}

QVariantList HandoverModel::successor_choices() const {
    // Our own address is the member marked self in any room; colleagues share its
    // organisation (a handover stays within the authority, Client::hand_over).
    std::string self;
    for (const auto& r : rooms_.rooms()) {
        for (const auto& m : r.members) {
            if (m.self) self = m.address;
        }
    }
    QVariantList out;
    if (self.empty()) return out;
    const auto org = organisation_of(self);
    std::set<std::string> seen;
    for (const auto& r : rooms_.rooms()) {
        for (const auto& m : r.members) {
            if (m.self || organisation_of(m.address) != org || !seen.insert(m.address).second) {
                continue;
            }
            const QString name = q(m.display_name.empty() ? m.address : m.display_name);
            out << QVariantMap{
                {QStringLiteral("address"), q(m.address)},
                {QStringLiteral("label"), name + QStringLiteral(" — ") + q(m.address)}};
        }
    }
    return out;
}

void HandoverModel::set_successor(const QString& s) {
    if (s == successor_) return;
    successor_ = s;
    emit changed();
}

QString HandoverModel::successor_label() const {
    for (const auto& v : successor_choices()) {
        const auto m = v.toMap();
        if (m.value(QStringLiteral("address")).toString() == successor_) {
            return m.value(QStringLiteral("label")).toString();
        }
    }
    return successor_;
}

void HandoverModel::next() {
    error_.clear();
    if (step_ == 0) {
        if (subject_state_ == QLatin1String("valid")) step_ = 1;
    } else if (step_ == 1 && !successor_.isEmpty() && !working_) {
        // The summary: what would go, from the store (nothing written or sent).
        core::handover::HandoverRequest req;
        req.subject = subject_.trimmed().toStdString();
        req.successor = successor_.toStdString();
        working_ = true;
        post([this, req](CoreWorker& w) {
            auto p = w.client()->handover_preview(req);
            QMetaObject::invokeMethod(
                this,
                [this, p] {
                    preview_ = p;
                    working_ = false;
                    step_ = 2;
                    emit changed();
                },
                Qt::QueuedConnection);
        });
    }
    emit changed();
}

void HandoverModel::back() {
    if (working_) return;
    error_.clear();
    if (step_ == 1 || step_ == 2) --step_;
    if (step_ < 2) preview_.reset();
    emit changed();
}

void HandoverModel::restart() {
    if (working_) return;
    step_ = 0;
    subject_.clear();
    successor_.clear();
    preview_.reset();
    progress_ = 0;
    error_.clear();
    recheck_subject();
    emit changed();
}

void HandoverModel::confirm() {
    if (step_ != 2 || working_) return;
    error_.clear();
    working_ = true;
    step_ = 3;
    progress_ = 1;
    emit changed();
    core::handover::HandoverRequest req;
    req.subject = subject_.trimmed().toStdString();
    req.successor = successor_.toStdString();
    auto phase = [this](int n) {
        QMetaObject::invokeMethod(
            this,
            [this, n] {
                progress_ = n;
                emit changed();
            },
            Qt::QueuedConnection);
    };
    // One job on the worker, reporting its phases: catch up with the relay, hand over
    // (adds the successor, sends the signed bundle, logs), read the list again.
    post([this, req, phase](CoreWorker& w) {
        const auto report = w.client()->sync();
        if (!report.relay_reachable) {
            throw core::Error(Errc::relay_unavailable, "the relay is unreachable");
        }
        phase(2);
        auto r = w.client()->hand_over(req);
        phase(3);
        auto records = w.client()->handovers();
        auto verification = w.client()->verify_handovers();
        QMetaObject::invokeMethod(
            this,
            [this, r, records, verification] {
                preview_ = r;
                working_ = false;
                step_ = 4;
                set_past(records, verification);
                emit changed();
                emit finished(true);
            },
            Qt::QueuedConnection);
    });
}

void HandoverModel::refresh() {
    post([this](CoreWorker& w) {
        if (w.client()->self() == std::nullopt) return;  // no certificate yet: nothing to list
        auto records = w.client()->handovers();
        auto verification = w.client()->verify_handovers();
        QMetaObject::invokeMethod(
            this, [this, records, verification] { set_past(records, verification); },
            Qt::QueuedConnection);
    });
}

void HandoverModel::set_past(std::vector<core::handover::HandoverRecord> records,
                             core::handover::HandoverVerification verification) {
    past_ = std::move(records);
    verification_ = std::move(verification);
    emit pastChanged();
}

void HandoverModel::retranslate() {
    recheck_subject();
    emit changed();
    emit pastChanged();
}

QStringList HandoverModel::rooms() const {
    return preview_ ? list(preview_->rooms) : QStringList();
}

QStringList HandoverModel::direct() const {
    // A direct conversation's stored name is both addresses; show the other person.
    QStringList out;
    if (preview_) {
        for (const auto& d : preview_->direct) out << rooms_.titleOf(q(d));
    }
    return out;
}

QString HandoverModel::handover_id() const {
    return preview_ ? q(preview_->handover_id) : QString();
}

QString HandoverModel::progress_text() const {
    switch (progress_) {
        case 1:
            return tr("Step 1 of 3: catching up with the relay…");
        case 2:
            return tr(
                "Step 2 of 3: adding the successor to the rooms and sending the signed "
                "history…");
        case 3:
            return tr("Step 3 of 3: reading the handovers again…");
        default:
            return {};
    }
}

QString HandoverModel::state_label(const core::handover::HandoverRecord& r) const {
    // Words for every state (the page adds a symbol; never colour alone).
    if (r.state == "sent") return tr("Sent, waiting for the receipt");
    if (r.state == "completed") return tr("Completed: the successor confirmed");
    if (r.state == "failed") return tr("Failed");
    if (r.state == "verified") return tr("Received and verified, finishing");
    if (r.state == "done") return tr("Received and verified");
    if (r.state == "rejected") return tr("Rejected");
    return q(r.state);
}

QStringList HandoverModel::titles(const std::vector<std::string>& rooms) const {
    QStringList out;
    for (const auto& r : rooms) out << rooms_.titleOf(q(r));
    return out;
}

QVariantList HandoverModel::past() const {
    QVariantList out;
    for (const auto& r : past_) {
        QString check, check_label;
        if (r.direction == "received" && verification_) {
            for (const auto& c : verification_->bundles) {
                if (c.handover.handover_id != r.handover_id) continue;
                check = c.ok ? QStringLiteral("ok") : QStringLiteral("broken");
                check_label = c.ok ? tr("Bundle verified: signature, messages and log excerpt")
                                   : tr("Bundle does not verify: %1").arg(q(c.problem));
            }
        }
        const bool sent = r.direction == "sent";
        out << QVariantMap{
            {QStringLiteral("id"), q(r.handover_id)},
            {QStringLiteral("direction"), q(r.direction)},
            {QStringLiteral("directionLabel"), sent ? tr("Sent to %1").arg(q(r.counterpart))
                                                    : tr("Received from %1").arg(q(r.counterpart))},
            {QStringLiteral("counterpart"), q(r.counterpart)},
            {QStringLiteral("state"), q(r.state)},
            {QStringLiteral("stateLabel"), state_label(r)},
            {QStringLiteral("problem"), q(r.problem)},
            {QStringLiteral("rooms"), titles(r.rooms).join(QStringLiteral(", "))},
            {QStringLiteral("messages"), static_cast<int>(r.messages)},
            {QStringLiteral("consents"), static_cast<int>(r.consents)},
            {QStringLiteral("created"), QDateTime::fromSecsSinceEpoch(r.created_at)
                                            .toString(QStringLiteral("yyyy-MM-dd HH:mm"))},
            {QStringLiteral("verification"), check},
            {QStringLiteral("verificationLabel"), check_label}};
    }
    return out;
}

QString HandoverModel::verification() const {
    if (!verification_ || verification_->bundles.empty()) return {};
    return verification_->ok ? QStringLiteral("ok") : QStringLiteral("broken");
}

}  // namespace lagrum::app
