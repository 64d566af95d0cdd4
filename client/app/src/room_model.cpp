#include "room_model.h"

namespace lagrum::app {

int RoomModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : count();
}

QVariant RoomModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() < 0 || index.row() >= count()) return {};
    const auto& r = rooms_[static_cast<std::size_t>(index.row())];
    switch (role) {
        case NameRole:
        case Qt::DisplayRole:
            return QString::fromStdString(r.name);
        case UnreadRole:
            return static_cast<qlonglong>(r.unread);
        case QueuedRole:
            return static_cast<qlonglong>(r.queued);
        case DirectRole:
            return r.direct;
        case ActiveRole:
            return r.active;
        case MembersRole: {
            QStringList names;
            for (const auto& m : r.members) {
                if (m.self) continue;
                const auto who =
                    QString::fromStdString(m.display_name.empty() ? m.address : m.display_name);
                // A word with the symbol, never colour alone (WCAG 1.4.1).
                names << (m.verified ? tr("%1 (✔ verified)").arg(who) : who);
            }
            return names.join(QStringLiteral(", "));
        }
        case MemberCountRole:
            return static_cast<int>(r.members.size());
        case TitleRole:
            return titleOf(QString::fromStdString(r.name));
        default:
            return {};
    }
}

QHash<int, QByteArray> RoomModel::roleNames() const {
    return {{NameRole, "name"},
            {UnreadRole, "unread"},
            {QueuedRole, "queued"},
            {DirectRole, "direct"},
            {ActiveRole, "active"},
            {MembersRole, "members"},
            {MemberCountRole, "memberCount"},
            {TitleRole, "title"}};
}

void RoomModel::set_rooms(std::vector<core::messaging::Room> rooms) {
    std::string membership;
    for (const auto& r : rooms) {
        membership += r.name + (r.active ? "\x1f+" : "\x1f-");
        // Verification too: the contact lists show its badge.
        for (const auto& m : r.members) {
            const char* mark = m.verified ? "+v" : (m.verification_lost ? "+l" : "");
            membership += "\x1f" + m.address + "=" + m.authority + mark;
        }
        membership += "\x1e";
    }
    beginResetModel();
    rooms_ = std::move(rooms);
    endResetModel();
    emit countChanged();
    if (membership != membership_) {
        membership_ = std::move(membership);
        emit membershipChanged();
    }
}

const core::messaging::Room* RoomModel::find(const QString& name) const {
    const auto n = name.toStdString();
    for (const auto& r : rooms_) {
        if (r.name == n) return &r;
    }
    return nullptr;
}

QString RoomModel::titleOf(const QString& name) const {
    const auto* r = find(name);
    if (r == nullptr || !r->direct) return name;
    // A direct conversation's stored name is made of both addresses; show the other person.
    for (const auto& m : r->members) {
        if (!m.self)
            return QString::fromStdString(m.display_name.empty() ? m.address : m.display_name);
    }
    return name;
}

int RoomModel::total_queued() const {
    std::int64_t q = 0;
    for (const auto& r : rooms_) q += r.queued;
    return static_cast<int>(q);
}

}  // namespace lagrum::app
