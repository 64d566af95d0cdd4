#include "records_model.h"

#include "lagrum/core/meetings/meeting.h"
#include "lagrum/core/pki/organisation.h"

namespace lagrum::app {

namespace rec = core::records;

namespace {

QString q(const std::string& s) {
    return QString::fromStdString(s);
}

const rec::ReportSection* events_section(const rec::ReportLayout& l) {
    for (const auto& s : l.sections) {
        if (!s.table_header.empty()) return &s;
    }
    return nullptr;
}

}  // namespace

void RecordsModel::set_english(bool english) {
    english_ = english;
    emit consentsChanged();
    emit logChanged();
}

QString RecordsModel::authority_label(const std::string& a) const {
    return q(core::pki::authority_label(a, english_));
}

QString RecordsModel::status_label(const std::string& status) const {
    // A word for every status, shown with a symbol by the page (never colour alone).
    if (status == "given") return tr("Given");
    if (status == "withdrawn") return tr("Withdrawn");
    if (status == "case_closed") return tr("Ended: case closed");
    if (status == "expired") return tr("Expired");
    return q(status);
}

void RecordsModel::set_consents(std::vector<rec::Consent> c) {
    consents_ = std::move(c);
    emit consentsChanged();
}

void RecordsModel::set_change(const rec::ConsentChange& change) {
    if (change.held.empty()) {
        last_change_ = tr("%n consent(s) ended. No queued message depended on them.", "",
                          static_cast<int>(change.consents.size()));
    } else {
        last_change_ =
            tr("%n consent(s) ended. %1 queued message(s) are held and will not be sent.", "",
               static_cast<int>(change.consents.size()))
                .arg(change.held.size());
    }
    emit consentsChanged();
}

void RecordsModel::set_log(rec::ReportLayout layout, std::size_t entries) {
    layout_ = std::move(layout);
    entry_count_ = entries;
    emit logChanged();
}

void RecordsModel::set_verifying(bool on) {
    verifying_ = on;
    emit logChanged();
}

void RecordsModel::set_verification(const rec::LogVerification& v) {
    verifying_ = false;
    verification_ = v;
    emit logChanged();
}

void RecordsModel::set_exporting(bool on) {
    exporting_ = on;
    if (on) exported_path_.clear();
    emit exportChanged();
}

void RecordsModel::set_exported(const QString& path) {
    exporting_ = false;
    exported_path_ = path;
    emit exportChanged();
}

void RecordsModel::set_safety(const QString& contact, const QStringList& groups,
                              const QString& payload) {
    safety_contact_ = contact;
    safety_groups_ = groups;
    safety_payload_ = payload;
    emit safetyChanged();
}

void RecordsModel::set_safety_state(bool verified, bool lost) {
    safety_verified_ = verified;
    safety_verification_lost_ = lost;
    emit safetyChanged();
}

QVariantList RecordsModel::consents() const {
    QVariantList out;
    for (const auto& c : consents_) {
        QStringList to;
        for (const auto& r : c.recipients) to << authority_label(r);
        out << QVariantMap{
            {QStringLiteral("id"), static_cast<qlonglong>(c.id)},
            // The register keeps the pseudonym only; the page shows its first digits.
            {QStringLiteral("subject"), q(c.subject.substr(0, 8))},
            // Shown mid-sentence ("given by %2"), so not capitalised.
            {QStringLiteral("givenBy"),
             c.given_by == "guardian" ? tr("the guardian") : tr("the young person")},
            {QStringLiteral("recipients"), to.join(QStringLiteral(", "))},
            {QStringLiteral("purpose"), q(c.purpose)},
            {QStringLiteral("validUntil"),
             c.valid_until ? q(core::legal::to_string(*c.valid_until)) : QString()},
            {QStringLiteral("document"), q(c.document_name)},
            {QStringLiteral("status"), q(c.status)},
            {QStringLiteral("statusLabel"), status_label(c.status)},
            {QStringLiteral("givenAt"), q(core::meetings::minute_time(c.given_at))},
            {QStringLiteral("signatureOk"), c.signature_ok},
            {QStringLiteral("active"), c.status == "given" && c.signature_ok}};
    }
    return out;
}

QStringList RecordsModel::entry_header() const {
    QStringList out;
    if (const auto* s = events_section(layout_)) {
        for (const auto& h : s->table_header) out << q(h);
    }
    return out;
}

QVariantList RecordsModel::entries() const {
    QVariantList out;
    const auto* s = events_section(layout_);
    if (s == nullptr) return out;
    for (const auto& row : s->rows) {
        QStringList cells;
        for (const auto& c : row) cells << q(c);
        const int position = cells.isEmpty() ? 0 : cells.front().toInt();
        out << QVariantMap{{QStringLiteral("cells"), cells},
                           {QStringLiteral("position"), position},
                           {QStringLiteral("bad"), verification_ && !verification_->ok &&
                                                       position == verification_->first_bad}};
    }
    return out;
}

QString RecordsModel::verification() const {
    if (!verification_) return {};
    return verification_->ok ? QStringLiteral("ok") : QStringLiteral("broken");
}

QString RecordsModel::verification_text() const {
    if (!verification_) return {};
    if (verification_->ok) {
        return tr("The log is intact: %n entries, every hash and signature checked.", "",
                  static_cast<int>(verification_->entries));
    }
    return tr("The log is BROKEN at entry %1: %2")
        .arg(verification_->first_bad)
        .arg(q(verification_->problem));
}

}  // namespace lagrum::app
