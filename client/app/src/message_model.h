// The messages of the open conversation. Each carries its provision tag (the citation
// from its sekretessmarkering) and the provision's text from the catalog for the tooltip;
// a received message whose marking failed validation carries its flags and the reason.
#pragma once

#include <QAbstractListModel>
#include <vector>

#include "lagrum/core/legal/catalog.h"
#include "lagrum/core/messaging/client.h"

namespace lagrum::app {

class MessageModel : public QAbstractListModel {
    Q_OBJECT
    Q_PROPERTY(int count READ count NOTIFY countChanged)

  public:
    enum Role {
        TextRole = Qt::UserRole + 1,
        SenderRole,
        SenderAuthorityRole,
        OutgoingRole,
        CitationRole,       // "10 kap. 18 a § OSL"; empty without a marking
        ProvisionTextRole,  // the provision's text in the UI language
        FlaggedRole,
        FlagTitleRole,   // what failed, in the UI language
        FlagReasonRole,  // why, in the UI language (from the core's codes and reasons)
        TimeRole,
        AttachmentRole,
    };
    MessageModel(const core::legal::Catalog& catalog, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void set_messages(std::vector<core::messaging::Message> messages);
    void set_english(bool english);
    int count() const { return static_cast<int>(messages_.size()); }

  signals:
    void countChanged();

  private:
    QString flag_title(const std::vector<std::string>& flags) const;
    QString flag_reason(const core::messaging::Message& m) const;
    QString reason_sentence(const QString& kind) const;

    const core::legal::Catalog& catalog_;
    std::vector<core::messaging::Message> messages_;
    bool english_ = false;
};

}  // namespace lagrum::app
