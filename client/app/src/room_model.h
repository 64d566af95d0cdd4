// Rooms (conversations) for the list on the left: name, unread count, outbox count.
#pragma once

#include <QAbstractListModel>
#include <vector>

#include "lagrum/core/messaging/client.h"

namespace lagrum::app {

class RoomModel : public QAbstractListModel {
    Q_OBJECT
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    Q_PROPERTY(int totalQueued READ total_queued NOTIFY countChanged)

  public:
    enum Role {
        NameRole = Qt::UserRole + 1,
        UnreadRole,
        QueuedRole,
        DirectRole,
        ActiveRole,
        MembersRole,  // "Cecilia Carlsson (police), Dora Dahl (school)" without ourselves
        MemberCountRole,
        TitleRole,  // what people see: the room's name, or the other person in a direct one
    };
    using QAbstractListModel::QAbstractListModel;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void set_rooms(std::vector<core::messaging::Room> rooms);
    const std::vector<core::messaging::Room>& rooms() const { return rooms_; }
    const core::messaging::Room* find(const QString& name) const;
    int count() const { return static_cast<int>(rooms_.size()); }
    int total_queued() const;
    Q_INVOKABLE QString titleOf(const QString& name) const;

  signals:
    void countChanged();
    // Rooms or their members changed (not only counts): recipients must be looked at again.
    void membershipChanged();

  private:
    std::vector<core::messaging::Room> rooms_;
    std::string membership_;  // names, members and authorities, to detect real changes
};

}  // namespace lagrum::app
