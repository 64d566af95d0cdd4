#include "message_model.h"

#include <QDateTime>

#include "lagrum/core/messaging/render.h"

namespace lagrum::app {

MessageModel::MessageModel(const core::legal::Catalog& catalog, QObject* parent)
    : QAbstractListModel(parent), catalog_(catalog) {}

int MessageModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : count();
}

QString MessageModel::flag_title(const std::vector<std::string>& flags) const {
    QStringList out;
    for (const auto& f : flags)
        out << QString::fromStdString(core::messaging::flag_title(f, english_));
    out.removeDuplicates();
    return out.join(QStringLiteral("; "));
}

// The core gives flag codes and, for people, English sentences (Message::flag_reasons,
// "; "-separated, written by sync.cpp). The UI never shows those: each sentence is
// recognised by its fixed opening and said again in the UI language; one we do not
// recognise falls back to its code's general sentence, so a new core reason still shows
// a translated text.
QString MessageModel::flag_reason(const core::messaging::Message& m) const {
    struct Known {
        const char* opening;
        const char* code;  // the code the opening belongs to
    };
    static constexpr Known known[] = {
        {"the sender's certificate does not verify", "sender_rejected"},
        {"the content names another room or epoch", "binding_mismatch"},
        {"the message carries no sekretessmarkering", "marking_missing"},
        {"the marking names authority ", "marking_invalid/authority"},
        {"unknown provision ", "marking_invalid/provision"},
        {"the citation does not match the provision", "marking_invalid/citation"},
        {"the recorded check is malformed", "marking_invalid/malformed"},
        {"our check does not allow it", "marking_invalid/recheck"},
        {"the marking's text differs", "marking_invalid/text"},
    };
    QStringList kinds;
    const QString all = QString::fromStdString(m.flag_reasons);
    for (const auto& part : all.split(QStringLiteral("; "), Qt::SkipEmptyParts)) {
        QString kind;
        for (const auto& k : known) {
            if (part.startsWith(QLatin1String(k.opening))) {
                kind = QLatin1String(k.code);
                break;
            }
        }
        if (!kind.isEmpty()) kinds << kind;
    }
    // Every code gets at least its general sentence.
    for (const auto& f : m.flags) {
        const QString code = QString::fromStdString(f);
        bool covered = false;
        for (const auto& k : kinds) covered = covered || k.section(QLatin1Char('/'), 0, 0) == code;
        if (!covered) kinds << code;
    }
    kinds.removeDuplicates();
    QStringList out;
    for (const auto& k : kinds) out << reason_sentence(k);
    out.removeDuplicates();
    return out.join(QLatin1Char(' '));
}

QString MessageModel::reason_sentence(const QString& kind) const {
    if (kind == QLatin1String("sender_rejected"))
        return tr(
            "The sender's member certificate could not be verified against the "
            "organisations you trust.");
    if (kind == QLatin1String("binding_mismatch"))
        return tr(
            "The message was written for another conversation or an earlier state of "
            "this one.");
    if (kind == QLatin1String("marking_missing"))
        return tr(
            "The message carries no secrecy marking, so it does not say which provision "
            "allows the disclosure.");
    if (kind == QLatin1String("marking_invalid/authority"))
        return tr("The marking names another kind of authority than the sender's.");
    if (kind == QLatin1String("marking_invalid/provision"))
        return tr("The marking cites a provision that is not in your provision catalog.");
    if (kind == QLatin1String("marking_invalid/citation"))
        return tr("The citation in the marking does not match the provision it names.");
    if (kind == QLatin1String("marking_invalid/malformed"))
        return tr("The legal check recorded in the message cannot be read.");
    if (kind == QLatin1String("marking_invalid/recheck"))
        return tr(
            "Your own legal check of the recorded answers does not allow this "
            "disclosure to the room's members.");
    if (kind == QLatin1String("marking_invalid/text"))
        return tr("The marking's wording differs from what the provision gives.");
    if (kind == QLatin1String("marking_invalid"))
        return tr("The secrecy marking does not agree with the provision catalog.");
    return tr("The message's content could not be read as sent.");
}

QVariant MessageModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() < 0 || index.row() >= count()) return {};
    const auto& m = messages_[static_cast<std::size_t>(index.row())];
    switch (role) {
        case TextRole:
        case Qt::DisplayRole:
            return QString::fromStdString(m.text);
        case SenderRole:
            if (m.outgoing) return tr("You");
            return QString::fromStdString(m.sender_name.empty()
                                              ? m.sender_organisation + "/" + m.sender_member
                                              : m.sender_name);
        case SenderAuthorityRole:
            return QString::fromStdString(m.sender_authority);
        case OutgoingRole:
            return m.outgoing;
        case CitationRole:
            return m.has_marking ? QString::fromStdString(m.marking.citation()) : QString();
        case ProvisionTextRole: {
            const std::string id = m.has_marking ? m.marking.provision() : m.provision;
            const auto* p = catalog_.find_provision(id);
            if (p == nullptr) return tr("The provision is not in this catalog.");
            const auto& t = english_ ? p->text.en : p->text.sv;
            const auto& name = english_ ? p->name_en : p->name_sv;
            return QString::fromStdString(p->citation_sv + " — " + name + "\n\n" + t);
        }
        case FlaggedRole:
            return !m.flags.empty();
        case FlagTitleRole:
            return flag_title(m.flags);
        case FlagReasonRole:
            return flag_reason(m);
        case TimeRole: {
            const auto t = m.outgoing ? m.sent_at : (m.received_at ? m.received_at : m.sent_at);
            return QDateTime::fromSecsSinceEpoch(t).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
        }
        case AttachmentRole:
            return QString::fromStdString(m.attachment_name);
        default:
            return {};
    }
}

QHash<int, QByteArray> MessageModel::roleNames() const {
    return {{TextRole, "text"},
            {SenderRole, "sender"},
            {SenderAuthorityRole, "senderAuthority"},
            {OutgoingRole, "outgoing"},
            {CitationRole, "citation"},
            {ProvisionTextRole, "provisionText"},
            {FlaggedRole, "flagged"},
            {FlagTitleRole, "flagTitle"},
            {FlagReasonRole, "flagReason"},
            {TimeRole, "time"},
            {AttachmentRole, "attachment"}};
}

void MessageModel::set_messages(std::vector<core::messaging::Message> messages) {
    beginResetModel();
    messages_ = std::move(messages);
    endResetModel();
    emit countChanged();
}

void MessageModel::set_english(bool english) {
    english_ = english;
    if (!messages_.empty()) emit dataChanged(index(0), index(count() - 1));
}

}  // namespace lagrum::app
