#include "compose_model.h"

#include <QDate>
#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "lagrum/core/legal/personnummer.h"
#include "lagrum/core/legal/verdict_json.h"
#include "lagrum/core/messaging/draft_check.h"
#include "lagrum/core/pki/organisation.h"
#include "personnummer_text.h"
#include "room_model.h"

namespace lagrum::app {

namespace legal = core::legal;
using json = nlohmann::ordered_json;

namespace {

legal::Date today() {
    const QDate d = QDate::currentDate();  // local date, as Client::send uses
    return legal::Date{d.year(), d.month(), d.day()};
}

}  // namespace

ComposeModel::ComposeModel(const legal::Catalog& catalog, const RoomModel& rooms, QObject* parent)
    : QObject(parent), catalog_(catalog), rooms_(rooms) {
    connect(&rooms_, &RoomModel::membershipChanged, this, [this] {
        emit structureChanged();
        recompute();
    });
}

void ComposeModel::set_english(bool english) {
    english_ = english;
    emit structureChanged();
    recompute();
}

void ComposeModel::set_sender_authority(const std::string& authority) {
    sender_authority_ = authority.empty() ? "other" : authority;
    recompute();
}

QString ComposeModel::pick(const legal::Text& t) const {
    return QString::fromStdString(english_ ? t.en : t.sv);
}

void ComposeModel::reset() {
    mode_ = QStringLiteral("room");
    room_.clear();
    member_.clear();
    subject_.clear();
    provision_.clear();
    text_.clear();
    facts_.clear();
    categories_.clear();
    emit structureChanged();
    recompute();
}

void ComposeModel::set_recipient_mode(const QString& m) {
    if (m != QLatin1String("room") && m != QLatin1String("member")) return;
    mode_ = m;
    recompute();
}
void ComposeModel::set_room(const QString& r) {
    room_ = r;
    recompute();
}
void ComposeModel::set_member(const QString& m) {
    member_ = m;
    recompute();
}
void ComposeModel::set_text(const QString& t) {
    if (t == text_) return;
    text_ = t;
    emit changed();
}

QStringList ComposeModel::room_choices() const {
    QStringList out;
    for (const auto& r : rooms_.rooms()) {
        if (r.active && !r.direct) out << QString::fromStdString(r.name);
    }
    return out;
}

// The certificate's authority code in the UI language (the screenshot showed
// "Cecilia Carlsson (police)" in the Swedish wizard).
QString ComposeModel::authority_label(const std::string& a) const {
    return QString::fromStdString(core::pki::authority_label(a, english_));
}

QVariantList ComposeModel::member_choices() const {
    // People we share a room with: their authority comes from their verified certificate.
    std::set<std::string> seen;
    QVariantList out;
    for (const auto& r : rooms_.rooms()) {
        for (const auto& m : r.members) {
            if (m.self || !seen.insert(m.address).second) continue;
            out << QVariantMap{{QStringLiteral("address"), QString::fromStdString(m.address)},
                               {QStringLiteral("label"),
                                QString::fromStdString(m.display_name) + QStringLiteral(" (") +
                                    authority_label(m.authority) + QStringLiteral(")")},
                               {QStringLiteral("name"), QString::fromStdString(m.display_name)},
                               {QStringLiteral("authority"), QString::fromStdString(m.authority)},
                               {QStringLiteral("verified"), m.verified},
                               {QStringLiteral("verificationLost"), m.verification_lost}};
        }
    }
    return out;
}

std::vector<ComposeModel::Recipient> ComposeModel::recipients() const {
    std::vector<Recipient> out;
    if (mode_ == QLatin1String("room")) {
        if (const auto* r = rooms_.find(room_)) {
            for (const auto& m : r->members) {
                if (!m.self) out.push_back({m.address, m.display_name, m.authority});
            }
        }
        return out;
    }
    const auto want = member_.toStdString();
    for (const auto& r : rooms_.rooms()) {
        for (const auto& m : r.members) {
            if (!m.self && m.address == want) {
                out.push_back({m.address, m.display_name, m.authority});
                return out;
            }
        }
    }
    return out;
}

QString ComposeModel::name_of(const std::string& address) const {
    for (const auto& r : rooms_.rooms()) {
        for (const auto& m : r.members) {
            if (m.address == address && !m.display_name.empty()) {
                return QString::fromStdString(m.display_name);
            }
        }
    }
    return QString::fromStdString(address);
}

void ComposeModel::set_subject(const QString& s) {
    subject_ = s;
    recompute();
}

QString ComposeModel::subject_masked() const {
    return QString::fromStdString(legal::mask_personnummer(subject_.toStdString()));
}

QVariantList ComposeModel::provisions() const {
    QVariantList out;
    const auto d = today();
    for (const auto& p : catalog_.provisions) {
        if (!p.in_force_on(d)) continue;
        out << QVariantMap{
            {QStringLiteral("id"), QString::fromStdString(p.id)},
            {QStringLiteral("citation"), QString::fromStdString(p.citation_sv)},
            {QStringLiteral("name"), QString::fromStdString(english_ ? p.name_en : p.name_sv)},
            {QStringLiteral("text"), pick(p.text)}};
    }
    return out;
}

void ComposeModel::set_provision(const QString& id) {
    if (id == provision_) return;
    provision_ = id;
    facts_.clear();  // another provision asks other questions
    emit structureChanged();
    recompute();
}

QVariantList ComposeModel::questions() const {
    QVariantList out;
    const auto* p = catalog_.find_provision(provision_.toStdString());
    if (p == nullptr) return out;
    for (const auto& q : p->questions) {  // the catalog's order
        QVariantList facts;
        for (const auto& fname : q.facts) {
            const auto id = catalog_.find_fact(fname);
            if (!id) continue;
            const auto& def = catalog_.facts[*id];
            // The codes go into the check; the ComboBox shows each one's label in the UI
            // language (the catalog's value_labels; the code only if a catalog has none).
            QStringList values;
            QVariantList options;
            for (std::size_t i = 0; i < def.values.size(); ++i) {
                const auto code = QString::fromStdString(def.values[i]);
                values << code;
                options << QVariantMap{
                    {QStringLiteral("value"), code},
                    {QStringLiteral("label"),
                     i < def.value_labels.size() ? pick(def.value_labels[i]) : code}};
            }
            facts << QVariantMap{{QStringLiteral("name"), QString::fromStdString(fname)},
                                 {QStringLiteral("type"), def.type == legal::FactType::boolean
                                                              ? QStringLiteral("boolean")
                                                          : def.type == legal::FactType::enumeration
                                                              ? QStringLiteral("enumeration")
                                                              : QStringLiteral("number")},
                                 {QStringLiteral("values"), values},
                                 {QStringLiteral("options"), options},
                                 {QStringLiteral("min"), def.min},
                                 {QStringLiteral("max"), def.max},
                                 {QStringLiteral("description"), pick(def.description)}};
        }
        out << QVariantMap{{QStringLiteral("id"), QString::fromStdString(q.id)},
                           {QStringLiteral("text"), pick(q.text)},
                           {QStringLiteral("facts"), facts}};
    }
    return out;
}

void ComposeModel::setFact(const QString& name, const QVariant& value) {
    const auto id = catalog_.find_fact(name.toStdString());
    if (!id) return;
    if (!value.isValid() || value.isNull()) {
        facts_.erase(name.toStdString());
    } else {
        const auto& def = catalog_.facts[*id];
        switch (def.type) {
            case legal::FactType::boolean:
                facts_[name.toStdString()] = value.toBool();
                break;
            case legal::FactType::enumeration:
                facts_[name.toStdString()] = value.toString();
                break;
            case legal::FactType::number: {
                bool ok = false;
                const double v = value.toDouble(&ok);
                if (ok) {
                    facts_[name.toStdString()] = v;
                } else {
                    facts_.erase(name.toStdString());
                }
                break;
            }
        }
    }
    recompute();
}

QString ComposeModel::category_label(const std::string& name) const {
    if (name == "health") return tr("Health");
    if (name == "third_party_health") return tr("Another person's health");
    if (name == "third_party_information") return tr("Other people than the young person");
    if (name == "sexual_life") return tr("Sexual life");
    if (name == "ethnicity_religion") return tr("Ethnic origin or religion");
    if (name == "substance_use") return tr("Substance use");
    if (name == "criminal_offences") return tr("Criminal offences");
    if (name == "protected_address") return tr("Protected address");
    return QString::fromStdString(name);
}

QVariantList ComposeModel::categories() const {
    QVariantList out;
    for (const auto& c : catalog_.categories) {
        out << QVariantMap{{QStringLiteral("name"), QString::fromStdString(c.name)},
                           {QStringLiteral("label"), category_label(c.name)}};
    }
    return out;
}

QStringList ComposeModel::selected_categories() const {
    QStringList out;
    for (const auto& c : categories_) out << QString::fromStdString(c);
    return out;
}

QVariantMap ComposeModel::answers() const {
    QVariantMap out;
    for (const auto& [k, v] : facts_) out.insert(QString::fromStdString(k), v);
    return out;
}

void ComposeModel::setCategory(const QString& name, bool on) {
    const auto n = name.toStdString();
    if (!catalog_.find_category(n)) return;
    std::erase(categories_, n);
    if (on) categories_.push_back(n);
    recompute();
}

void ComposeModel::applySuggestion(int index) {
    if (index < 0 || static_cast<std::size_t>(index) >= raw_suggestions_.size()) return;
    const auto s = raw_suggestions_[static_cast<std::size_t>(index)];
    if (s.recipients.size() != 1) return;
    // One recipient: the draft becomes a direct message to them, under the suggested
    // provision; the facts already answered stay (the same questions are asked).
    mode_ = QStringLiteral("member");
    member_ = QString::fromStdString(s.recipients.front());
    if (QString::fromStdString(s.provision) != provision_) {
        provision_ = QString::fromStdString(s.provision);
    }
    emit structureChanged();
    recompute();
}

QString ComposeModel::verdict_title() const {
    if (verdict_ == QLatin1String("allowed"))
        return tr("Allowed: the provision covers every recipient.");
    if (verdict_ == QLatin1String("blocked"))
        return tr("Blocked: the message may not be sent like this.");
    if (verdict_ == QLatin1String("incomplete"))
        return tr("Incomplete: answer the questions below.");
    return verdict_note_;
}

bool ComposeModel::can_send() const {
    return verdict_ == QLatin1String("allowed") && !text_.trimmed().isEmpty();
}

core::messaging::SendRequest ComposeModel::request() const {
    core::messaging::SendRequest r;
    if (mode_ == QLatin1String("room")) {
        r.room = room_.toStdString();
    } else {
        r.to = member_.toStdString();
    }
    r.subject = subject_.toStdString();
    r.provision = provision_.toStdString();
    json facts = json::object();
    for (const auto& [k, v] : facts_) {
        if (v.typeId() == QMetaType::Bool) {
            facts[k] = v.toBool();
        } else if (v.typeId() == QMetaType::Double) {
            facts[k] = v.toDouble();
        } else {
            facts[k] = v.toString().toStdString();
        }
    }
    r.facts_json = facts.dump();
    r.categories = categories_;
    r.text = text_.toStdString();
    return r;
}

void ComposeModel::recompute() {
    reasons_.clear();
    missing_.clear();
    warnings_.clear();
    suggestions_.clear();
    raw_suggestions_.clear();
    verdict_ = QStringLiteral("none");
    verdict_note_.clear();

    // The personnummer, live as it is typed. The number never leaves this object except
    // in the request; the error text never contains it.
    if (subject_.trimmed().isEmpty()) {
        subject_state_ = QStringLiteral("empty");
        subject_message_ = tr("Enter the young person's personnummer or samordningsnummer.");
    } else {
        const auto parsed = legal::parse_personnummer(subject_.trimmed().toStdString(), today());
        if (const auto* e = std::get_if<legal::PersonnummerError>(&parsed)) {
            subject_state_ = QStringLiteral("invalid");
            subject_message_ = PersonnummerText::error(*e);
        } else {
            const auto& p = std::get<legal::Personnummer>(parsed);
            subject_state_ = QStringLiteral("valid");
            subject_message_ = (p.samordningsnummer ? tr("Valid samordningsnummer, age %1.")
                                                    : tr("Valid personnummer, age %1."))
                                   .arg(legal::subject_age(
                                       {legal::AgeBasis::personnummer, p.birth_date, 0}, today()));
        }
    }

    const auto rcpts = recipients();
    if (rcpts.empty()) {
        verdict_note_ = tr("Choose the recipients.");
    } else if (subject_state_ != QLatin1String("valid")) {
        verdict_note_ = tr("Enter a valid personnummer for the young person.");
    } else if (catalog_.find_provision(provision_.toStdString()) == nullptr) {
        verdict_note_ = tr("Choose the provision (lagrum) that allows the disclosure.");
    } else {
        // The same core call Client::send makes once it has the recipients (draft_check.h).
        std::vector<legal::RecipientRef> refs;
        for (const auto& r : rcpts) {
            refs.push_back(
                {r.id, legal::parse_authority(r.authority).value_or(legal::Authority::other)});
        }
        auto draft = request();
        draft.subject = subject_.trimmed().toStdString();
        const auto checked =
            core::messaging::check_draft(catalog_, sender_authority_, refs, draft, today());
        if (!checked.checked) {
            verdict_note_ = tr("The draft cannot be checked: %1")
                                .arg(QString::fromStdString(checked.input_error));
        } else {
            const auto& v = checked.verdict;
            verdict_ = QString::fromStdString(std::string(legal::to_string(v.verdict)));
            std::set<QString> seen;
            auto add_reason = [&](const QString& s) {
                if (seen.insert(s).second) reasons_ << s;
            };
            for (const auto& r : v.reasons) {
                if (v.verdict == legal::VerdictKind::allowed || legal::is_blocking(r.code)) {
                    add_reason(pick(legal::reason_text(r)));
                }
            }
            for (const auto& rv : v.recipients) {
                if (rv.verdict != legal::VerdictKind::blocked) continue;
                for (const auto& r : rv.reasons) {
                    if (!legal::is_blocking(r.code)) continue;
                    add_reason(name_of(rv.id) + QStringLiteral(": ") + pick(legal::reason_text(r)));
                }
            }
            for (const auto& f : v.missing_facts) {
                const auto id = catalog_.find_fact(f);
                missing_ << (id ? pick(catalog_.facts[*id].description)
                                : QString::fromStdString(f));
            }
            for (const auto& w : v.warnings) warnings_ << pick(legal::warning_text(w, catalog_));
            for (const auto& s : v.suggestions) {
                QStringList names;
                for (const auto& a : s.recipients) names << name_of(a);
                const bool one_click =
                    s.recipients.size() == 1 && s.kind != legal::SuggestionKind::consent;
                const auto* sp = catalog_.find_provision(s.provision);
                QString label;
                if (one_click && s.kind == legal::SuggestionKind::split) {
                    label = tr("Send only to %1").arg(names.join(QStringLiteral(", ")));
                } else if (one_click) {
                    label = tr("Send only to %1 under %2")
                                .arg(names.join(QStringLiteral(", ")),
                                     QString::fromStdString(sp ? sp->citation_sv : s.provision));
                }
                suggestions_ << QVariantMap{{QStringLiteral("text"), pick(s.why)},
                                            {QStringLiteral("label"), label},
                                            {QStringLiteral("oneClick"), one_click}};
                raw_suggestions_.push_back(s);
            }
        }
    }
    emit changed();
}

}  // namespace lagrum::app
