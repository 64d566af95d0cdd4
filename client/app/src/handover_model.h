// The handover wizard (Records → Handover), as `lagrum handover` does it: the young person
// (personnummer checked as it is typed by the core's parser, shown masked after entry),
// the successor (a colleague of our own organisation among the contacts), a summary of
// what goes (Client::handover_preview), then Client::hand_over on the worker thread with
// its phases shown, and the result. Also the list of past handovers (Client::handovers)
// with each received bundle's verification (Client::verify_handovers). No business logic
// here beyond presenting the core's answers.
#pragma once

#include <QObject>
#include <QStringList>
#include <QVariant>
#include <optional>
#include <string>
#include <vector>

#include "core_worker.h"
#include "lagrum/core/error.h"
#include "lagrum/core/handover/handover.h"
#include "room_model.h"

namespace lagrum::app {

class HandoverModel : public QObject {
    Q_OBJECT
    // 0 young person, 1 successor, 2 summary, 3 running, 4 result.
    Q_PROPERTY(int step READ step NOTIFY changed)
    Q_PROPERTY(QString subject READ subject WRITE set_subject NOTIFY changed)
    Q_PROPERTY(QString subjectState READ subject_state NOTIFY changed)  // empty|valid|invalid
    Q_PROPERTY(QString subjectMessage READ subject_message NOTIFY changed)
    Q_PROPERTY(QString subjectMasked READ subject_masked NOTIFY changed)
    // Colleagues of our organisation among the contacts: {address, label}.
    Q_PROPERTY(QVariantList successorChoices READ successor_choices NOTIFY choicesChanged)
    Q_PROPERTY(QString successor READ successor WRITE set_successor NOTIFY changed)
    Q_PROPERTY(QString successorLabel READ successor_label NOTIFY changed)
    // The summary (step 2) and, after the handover, the result (step 4).
    Q_PROPERTY(QStringList rooms READ rooms NOTIFY changed)
    Q_PROPERTY(QStringList direct READ direct NOTIFY changed)
    Q_PROPERTY(int messages READ messages NOTIFY changed)
    Q_PROPERTY(int logEntries READ log_entries NOTIFY changed)
    Q_PROPERTY(int consents READ consents NOTIFY changed)
    Q_PROPERTY(QString handoverId READ handover_id NOTIFY changed)
    Q_PROPERTY(bool working READ working NOTIFY changed)
    Q_PROPERTY(QString progressText READ progress_text NOTIFY changed)
    Q_PROPERTY(int progressStep READ progress_step NOTIFY changed)  // 0..3 of 3
    Q_PROPERTY(QString error READ error NOTIFY changed)
    // Past handovers: {id, direction, directionLabel, counterpart, state, stateLabel,
    // problem, rooms, messages, consents, created, verification ("ok"|"broken"|""),
    // verificationLabel}.
    Q_PROPERTY(QVariantList past READ past NOTIFY pastChanged)
    Q_PROPERTY(int pastCount READ past_count NOTIFY pastChanged)
    // "" (none received) | ok | broken: every received bundle checked again.
    Q_PROPERTY(QString verification READ verification NOTIFY pastChanged)

  public:
    HandoverModel(const RoomModel& rooms, QObject* parent = nullptr);
    void attach(CoreWorker* worker) { worker_ = worker; }

    // Wizard navigation. next() from step 1 asks the core for the summary.
    Q_INVOKABLE void next();
    Q_INVOKABLE void back();
    // Runs the handover (step 2 → 3 → 4).
    Q_INVOKABLE void confirm();
    // Back to step 0, everything cleared.
    Q_INVOKABLE void restart();
    // Reads the past handovers and verifies the received ones again.
    Q_INVOKABLE void refresh();
    // Retranslates the texts made here.
    void retranslate();

    int step() const { return step_; }
    QString subject() const { return subject_; }
    void set_subject(const QString& s);
    QString subject_state() const { return subject_state_; }
    QString subject_message() const { return subject_message_; }
    QString subject_masked() const;
    QVariantList successor_choices() const;
    QString successor() const { return successor_; }
    void set_successor(const QString& s);
    QString successor_label() const;
    QStringList rooms() const;
    QStringList direct() const;
    int messages() const { return preview_ ? static_cast<int>(preview_->messages) : 0; }
    int log_entries() const { return preview_ ? static_cast<int>(preview_->log_entries) : 0; }
    int consents() const { return preview_ ? static_cast<int>(preview_->consents) : 0; }
    QString handover_id() const;
    bool working() const { return working_; }
    QString progress_text() const;
    int progress_step() const { return progress_; }
    QString error() const { return error_; }
    QVariantList past() const;
    int past_count() const { return static_cast<int>(past_.size()); }
    QString verification() const;

  signals:
    void changed();
    void choicesChanged();
    void pastChanged();
    // The handover was sent (true) or failed (false).
    void finished(bool ok);

  private:
    using Job = std::function<void(CoreWorker&)>;
    void post(Job job);
    void fail(const core::Error& e);
    QString describe(const core::Error& e) const;
    QString state_label(const core::handover::HandoverRecord& r) const;
    void set_past(std::vector<core::handover::HandoverRecord> records,
                  core::handover::HandoverVerification verification);
    void recheck_subject();

    // Room names as the user knows them (a direct conversation by the other person).
    QStringList titles(const std::vector<std::string>& rooms) const;
    const RoomModel& rooms_;
    CoreWorker* worker_ = nullptr;
    int step_ = 0;
    QString subject_, subject_state_ = QStringLiteral("empty"), subject_message_;
    QString successor_;
    std::optional<core::handover::HandoverResult> preview_;
    bool working_ = false;
    int progress_ = 0;
    QString error_;
    std::vector<core::handover::HandoverRecord> past_;
    std::optional<core::handover::HandoverVerification> verification_;
};

}  // namespace lagrum::app
