// A core-built ReportLayout (records/render.h: the disclosure-log export) printed as an A4
// PDF. Shared by `lagrum log export --format pdf` and the desktop app's export.
#pragma once

#include <string>

#include "lagrum/core/records/render.h"

namespace lagrum::report {

// Returns the page count. Throws ReportError.
int write_layout_pdf(const core::records::ReportLayout& layout, const std::string& path);

}  // namespace lagrum::report
