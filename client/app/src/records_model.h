// The records screens' data: the consent register, the disclosure log with the result of
// its last verification, and the last export. Data only: AppController fills it from the
// worker thread (Client::consents, add_consent, withdraw_consent, close_case, log,
// verify_log), the same calls as `lagrum consent ...`, `case close` and `log ...`.
#pragma once

#include <QObject>
#include <QVariant>
#include <optional>
#include <vector>

#include "lagrum/core/records/consent.h"
#include "lagrum/core/records/disclosure_log.h"
#include "lagrum/core/records/render.h"

namespace lagrum::app {

class RecordsModel : public QObject {
    Q_OBJECT
    Q_PROPERTY(QVariantList consents READ consents NOTIFY consentsChanged)
    Q_PROPERTY(int consentCount READ consent_count NOTIFY consentsChanged)
    Q_PROPERTY(QVariantList entries READ entries NOTIFY logChanged)
    Q_PROPERTY(QStringList entryHeader READ entry_header NOTIFY logChanged)
    Q_PROPERTY(int entryCount READ entry_count NOTIFY logChanged)
    // "" (not verified yet) | ok | broken
    Q_PROPERTY(QString verification READ verification NOTIFY logChanged)
    Q_PROPERTY(QString verificationText READ verification_text NOTIFY logChanged)
    Q_PROPERTY(int firstBad READ first_bad NOTIFY logChanged)
    Q_PROPERTY(bool verifying READ verifying NOTIFY logChanged)
    Q_PROPERTY(bool exporting READ exporting NOTIFY exportChanged)
    Q_PROPERTY(QString exportedPath READ exported_path NOTIFY exportChanged)
    Q_PROPERTY(QString lastChange READ last_change NOTIFY consentsChanged)
    // Contact verification: the safety number with a contact, in groups, and the QR
    // payload (shown through image://qr/).
    Q_PROPERTY(QString safetyContact READ safety_contact NOTIFY safetyChanged)
    Q_PROPERTY(QStringList safetyGroups READ safety_groups NOTIFY safetyChanged)
    Q_PROPERTY(QString safetyPayload READ safety_payload NOTIFY safetyChanged)
    // Whether the contact was marked verified for the device keys known now, or was
    // marked once but the keys changed since (Client::mark_verified).
    Q_PROPERTY(bool safetyVerified READ safety_verified NOTIFY safetyChanged)
    Q_PROPERTY(bool safetyVerificationLost READ safety_verification_lost NOTIFY safetyChanged)

  public:
    using QObject::QObject;

    void set_english(bool english);
    void set_consents(std::vector<core::records::Consent> c);
    void set_change(const core::records::ConsentChange& change);
    // The log as the core lays it out for the export (records/render.h): the viewer shows
    // the same rows, labels and verification sentence as the PDF.
    void set_log(core::records::ReportLayout layout, std::size_t entries);
    void set_verifying(bool on);
    void set_verification(const core::records::LogVerification& v);
    void set_exporting(bool on);
    void set_exported(const QString& path);
    void set_safety(const QString& contact, const QStringList& groups, const QString& payload);
    QString safety_contact() const { return safety_contact_; }
    QStringList safety_groups() const { return safety_groups_; }
    QString safety_payload() const { return safety_payload_; }
    void set_safety_state(bool verified, bool lost);
    bool safety_verified() const { return safety_verified_; }
    bool safety_verification_lost() const { return safety_verification_lost_; }

    QVariantList consents() const;
    int consent_count() const { return static_cast<int>(consents_.size()); }
    QVariantList entries() const;
    QStringList entry_header() const;
    int entry_count() const { return static_cast<int>(entry_count_); }
    QString verification() const;
    QString verification_text() const;
    int first_bad() const { return verification_ ? static_cast<int>(verification_->first_bad) : 0; }
    bool verifying() const { return verifying_; }
    bool exporting() const { return exporting_; }
    QString exported_path() const { return exported_path_; }
    QString last_change() const { return last_change_; }

  signals:
    void consentsChanged();
    void logChanged();
    void exportChanged();
    void safetyChanged();

  private:
    QString status_label(const std::string& status) const;
    QString authority_label(const std::string& a) const;

    bool english_ = false;
    std::vector<core::records::Consent> consents_;
    core::records::ReportLayout layout_;
    std::size_t entry_count_ = 0;
    std::optional<core::records::LogVerification> verification_;
    bool verifying_ = false;
    bool exporting_ = false;
    QString exported_path_;
    QString last_change_;
    QString safety_contact_, safety_payload_;
    QStringList safety_groups_;
    bool safety_verified_ = false, safety_verification_lost_ = false;
};

}  // namespace lagrum::app
