// JSON and text renderings of case handovers, beside what they render (`lagrum handover
// [verify|list] [--json]` prints them). Key names are a contract for scripts.
#pragma once

#include <string>
#include <vector>

#include "lagrum/core/handover/handover.h"

namespace lagrum::core::handover {

// {"handover_id","successor","room","rooms":[],"history_only":[],"messages",
//  "log_entries","consents"}
std::string result_json(const HandoverResult& result);
std::string result_text(const HandoverResult& result);
// [{"handover_id","direction","counterpart","subject","room","state","problem","rooms":[],
//   "messages","log_entries","consents","created_at","completed_at"|null}]
std::string records_json(const std::vector<HandoverRecord>& records);
std::string records_text(const std::vector<HandoverRecord>& records);
// {"ok","bundles":[{...record..., "verified": bool, "problem"}]}
std::string verification_json(const HandoverVerification& v);
std::string verification_text(const HandoverVerification& v);

}  // namespace lagrum::core::handover
