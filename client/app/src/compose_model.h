// The compose wizard's state: the young person, the recipients, the provision, the
// answers to the provision's questions (in the catalog's order), sensitive categories and
// the text; and the live verdict of the legal check for exactly that draft.
//
// The verdict comes from core::messaging::check_draft, the very call Client::send makes
// once it has resolved the recipients (messaging/draft_check.h). Client::send runs it again
// with the room's members from the verified group state before anything is queued, so
// this preview can only make the app stricter, never more permissive. (A consent-based
// provision is judged here without the consent register, which only the worker thread
// may read: the preview says "missing consent" where send() would find one.)
#pragma once

#include <QObject>
#include <QVariant>
#include <map>
#include <optional>
#include <string>

#include "lagrum/core/legal/catalog.h"
#include "lagrum/core/legal/check.h"
#include "lagrum/core/messaging/client.h"

namespace lagrum::app {

class RoomModel;

class ComposeModel : public QObject {
    Q_OBJECT
    Q_PROPERTY(QString recipientMode READ recipient_mode WRITE set_recipient_mode NOTIFY changed)
    Q_PROPERTY(QString room READ room WRITE set_room NOTIFY changed)
    Q_PROPERTY(QString member READ member WRITE set_member NOTIFY changed)
    Q_PROPERTY(QStringList roomChoices READ room_choices NOTIFY structureChanged)
    Q_PROPERTY(QVariantList memberChoices READ member_choices NOTIFY structureChanged)
    Q_PROPERTY(QString subject READ subject WRITE set_subject NOTIFY changed)
    Q_PROPERTY(QString subjectState READ subject_state NOTIFY changed)
    Q_PROPERTY(QString subjectMessage READ subject_message NOTIFY changed)
    Q_PROPERTY(QString subjectMasked READ subject_masked NOTIFY changed)
    Q_PROPERTY(QVariantList provisions READ provisions NOTIFY structureChanged)
    Q_PROPERTY(QString provision READ provision WRITE set_provision NOTIFY changed)
    Q_PROPERTY(QVariantList questions READ questions NOTIFY structureChanged)
    Q_PROPERTY(QVariantList categories READ categories NOTIFY structureChanged)
    // Answers by fact name and the ticked categories: separate from the questions so that
    // answering does not rebuild the wizard's controls (focus stays where it is).
    Q_PROPERTY(QVariantMap answers READ answers NOTIFY changed)
    Q_PROPERTY(QStringList selectedCategories READ selected_categories NOTIFY changed)
    Q_PROPERTY(QString text READ text WRITE set_text NOTIFY changed)
    Q_PROPERTY(QString verdict READ verdict NOTIFY changed)
    Q_PROPERTY(QString verdictTitle READ verdict_title NOTIFY changed)
    Q_PROPERTY(QStringList reasons READ reasons NOTIFY changed)
    Q_PROPERTY(QStringList missingFacts READ missing_facts NOTIFY changed)
    Q_PROPERTY(QStringList warnings READ warnings NOTIFY changed)
    Q_PROPERTY(QVariantList suggestions READ suggestions NOTIFY changed)
    Q_PROPERTY(bool canSend READ can_send NOTIFY changed)

  public:
    ComposeModel(const core::legal::Catalog& catalog, const RoomModel& rooms,
                 QObject* parent = nullptr);

    void set_english(bool english);
    void set_sender_authority(const std::string& authority);
    // The request Client::send gets for this draft (only meaningful when canSend).
    core::messaging::SendRequest request() const;

    Q_INVOKABLE void reset();
    // Answers a fact: a bool, an enumeration value (string) or a number; null clears it.
    Q_INVOKABLE void setFact(const QString& name, const QVariant& value);
    Q_INVOKABLE void setCategory(const QString& name, bool on);
    // The one-click fix of a blocked draft, e.g. "send only to the police in the room".
    Q_INVOKABLE void applySuggestion(int index);
    Q_INVOKABLE void refresh() { recompute(); }

    QString recipient_mode() const { return mode_; }
    void set_recipient_mode(const QString& m);
    QString room() const { return room_; }
    void set_room(const QString& r);
    QString member() const { return member_; }
    void set_member(const QString& m);
    QStringList room_choices() const;
    QVariantList member_choices() const;
    QString authority_label(const std::string& a) const;
    QString subject() const { return subject_; }
    void set_subject(const QString& s);
    QString subject_state() const { return subject_state_; }
    QString subject_message() const { return subject_message_; }
    QString subject_masked() const;
    QVariantList provisions() const;
    QString provision() const { return provision_; }
    void set_provision(const QString& id);
    QVariantList questions() const;
    QVariantList categories() const;
    QString text() const { return text_; }
    void set_text(const QString& t);
    QString verdict() const { return verdict_; }
    QString verdict_title() const;
    QStringList reasons() const { return reasons_; }
    QStringList missing_facts() const { return missing_; }
    QStringList warnings() const { return warnings_; }
    QVariantList suggestions() const { return suggestions_; }
    bool can_send() const;

    QVariantMap answers() const;
    QStringList selected_categories() const;

  signals:
    void changed();
    void structureChanged();

  private:
    struct Recipient {
        std::string id;
        std::string name;
        std::string authority;
    };
    std::vector<Recipient> recipients() const;
    QString pick(const core::legal::Text& t) const;
    QString name_of(const std::string& address) const;
    QString category_label(const std::string& name) const;
    void recompute();

    const core::legal::Catalog& catalog_;
    const RoomModel& rooms_;
    bool english_ = false;
    std::string sender_authority_ = "other";

    QString mode_ = QStringLiteral("room");
    QString room_, member_, subject_, provision_, text_;
    QString subject_state_ = QStringLiteral("empty");  // empty | valid | invalid
    QString subject_message_;
    std::map<std::string, QVariant> facts_;
    std::vector<std::string> categories_;

    QString verdict_ = QStringLiteral("none");  // none | allowed | blocked | incomplete
    QString verdict_note_;                      // why there is no verdict yet
    QStringList reasons_, missing_, warnings_;
    QVariantList suggestions_;
    std::vector<core::legal::Suggestion> raw_suggestions_;
};

}  // namespace lagrum::app
