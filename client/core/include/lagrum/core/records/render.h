// JSON and text renderings of the consent register and the disclosure log, and the
// printable layout of a log export (the CLI hands it to lagrum_report for the PDF; the
// core stays Qt-free). Key names are a contract: scripts read `consent list --json`,
// `log verify --json` and `log export --format json`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lagrum/core/legal/catalog.h"
#include "lagrum/core/records/consent.h"
#include "lagrum/core/records/disclosure_log.h"

namespace lagrum::core::records {

// {id, subject (pseudonym), given_by, recipients[], purpose, valid_until|null,
//  document{name, sha256, size}|null, status, given_at, ended_at|null, signature_ok}
std::string consent_json(const Consent& c);
std::string consents_json(const std::vector<Consent>& consents);  // one array
std::string consents_text(const std::vector<Consent>& consents);
// {consents:[...], held_outbox:[ids], reasons:[...]}
std::string consent_change_json(const ConsentChange& change);
std::string consent_change_text(const ConsentChange& change);

// {ok, entries, first_bad|null, problem|null}
std::string verification_json(const LogVerification& v);
std::string verification_text(const LogVerification& v);

struct LogExportOptions {
    std::string actor;    // ORG/MEMBER of this device ("" before cert import)
    std::string subject;  // the filter's pseudonym (32 hex), "" for every subject
    std::optional<legal::Date> from, to;
    std::int64_t exported_at = 0;             // Unix seconds
    LogVerification verification;             // of the whole log, at export time
    std::string lang = "sv";                  // sv | en (the PDF's language; JSON keys are English)
    const legal::Catalog* catalog = nullptr;  // authority names; may be null
};

// What a case file needs, per entry: who, which categories, to whom, on which legal
// basis, when (lagrum-log-export/1).
std::string log_export_json(const std::vector<LogEntry>& entries, const LogExportOptions& o);

// The same as a printable document: sections of paragraphs and at most one table each.
struct ReportSection {
    std::string heading;
    std::vector<std::string> paragraphs;
    std::vector<std::string> table_header;  // empty: no table
    std::vector<std::vector<std::string>> rows;
};
struct ReportLayout {
    std::string title;
    std::string subtitle;
    std::vector<ReportSection> sections;
    std::string footnote;
};
ReportLayout log_export_layout(const std::vector<LogEntry>& entries, const LogExportOptions& o);

}  // namespace lagrum::core::records
