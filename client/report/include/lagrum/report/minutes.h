// The signed minutes (protokoll) of a risk meeting as a printable A4 PDF: the layout the
// CLI's `meeting minutes --format pdf` and the desktop app's export share, so both print
// the same document from the same core data.
#pragma once

#include <string>

#include "lagrum/core/meetings/meeting.h"

namespace lagrum::report {

// Writes `minutes` to `path` in Swedish, or English when `english`. Returns the page
// count. Throws ReportError.
int write_minutes_pdf(const core::meetings::Minutes& minutes, bool english,
                      const std::string& path);

}  // namespace lagrum::report
