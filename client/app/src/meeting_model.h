// Risk meetings as the app shows them: the meetings this device knows, the one that is
// open on screen (agenda, participants, state), its signed minutes once closed, the last
// share's verdict and the PDF export's progress. Data only: AppController fills it from
// the worker thread's results, and every action is a core call there
// (Client::meeting_*), the same calls as `lagrum meeting ...`.
#pragma once

#include <QObject>
#include <QVariant>
#include <optional>
#include <vector>

#include "lagrum/core/legal/catalog.h"
#include "lagrum/core/legal/check.h"
#include "lagrum/core/meetings/meeting.h"

namespace lagrum::app {

class MeetingModel : public QObject {
    Q_OBJECT
    Q_PROPERTY(QVariantList meetings READ meetings NOTIFY listChanged)
    Q_PROPERTY(int count READ count NOTIFY listChanged)
    Q_PROPERTY(QString current READ current NOTIFY currentChanged)
    Q_PROPERTY(QString title READ title NOTIFY currentChanged)
    Q_PROPERTY(QString scheduledAt READ scheduled_at NOTIFY currentChanged)
    Q_PROPERTY(QString chairName READ chair_name NOTIFY currentChanged)
    Q_PROPERTY(bool chairIsSelf READ chair_is_self NOTIFY currentChanged)
    // scheduled | open | closed ("" when no meeting is shown)
    Q_PROPERTY(QString state READ state NOTIFY currentChanged)
    Q_PROPERTY(QString stateLabel READ state_label NOTIFY currentChanged)
    Q_PROPERTY(QVariantList agenda READ agenda NOTIFY currentChanged)
    Q_PROPERTY(QVariantList participants READ participants NOTIFY currentChanged)
    Q_PROPERTY(bool hasMinutes READ has_minutes NOTIFY minutesChanged)
    Q_PROPERTY(bool minutesVerified READ minutes_verified NOTIFY minutesChanged)
    Q_PROPERTY(QString minutesHash READ minutes_hash NOTIFY minutesChanged)
    Q_PROPERTY(QString minutesText READ minutes_text NOTIFY minutesChanged)
    // The last share's verdict: "" (none yet) | allowed | blocked | incomplete, with the
    // reasons in the user's language (a refused share is explained, never silent).
    Q_PROPERTY(QString shareVerdict READ share_verdict NOTIFY shareChanged)
    Q_PROPERTY(QStringList shareReasons READ share_reasons NOTIFY shareChanged)
    Q_PROPERTY(bool exporting READ exporting NOTIFY exportChanged)
    Q_PROPERTY(QString exportedPath READ exported_path NOTIFY exportChanged)
    Q_PROPERTY(int exportedPages READ exported_pages NOTIFY exportChanged)

  public:
    MeetingModel(const core::legal::Catalog& catalog, QObject* parent = nullptr);

    void set_english(bool english);
    void set_meetings(std::vector<core::meetings::Meeting> list);
    void set_current(const QString& name);
    void set_meeting(std::optional<core::meetings::Meeting> m);
    void set_minutes(std::optional<core::meetings::Minutes> m);
    void set_share_verdict(const core::legal::Verdict& v);
    void clear_share_verdict();
    void set_exporting(bool on);
    void set_exported(const QString& path, int pages);

    QVariantList meetings() const;
    int count() const { return static_cast<int>(list_.size()); }
    QString current() const { return current_; }
    QString title() const;
    QString scheduled_at() const;
    QString chair_name() const;
    bool chair_is_self() const { return meeting_ && meeting_->chair_is_self; }
    QString state() const;
    QString state_label() const { return label_of_state(state()); }
    QVariantList agenda() const;
    QVariantList participants() const;
    bool has_minutes() const { return minutes_.has_value(); }
    bool minutes_verified() const { return minutes_ && minutes_->verified; }
    QString minutes_hash() const;
    QString minutes_text() const;
    QString share_verdict() const { return share_verdict_; }
    QStringList share_reasons() const { return share_reasons_; }
    bool exporting() const { return exporting_; }
    QString exported_path() const { return exported_path_; }
    int exported_pages() const { return exported_pages_; }
    const std::optional<core::meetings::Minutes>& raw_minutes() const { return minutes_; }

    Q_INVOKABLE QString labelOfState(const QString& state) const { return label_of_state(state); }

  signals:
    void listChanged();
    void currentChanged();
    void minutesChanged();
    void shareChanged();
    void exportChanged();

  private:
    QString label_of_state(const QString& s) const;
    QString authority_label(const std::string& a) const;
    QString pick(const core::legal::Text& t) const;

    const core::legal::Catalog& catalog_;
    bool english_ = false;
    std::vector<core::meetings::Meeting> list_;
    QString current_;
    std::optional<core::meetings::Meeting> meeting_;
    std::optional<core::meetings::Minutes> minutes_;
    std::optional<core::legal::Verdict> share_;
    QString share_verdict_;
    QStringList share_reasons_;
    bool exporting_ = false;
    QString exported_path_;
    int exported_pages_ = 0;
};

}  // namespace lagrum::app
