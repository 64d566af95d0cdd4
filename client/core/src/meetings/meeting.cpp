// Risk meetings (DESIGN.md, "Meetings"). Placeholder until the meetings work lands:
// a MeetingEvent is recorded as not understood, never shown and never a crash.
#include "../messaging/client_impl.h"

namespace lagrum::core::messaging {

void Client::Impl::process_meeting(const RoomRow&, const content::v1::Content&, const pki::Member&,
                                   ByteView, SyncReport& report) {
    ++report.errors;
}

}  // namespace lagrum::core::messaging
