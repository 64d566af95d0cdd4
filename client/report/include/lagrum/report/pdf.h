// A small document model for Lagrum's printed reports (the disclosure-log export, meeting
// minutes): a title, headings, paragraphs and tables, written to an A4 PDF through Qt's
// PDF writer. Plain C++ in the interface (UTF-8 strings) so callers need no Qt headers;
// each report's own file builds a Document from core data and calls write_pdf.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace lagrum::report {

// A PDF could not be written (the path is not writable, Qt could not start). One English
// sentence; the CLI maps it to exit 1.
class ReportError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class Document {
  public:
    // The document's title: the first line, large, and the PDF's Title metadata.
    void title(std::string text);
    // A small line under the title (who made it, when, on which device).
    void subtitle(std::string text);
    void heading(std::string text);
    void paragraph(std::string text);
    // A table with a header row; each row has as many cells as the header (missing
    // cells print empty, extra cells are dropped). Long tables continue on the next page
    // with the header row repeated.
    void table(std::vector<std::string> header, std::vector<std::vector<std::string>> rows);
    // A line printed at the foot of the document (e.g. "Utskriven ... / Printed ...").
    void footnote(std::string text);

    // Writes the document as an A4 PDF to `path` (replacing it). Returns the number of
    // pages written. Throws ReportError.
    int write_pdf(const std::string& path) const;

    struct Block {
        enum class Kind { subtitle, heading, paragraph, table, footnote } kind;
        std::string text;
        std::vector<std::string> header;
        std::vector<std::vector<std::string>> rows;
    };

  private:
    std::string title_;
    std::vector<Block> blocks_;
};

}  // namespace lagrum::report
