// Moved here from the CLI (cmd_log.cpp) so that the app prints the same document.
#include "lagrum/report/layout.h"

#include "lagrum/report/pdf.h"

namespace lagrum::report {

int write_layout_pdf(const core::records::ReportLayout& layout, const std::string& path) {
    Document doc;
    doc.title(layout.title);
    doc.subtitle(layout.subtitle);
    for (const auto& s : layout.sections) {
        doc.heading(s.heading);
        for (const auto& p : s.paragraphs) doc.paragraph(p);
        if (!s.table_header.empty() && !s.rows.empty()) doc.table(s.table_header, s.rows);
    }
    if (!layout.footnote.empty()) doc.footnote(layout.footnote);
    return doc.write_pdf(path);
}

}  // namespace lagrum::report
