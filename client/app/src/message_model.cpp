#include "message_model.h"

#include <QDateTime>

namespace lagrum::app {

MessageModel::MessageModel(const core::legal::Catalog& catalog, QObject* parent)
    : QAbstractListModel(parent), catalog_(catalog) {}

int MessageModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : count();
}

QString MessageModel::flag_title(const std::vector<std::string>& flags) const {
    QStringList out;
    for (const auto& f : flags) {
        if (f == "marking_missing") {
            out << tr("No secrecy marking");
        } else if (f == "marking_invalid") {
            out << tr("The secrecy marking did not pass validation");
        } else if (f == "sender_rejected") {
            out << tr("The sender's certificate does not verify");
        } else if (f == "binding_mismatch") {
            out << tr("The message does not belong to this conversation");
        } else {
            out << tr("The content could not be validated");
        }
    }
    out.removeDuplicates();
    return out.join(QStringLiteral("; "));
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
            return QString::fromStdString(m.flag_reasons);
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
