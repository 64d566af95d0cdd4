// Case handover. Placeholder until the handover work lands: a bundle or receipt is
// counted as not understood, never shown and never a crash.
#include "../messaging/client_impl.h"

namespace lagrum::core::messaging {

void Client::Impl::process_handover(const RoomRow&, const content::v1::Content&, const pki::Member&,
                                    ByteView, SyncReport& report) {
    ++report.errors;
}

}  // namespace lagrum::core::messaging
