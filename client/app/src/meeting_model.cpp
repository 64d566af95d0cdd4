#include "meeting_model.h"

#include <set>

#include "lagrum/core/legal/verdict_json.h"
#include "lagrum/core/pki/organisation.h"

namespace lagrum::app {

namespace mt = core::meetings;
namespace legal = core::legal;

namespace {

QString q(const std::string& s) {
    return QString::fromStdString(s);
}

}  // namespace

MeetingModel::MeetingModel(const legal::Catalog& catalog, QObject* parent)
    : QObject(parent), catalog_(catalog) {}

void MeetingModel::set_english(bool english) {
    english_ = english;
    emit listChanged();
    emit currentChanged();
    emit minutesChanged();
    if (share_) set_share_verdict(*share_);
}

QString MeetingModel::pick(const legal::Text& t) const {
    return q(english_ ? t.en : t.sv);
}

QString MeetingModel::label_of_state(const QString& s) const {
    // A word for every state (never only a colour); the symbol is the page's.
    if (s == QLatin1String("scheduled")) return tr("Scheduled");
    if (s == QLatin1String("open")) return tr("Open");
    if (s == QLatin1String("closed")) return tr("Closed, minutes signed");
    return {};
}

QString MeetingModel::authority_label(const std::string& a) const {
    return q(core::pki::authority_label(a, english_));
}

void MeetingModel::set_meetings(std::vector<mt::Meeting> list) {
    list_ = std::move(list);
    emit listChanged();
}

void MeetingModel::set_current(const QString& name) {
    if (name == current_) return;
    current_ = name;
    meeting_.reset();
    minutes_.reset();
    clear_share_verdict();
    exported_path_.clear();
    exported_pages_ = 0;
    emit currentChanged();
    emit minutesChanged();
    emit exportChanged();
}

void MeetingModel::set_meeting(std::optional<mt::Meeting> m) {
    if (m && q(m->name) != current_) return;  // an answer for a meeting no longer shown
    meeting_ = std::move(m);
    emit currentChanged();
}

void MeetingModel::set_minutes(std::optional<mt::Minutes> m) {
    if (m && q(m->room) != current_) return;
    minutes_ = std::move(m);
    emit minutesChanged();
}

void MeetingModel::set_share_verdict(const legal::Verdict& v) {
    share_ = v;
    share_verdict_ = q(std::string(legal::to_string(v.verdict)));
    share_reasons_.clear();
    std::set<QString> seen;
    auto add = [&](const QString& s) {
        if (seen.insert(s).second) share_reasons_ << s;
    };
    for (const auto& r : v.reasons) {
        if (v.verdict == legal::VerdictKind::allowed || legal::is_blocking(r.code)) {
            add(pick(legal::reason_text(r)));
        }
    }
    for (const auto& rv : v.recipients) {
        if (rv.verdict != legal::VerdictKind::blocked) continue;
        QString who = q(rv.id);
        if (meeting_) {
            for (const auto& p : meeting_->participants) {
                if (p.address == rv.id && !p.name.empty()) who = q(p.name);
            }
        }
        for (const auto& r : rv.reasons) {
            if (legal::is_blocking(r.code))
                add(who + QStringLiteral(": ") + pick(legal::reason_text(r)));
        }
    }
    for (const auto& f : v.missing_facts) {
        const auto id = catalog_.find_fact(f);
        add(tr("Missing: %1").arg(id ? pick(catalog_.facts[*id].description) : q(f)));
    }
    emit shareChanged();
}

void MeetingModel::clear_share_verdict() {
    share_.reset();
    share_verdict_.clear();
    share_reasons_.clear();
    emit shareChanged();
}

void MeetingModel::set_exporting(bool on) {
    exporting_ = on;
    if (on) {
        exported_path_.clear();
        exported_pages_ = 0;
    }
    emit exportChanged();
}

void MeetingModel::set_exported(const QString& path, int pages) {
    exporting_ = false;
    exported_path_ = path;
    exported_pages_ = pages;
    emit exportChanged();
}

QVariantList MeetingModel::meetings() const {
    QVariantList out;
    for (const auto& m : list_) {
        out << QVariantMap{{QStringLiteral("name"), q(m.name)},
                           {QStringLiteral("title"), q(m.title)},
                           {QStringLiteral("scheduledAt"), q(m.scheduled_at)},
                           {QStringLiteral("state"), q(m.state)},
                           {QStringLiteral("stateLabel"), label_of_state(q(m.state))},
                           {QStringLiteral("chairIsSelf"), m.chair_is_self},
                           {QStringLiteral("items"), static_cast<int>(m.agenda.size())}};
    }
    return out;
}

QString MeetingModel::title() const {
    return meeting_ ? q(meeting_->title) : QString();
}
QString MeetingModel::scheduled_at() const {
    return meeting_ ? q(meeting_->scheduled_at) : QString();
}
QString MeetingModel::state() const {
    return meeting_ ? q(meeting_->state) : QString();
}

QString MeetingModel::chair_name() const {
    if (!meeting_) return {};
    for (const auto& p : meeting_->participants) {
        if (p.address == meeting_->chair && !p.name.empty()) return q(p.name);
    }
    return q(meeting_->chair);
}

QVariantList MeetingModel::agenda() const {
    QVariantList out;
    if (!meeting_) return out;
    for (const auto& a : meeting_->agenda) {
        // The agenda shows the meeting pseudonym only; the personnummer stays with the chair.
        out << QVariantMap{{QStringLiteral("number"), static_cast<int>(a.number)},
                           {QStringLiteral("pseudonym"), q(a.pseudonym.substr(0, 8))},
                           {QStringLiteral("subjectKnown"), a.subject_known}};
    }
    return out;
}

QVariantList MeetingModel::participants() const {
    QVariantList out;
    if (!meeting_) return out;
    for (const auto& p : meeting_->participants) {
        out << QVariantMap{{QStringLiteral("name"), q(p.name.empty() ? p.address : p.name)},
                           {QStringLiteral("authority"), authority_label(p.authority)},
                           {QStringLiteral("role"), q(p.role)},
                           {QStringLiteral("chair"), p.address == meeting_->chair}};
    }
    return out;
}

QString MeetingModel::minutes_hash() const {
    return minutes_ ? q(minutes_->hash) : QString();
}

QString MeetingModel::minutes_text() const {
    // The core's rendering, the same text `lagrum meeting minutes` prints.
    return minutes_ ? q(mt::minutes_text(*minutes_, english_ ? "en" : "sv")) : QString();
}

}  // namespace lagrum::app
