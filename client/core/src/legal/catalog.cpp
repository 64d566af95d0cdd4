#include "lagrum/core/legal/catalog.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include "catalog.pb.h"

namespace lagrum::core::legal {

namespace pb = ::lagrum::catalog::v1;
using google::protobuf::Message;
using google::protobuf::TextFormat;

namespace {

constexpr std::array<std::string_view, kAuthorityCount> kAuthorityNames = {
    "social_services", "police", "security_service",  "prosecutor", "school",
    "health_care",     "other",  "school_independent"};

constexpr std::array<std::string_view, kWarningCodeCount> kWarningNames = {
    "minimisation",      "unverified_rule",         "age_presumed",
    "child_view",        "public_interest_secrecy", "restrictive_provision",
    "independent_school"};

// Thrown inside the loader only; load_catalog turns it into a CatalogError.
struct LoadFailure {
    CatalogError error;
};

// A position in one parsed file: the file name, the parse-info subtree of the current
// message (may be null) and the 1-based line of the current element.
class Loc {
  public:
    Loc(const std::string* file, const TextFormat::ParseInfoTree* tree, int line)
        : file_(file), tree_(tree), line_(line) {}

    // The element `name`[index] of `msg` (index -1 for singular fields).
    Loc at(const Message& msg, const char* name, int index = -1) const {
        const auto* field = msg.GetDescriptor()->FindFieldByName(name);
        if (field == nullptr || tree_ == nullptr) return Loc(file_, nullptr, line_);
        if (field->is_repeated() && index < 0) index = 0;
        if (!field->is_repeated()) index = -1;
        int line = line_;
        const auto loc = tree_->GetLocation(field, index);
        if (loc.line >= 0) line = loc.line + 1;
        const TextFormat::ParseInfoTree* nested = nullptr;
        if (field->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) {
            nested = tree_->GetTreeForNested(field, index);
        }
        return Loc(file_, nested, line);
    }

    [[noreturn]] void fail(const std::string& message) const {
        throw LoadFailure{CatalogError{*file_, line_, message}};
    }

    int line() const { return line_; }

  private:
    const std::string* file_;
    const TextFormat::ParseInfoTree* tree_;
    int line_;
};

class Collector : public google::protobuf::io::ErrorCollector {
  public:
    void AddError(int line, google::protobuf::io::ColumnNumber column,
                  const std::string& message) override {
        if (!has_error) {
            has_error = true;
            first_line = line + 1;
            first_column = column + 1;
            first_message = message;
        }
    }
    void AddWarning(int, google::protobuf::io::ColumnNumber, const std::string&) override {}

    bool has_error = false;
    int first_line = 0;
    int first_column = 0;
    std::string first_message;
};

struct ParsedFile {
    std::string name;
    pb::CatalogFile msg;
    std::unique_ptr<TextFormat::ParseInfoTree> tree;
};

Text to_text(const pb::Text& t) {
    return Text{t.sv(), t.en()};
}

void require_text(const Loc& loc, const pb::Text& t, const char* what) {
    if (t.sv().empty() || t.en().empty())
        loc.fail(std::string(what) + " needs both sv and en text");
}

Date require_date(const Loc& loc, const std::string& text, const char* what) {
    auto d = parse_date(text);
    if (!d) loc.fail(std::string(what) + " is not a valid YYYY-MM-DD date: \"" + text + "\"");
    return *d;
}

Authority to_authority(const Loc& loc, int value) {
    if (value < 1 || value > kAuthorityCount) loc.fail("authority must be set (not UNSPECIFIED)");
    return static_cast<Authority>(value - 1);
}

class Builder {
  public:
    explicit Builder(Catalog& cat) : cat_(cat) {}

    void vocabulary(const ParsedFile& f, const Loc& root) {
        const auto& m = f.msg;
        if (m.has_header()) {
            const Loc loc = root.at(m, "header");
            if (has_header_) loc.fail("second catalog header (first in " + header_file_ + ")");
            has_header_ = true;
            header_file_ = f.name;
            const auto& h = m.header();
            if (h.catalog_version().empty()) loc.fail("header.catalog_version is missing");
            cat_.header.catalog_version = h.catalog_version();
            cat_.header.last_reviewed =
                require_date(loc.at(h, "last_reviewed"), h.last_reviewed(), "header.last_reviewed");
            cat_.header.format = h.format();
            cat_.header.note = to_text(h.note());
        }
        for (int i = 0; i < m.authority_size(); ++i) {
            const Loc loc = root.at(m, "authority", i);
            const auto& a = m.authority(i);
            const Authority id = to_authority(loc, a.authority());
            const int idx = static_cast<int>(id);
            if (seen_authority_[static_cast<std::size_t>(idx)]) {
                loc.fail("authority " + std::string(to_string(id)) + " defined twice");
            }
            seen_authority_[static_cast<std::size_t>(idx)] = true;
            if (a.name_sv().empty() || a.name_en().empty())
                loc.fail("authority needs name_sv and name_en");
            AuthorityInfo info;
            info.authority = id;
            info.name_sv = a.name_sv();
            info.name_en = a.name_en();
            info.source_secrecy = a.source_secrecy();
            info.source_secrecy_note = a.source_secrecy_note();
            info.outside_osl = a.outside_osl();
            if (!a.warning().empty()) {
                info.warning = warning_code(loc.at(a, "warning"), a.warning());
            }
            cat_.authorities[static_cast<std::size_t>(idx)] = std::move(info);
        }
        for (int i = 0; i < m.warning_size(); ++i) {
            const Loc loc = root.at(m, "warning", i);
            const auto& w = m.warning(i);
            const WarningCode code = warning_code(loc, w.code());
            const auto idx = static_cast<std::size_t>(code);
            if (seen_warning_[idx]) loc.fail("warning \"" + w.code() + "\" defined twice");
            seen_warning_[idx] = true;
            require_text(loc, w.text(), "warning text");
            cat_.warning_texts[idx] = to_text(w.text());
        }
        for (int i = 0; i < m.wizard_size(); ++i) {
            const Loc loc = root.at(m, "wizard", i);
            const auto& w = m.wizard(i);
            if (w.id().empty()) loc.fail("wizard step without an id");
            for (const auto& other : cat_.wizard) {
                if (other.id == w.id()) loc.fail("wizard step \"" + w.id() + "\" defined twice");
            }
            require_text(loc, w.question(), "wizard question");
            WizardStep step;
            step.id = w.id();
            step.question = to_text(w.question());
            step.provisions.assign(w.provisions().begin(), w.provisions().end());
            step.duties.assign(w.duties().begin(), w.duties().end());
            step.senders = authorities(loc.at(w, "senders"), w.senders());
            step.note = to_text(w.note());
            cat_.wizard.push_back(std::move(step));
            wizard_locs_.push_back(loc);
        }
        for (int i = 0; i < m.fact_size(); ++i) {
            const Loc loc = root.at(m, "fact", i);
            const auto& fd = m.fact(i);
            if (fd.name().empty()) loc.fail("fact without a name");
            if (cat_.find_fact(fd.name())) loc.fail("fact \"" + fd.name() + "\" defined twice");
            FactDef def;
            def.name = fd.name();
            def.description = to_text(fd.description());
            switch (fd.type()) {
                case pb::FACT_TYPE_BOOL:
                    def.type = FactType::boolean;
                    break;
                case pb::FACT_TYPE_ENUM: {
                    def.type = FactType::enumeration;
                    if (fd.values_size() == 0 || fd.values_size() > 64) {
                        loc.fail("enum fact \"" + fd.name() + "\" needs 1–64 values");
                    }
                    std::set<std::string> uniq(fd.values().begin(), fd.values().end());
                    if (uniq.size() != static_cast<std::size_t>(fd.values_size())) {
                        loc.fail("enum fact \"" + fd.name() + "\" repeats a value");
                    }
                    def.values.assign(fd.values().begin(), fd.values().end());
                    if (fd.value_labels_size() > 0) {
                        if (fd.value_labels_size() != fd.values_size()) {
                            loc.at(fd, "value_labels")
                                .fail("enum fact \"" + fd.name() + "\" has " +
                                      std::to_string(fd.value_labels_size()) +
                                      " value_labels for " + std::to_string(fd.values_size()) +
                                      " values (one label per value, in the same order)");
                        }
                        for (int k = 0; k < fd.value_labels_size(); ++k) {
                            const auto& label = fd.value_labels(k);
                            if (label.sv().empty() || label.en().empty()) {
                                loc.at(fd, "value_labels", k)
                                    .fail("enum fact \"" + fd.name() + "\" value \"" +
                                          fd.values(k) + "\" needs a label with both sv and en");
                            }
                            def.value_labels.push_back(to_text(label));
                        }
                    }
                    break;
                }
                case pb::FACT_TYPE_NUMBER:
                    def.type = FactType::number;
                    def.min = fd.min();
                    def.max = fd.max();
                    if (!(def.min <= def.max))
                        loc.fail("number fact \"" + fd.name() + "\": min > max");
                    break;
                default:
                    loc.fail("fact \"" + fd.name() + "\" needs a type");
            }
            if (def.type != FactType::enumeration && fd.value_labels_size() > 0) {
                loc.at(fd, "value_labels")
                    .fail("fact \"" + fd.name() + "\" has value_labels but is not an enum fact");
            }
            require_text(loc, fd.description(), "fact description");
            cat_.facts.push_back(std::move(def));
        }
        for (int i = 0; i < m.category_size(); ++i) {
            const Loc loc = root.at(m, "category", i);
            const auto& c = m.category(i);
            if (c.name().empty()) loc.fail("category without a name");
            if (cat_.find_category(c.name()))
                loc.fail("category \"" + c.name() + "\" defined twice");
            require_text(loc, c.warning(), "category warning");
            cat_.categories.push_back(CategoryDef{c.name(), to_text(c.warning())});
        }
    }

    void finish_vocabulary(const std::string& first_file) {
        const Loc loc(&first_file, nullptr, 0);
        if (!has_header_)
            loc.fail("no catalog header (catalog_version, last_reviewed) in any file");
        for (int i = 0; i < kAuthorityCount; ++i) {
            if (!seen_authority_[static_cast<std::size_t>(i)]) {
                loc.fail("authority " + std::string(kAuthorityNames[static_cast<std::size_t>(i)]) +
                         " is not defined");
            }
        }
        if (cat_.facts.empty()) loc.fail("no facts defined");
        for (int i = 1; i < kWarningCodeCount; ++i) {  // minimisation texts come per category
            if (!seen_warning_[static_cast<std::size_t>(i)]) {
                loc.fail("warning " + std::string(kWarningNames[static_cast<std::size_t>(i)]) +
                         " has no text");
            }
        }
    }

    void entries(const ParsedFile& f, const Loc& root) {
        const auto& m = f.msg;
        for (int i = 0; i < m.provision_size(); ++i) {
            provision(m.provision(i), root.at(m, "provision", i));
        }
        for (int i = 0; i < m.duty_size(); ++i) duty(m.duty(i), root.at(m, "duty", i));
    }

    void cross_check(const std::string& first_file) {
        // Every value of a gateway's duty fact must name a duty, and every duty must be
        // reachable through one.
        cat_.duty_index_by_value_.assign(cat_.facts.size(), {});
        std::set<std::string> reachable;
        for (const auto& [p, loc] : provision_locs_) {
            if (p->duty_fact) {
                const auto& fd = cat_.facts[*p->duty_fact];
                auto& row = cat_.duty_index_by_value_[*p->duty_fact];
                row.assign(fd.values.size(), -1);
                for (std::size_t v = 0; v < fd.values.size(); ++v) {
                    const auto* d = cat_.find_duty(fd.values[v]);
                    if (d == nullptr) {
                        loc.fail("duty fact \"" + fd.name + "\" value \"" + fd.values[v] +
                                 "\" has no duty entry");
                    }
                    row[v] = static_cast<int>(d - cat_.duties.data());
                    reachable.insert(fd.values[v]);
                }
            }
            for (std::size_t k = 0; k < p->exclusion_suggestions.size(); ++k) {
                const auto& s = p->exclusion_suggestions[k];
                if (cat_.find_provision(s.provision) == nullptr) {
                    loc.fail("exclusion suggestion names unknown provision \"" + s.provision +
                             "\"");
                }
            }
        }
        for (const auto& [d, loc] : duty_locs_) {
            if (!reachable.contains(d->id)) {
                loc.fail("duty \"" + d->id + "\" is not a value of any gateway's duty fact");
            }
        }
        if (cat_.provisions.empty()) Loc(&first_file, nullptr, 0).fail("no provisions defined");
        for (std::size_t i = 0; i < cat_.wizard.size(); ++i) {
            for (const auto& id : cat_.wizard[i].provisions) {
                if (cat_.find_provision(id) == nullptr)
                    wizard_locs_[i].fail("wizard step names unknown provision \"" + id + "\"");
            }
            for (const auto& id : cat_.wizard[i].duties) {
                if (cat_.find_duty(id) == nullptr)
                    wizard_locs_[i].fail("wizard step names unknown duty \"" + id + "\"");
            }
        }
    }

    // Pointers into cat_ are only taken after all entries are in place.
    void index_entries(const std::vector<std::pair<std::size_t, Loc>>& ploc,
                       const std::vector<std::pair<std::size_t, Loc>>& dloc) {
        for (const auto& [i, loc] : ploc) provision_locs_.emplace_back(&cat_.provisions[i], loc);
        for (const auto& [i, loc] : dloc) duty_locs_.emplace_back(&cat_.duties[i], loc);
    }

    std::vector<std::pair<std::size_t, Loc>> provision_index;
    std::vector<std::pair<std::size_t, Loc>> duty_index;

  private:
    static WarningCode warning_code(const Loc& loc, const std::string& name) {
        const auto code = parse_warning_code(name);
        if (!code || *code == WarningCode::minimisation) {
            loc.fail("unknown warning code \"" + name + "\"");
        }
        return *code;
    }

    FactId fact(const Loc& loc, const std::string& name,
                std::optional<FactType> type = std::nullopt) const {
        auto id = cat_.find_fact(name);
        if (!id) loc.fail("unknown fact \"" + name + "\"");
        if (type && cat_.facts[*id].type != *type) {
            loc.fail("fact \"" + name + "\" has the wrong type here");
        }
        return *id;
    }

    AuthoritySet authorities(const Loc& loc, const pb::AuthoritySet& s) const {
        AuthoritySet out;
        for (int i = 0; i < s.authority_size(); ++i) {
            const Loc l = loc.at(s, "authority", i);
            const Authority a = to_authority(l, s.authority(i));
            if (out.contains(a)) l.fail("authority " + std::string(to_string(a)) + " listed twice");
            out.add(a);
        }
        return out;
    }

    std::vector<FactId> fact_list(const Loc& loc, const pb::FactList& l,
                                  std::optional<FactType> type) const {
        std::vector<FactId> out;
        for (int i = 0; i < l.fact_size(); ++i) {
            const FactId id = fact(loc.at(l, "fact", i), l.fact(i), type);
            if (std::find(out.begin(), out.end(), id) != out.end()) {
                loc.at(l, "fact", i).fail("fact \"" + l.fact(i) + "\" listed twice");
            }
            out.push_back(id);
        }
        return out;
    }

    struct Partial {
        std::optional<Status> status;
        RuleSet rules;
    };

    // Applies the fields present in `r` (a version replaces exactly what it gives).
    void apply(Partial& p, const pb::Rules& r, const Loc& loc) const {
        if (r.has_status()) {
            if (r.status() == pb::STATUS_VERIFIED) {
                p.status = Status::verified;
            } else if (r.status() == pb::STATUS_UNVERIFIED) {
                p.status = Status::unverified;
            } else {
                loc.at(r, "status").fail("status must be STATUS_VERIFIED or STATUS_UNVERIFIED");
            }
        }
        auto& rs = p.rules;
        if (r.has_senders()) rs.senders = authorities(loc.at(r, "senders"), r.senders());
        if (r.has_recipients())
            rs.recipients = authorities(loc.at(r, "recipients"), r.recipients());
        if (r.has_required())
            rs.required = fact_list(loc.at(r, "required"), r.required(), std::nullopt);
        if (r.has_must_be_true()) {
            rs.must_be_true =
                fact_list(loc.at(r, "must_be_true"), r.must_be_true(), FactType::boolean);
        }
        if (r.has_must_be_false()) {
            rs.must_be_false =
                fact_list(loc.at(r, "must_be_false"), r.must_be_false(), FactType::boolean);
        }
        if (r.has_any_of()) {
            const Loc al = loc.at(r, "any_of");
            rs.any_of.clear();
            for (int i = 0; i < r.any_of().group_size(); ++i) {
                const Loc gl = al.at(r.any_of(), "group", i);
                auto g = fact_list(gl, r.any_of().group(i), FactType::boolean);
                if (g.empty()) gl.fail("empty any_of group");
                rs.any_of.push_back(std::move(g));
            }
        }
        if (r.has_value_conditions()) {
            const Loc vl = loc.at(r, "value_conditions");
            rs.value_conditions.clear();
            for (int i = 0; i < r.value_conditions().condition_size(); ++i) {
                const auto& c = r.value_conditions().condition(i);
                const Loc cl = vl.at(r.value_conditions(), "condition", i);
                ValueCondition vc;
                vc.fact = fact(cl, c.fact(), FactType::enumeration);
                const auto& values = cat_.facts[vc.fact].values;
                for (const auto& a : c.allowed()) {
                    auto it = std::find(values.begin(), values.end(), a);
                    if (it == values.end())
                        cl.fail("\"" + a + "\" is not a value of fact " + c.fact());
                    vc.allowed |= std::uint64_t{1} << (it - values.begin());
                }
                rs.value_conditions.push_back(vc);
            }
        }
        if (r.has_threshold()) {
            const Loc tl = loc.at(r, "threshold");
            const auto& t = r.threshold();
            rs.threshold = Threshold{fact(tl, t.fact(), FactType::number),
                                     fact(tl, t.flag_fact(), FactType::boolean),
                                     t.min_if_flag_false(), t.min_if_flag_true()};
        }
        if (r.has_breaks()) {
            rs.breaks.assign(r.breaks().regime().begin(), r.breaks().regime().end());
            rs.breaks_text = r.breaks().text();
        }
        if (r.has_age_limit()) {
            const int under = r.age_limit().under();
            if (under < 1 || under > 150)
                loc.at(r, "age_limit").fail("age_limit.under must be 1–150");
            rs.age_under = under;
        }
        if (r.has_law_citation_sv()) rs.law_citation_sv = r.law_citation_sv();
        if (r.has_unverified_senders()) {
            rs.unverified_senders =
                authorities(loc.at(r, "unverified_senders"), r.unverified_senders());
        }
    }

    static bool contains(const std::vector<FactId>& v, FactId f) {
        return std::find(v.begin(), v.end(), f) != v.end();
    }

    // Builds the dated rule sets of an entry and checks each of them.
    template <class Pb>
    void dated(RuleEntry& e, const Pb& m, const Loc& loc, bool needs_parties, bool is_duty) {
        e.effective_from =
            require_date(loc.at(m, "effective_from"), m.effective_from(), "effective_from");
        if (!m.effective_to().empty()) {
            e.effective_to =
                require_date(loc.at(m, "effective_to"), m.effective_to(), "effective_to");
            if (*e.effective_to < e.effective_from) {
                loc.at(m, "effective_to").fail("effective_to is before effective_from");
            }
        }
        Partial base;
        apply(base, m.rules(), loc.at(m, "rules"));
        e.versions.clear();
        if (m.versions_size() == 0) {
            e.versions.push_back(
                finish(base, e, loc, needs_parties, is_duty, e.effective_from, "", ""));
            return;
        }
        e.has_explicit_versions = true;
        for (int i = 0; i < m.versions_size(); ++i) {
            const auto& v = m.versions(i);
            const Loc vl = loc.at(m, "versions", i);
            const Date from = require_date(vl.at(v, "from"), v.from(), "version from");
            if (from < e.effective_from)
                vl.fail("version starts before the entry's effective_from");
            if (e.effective_to && *e.effective_to < from) {
                vl.fail("version starts after the entry's effective_to");
            }
            if (!e.versions.empty() && !(e.versions.back().from < from)) {
                vl.fail("overlapping effective ranges: version from " + v.from() +
                        " does not start after the previous version (" +
                        to_string(e.versions.back().from) + ")");
            }
            Partial p = base;
            apply(p, v.rules(), vl.at(v, "rules"));
            e.versions.push_back(finish(p, e, vl, needs_parties, is_duty, from, v.sfs(), v.note()));
        }
    }

    DatedRules finish(const Partial& p, const RuleEntry& e, const Loc& loc, bool needs_parties,
                      bool is_duty, Date from, const std::string& sfs,
                      const std::string& note) const {
        if (!p.status) loc.fail("\"" + e.id + "\": no status (STATUS_VERIFIED/STATUS_UNVERIFIED)");
        const auto& rs = p.rules;
        if (needs_parties) {
            if (!rs.senders || rs.senders->empty()) loc.fail("\"" + e.id + "\": no senders");
            if (!rs.recipients || rs.recipients->empty())
                loc.fail("\"" + e.id + "\": no recipients");
        }
        if (is_duty && rs.law_citation_sv.empty()) {
            loc.fail("duty \"" + e.id + "\": missing citation (law_citation_sv)");
        }
        auto need = [&](FactId f, const char* where) {
            if (!contains(rs.required, f)) {
                loc.fail("\"" + e.id + "\": fact \"" + cat_.facts[f].name + "\" in " + where +
                         " is not in required");
            }
        };
        for (FactId f : rs.must_be_true) need(f, "must_be_true");
        for (FactId f : rs.must_be_false) need(f, "must_be_false");
        for (const auto& vc : rs.value_conditions) need(vc.fact, "value_conditions");
        if (rs.threshold) {
            need(rs.threshold->fact, "threshold");
            need(rs.threshold->flag, "threshold");
        }
        DatedRules out{from, sfs, note, rs};
        out.rules.status = *p.status;
        return out;
    }

    void common(RuleEntry& e, const std::string& id, const std::string& name_sv,
                const std::string& name_en, const Loc& loc) {
        if (id.empty()) loc.fail("entry without an id");
        for (char c : id) {
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
                loc.fail("id \"" + id + "\" may only contain a-z, 0-9, '-' and '_'");
            }
        }
        if (name_sv.empty() || name_en.empty())
            loc.fail("\"" + id + "\" needs name_sv and name_en");
        e.id = id;
        e.name_sv = name_sv;
        e.name_en = name_en;
    }

    void provision(const pb::Provision& m, const Loc& loc) {
        Provision p;
        common(p, m.id(), m.name_sv(), m.name_en(), loc);
        if (cat_.find_provision(m.id())) loc.fail("provision \"" + m.id() + "\" defined twice");
        if (m.citation_sv().empty()) loc.fail("provision \"" + m.id() + "\": missing citation_sv");
        p.citation_sv = m.citation_sv();
        p.status_note = m.status_note();
        require_text(loc.at(m, "text"), m.text(), "provision text");
        p.text = to_text(m.text());
        p.sources.assign(m.sources().begin(), m.sources().end());
        if (m.has_consent()) {
            const Loc cl = loc.at(m, "consent");
            const auto& c = m.consent();
            ConsentRules cr;
            cr.adult_age = c.adult_age();
            cr.child_view_min_age = c.child_view_min_age();
            if (cr.adult_age < 1 || cr.adult_age > 150) cl.fail("consent.adult_age must be 1–150");
            cr.subject_mature_fact = fact(cl, c.subject_mature_fact(), FactType::boolean);
            cr.guardian_secrecy_fact = fact(cl, c.guardian_secrecy_fact(), FactType::boolean);
            p.consent = cr;
        }
        if (!m.duty_fact().empty()) {
            p.duty_fact = fact(loc.at(m, "duty_fact"), m.duty_fact(), FactType::enumeration);
        }
        if (p.consent && p.duty_fact)
            loc.fail("a provision cannot be both consent and duty gateway");
        for (int i = 0; i < m.always_warn_size(); ++i) {
            const auto& w = m.always_warn(i);
            if (w == "restrictive_provision") {
                p.warn_restrictive = true;
            } else if (w == "unverified_rule") {
                p.warn_unverified_always = true;
            } else {
                loc.at(m, "always_warn", i).fail("unknown warning code \"" + w + "\"");
            }
        }
        if (m.has_public_interest_warning_senders()) {
            p.public_interest_warning_senders = authorities(
                loc.at(m, "public_interest_warning_senders"), m.public_interest_warning_senders());
        }
        p.presumed_age_statutory = m.presumed_age_statutory();
        for (int i = 0; i < m.exclusion_suggestions_size(); ++i) {
            const auto& s = m.exclusion_suggestions(i);
            const Loc sl = loc.at(m, "exclusion_suggestions", i);
            ExclusionSuggestion es;
            es.fact = fact(sl, s.fact(), FactType::boolean);
            es.senders = authorities(sl.at(s, "senders"), s.senders());
            es.recipients = authorities(sl.at(s, "recipients"), s.recipients());
            es.provision = s.provision();
            require_text(sl.at(s, "why"), s.why(), "suggestion why");
            es.why = to_text(s.why());
            p.exclusion_suggestions.push_back(std::move(es));
        }
        for (int i = 0; i < m.amended_size(); ++i) {
            const auto& a = m.amended(i);
            const Loc al = loc.at(m, "amended", i);
            if (a.sfs().empty()) al.fail("amendment without sfs");
            if (!a.in_force().empty()) require_date(al, a.in_force(), "amended.in_force");
            p.amended.push_back(Amendment{a.sfs(), a.in_force(), a.note()});
        }
        for (int i = 0; i < m.questions_size(); ++i) {
            const auto& q = m.questions(i);
            const Loc ql = loc.at(m, "questions", i);
            require_text(ql, q.text(), "question");
            Question out{q.id(), to_text(q.text()), {}};
            for (int k = 0; k < q.facts_size(); ++k) {
                fact(ql.at(q, "facts", k), q.facts(k));
                out.facts.push_back(q.facts(k));
            }
            p.questions.push_back(std::move(out));
        }
        if (m.has_duty_citation()) {
            const Loc dl = loc.at(m, "duty_citation");
            if (!p.duty_fact) dl.fail("duty_citation is only for a gateway (duty_fact)");
            const auto& dc = m.duty_citation();
            if (!dc.osl_sender().empty()) {
                p.duty_citation_osl = dc.osl_sender();
                p.duty_citation_outside_osl = dc.osl_sender();
            }
            if (!dc.outside_osl_sender().empty())
                p.duty_citation_outside_osl = dc.outside_osl_sender();
            for (const auto* t : {&p.duty_citation_osl, &p.duty_citation_outside_osl}) {
                if (t->find("{duty}") == std::string::npos)
                    dl.fail("duty_citation template must contain {duty}");
            }
        }
        const bool needs_parties = !p.consent && !p.duty_fact;
        dated(p, m, loc, needs_parties, false);
        if (p.consent) {
            for (const auto& v : p.versions) {
                if (!v.rules.senders || v.rules.senders->empty())
                    loc.fail("\"" + p.id + "\": no senders");
            }
        }
        provision_index.emplace_back(cat_.provisions.size(), loc);
        cat_.provisions.push_back(std::move(p));
    }

    void duty(const pb::Duty& m, const Loc& loc) {
        Duty d;
        common(d, m.id(), m.name_sv(), m.name_en(), loc);
        if (cat_.find_duty(m.id())) loc.fail("duty \"" + m.id() + "\" defined twice");
        d.status_note = m.status_note();
        require_text(loc.at(m, "text"), m.text(), "duty text");
        d.text = to_text(m.text());
        d.sources.assign(m.sources().begin(), m.sources().end());
        for (int i = 0; i < m.questions_size(); ++i) {
            const auto& q = m.questions(i);
            const Loc ql = loc.at(m, "questions", i);
            require_text(ql, q.text(), "question");
            Question out{q.id(), to_text(q.text()), {}};
            for (int k = 0; k < q.facts_size(); ++k) {
                fact(ql.at(q, "facts", k), q.facts(k));
                out.facts.push_back(q.facts(k));
            }
            d.questions.push_back(std::move(out));
        }
        dated(d, m, loc, true, true);
        duty_index.emplace_back(cat_.duties.size(), loc);
        cat_.duties.push_back(std::move(d));
    }

    Catalog& cat_;
    bool has_header_ = false;
    std::string header_file_;
    std::array<bool, kAuthorityCount> seen_authority_{};
    std::array<bool, kWarningCodeCount> seen_warning_{};
    std::vector<Loc> wizard_locs_;
    std::vector<std::pair<const Provision*, Loc>> provision_locs_;
    std::vector<std::pair<const Duty*, Loc>> duty_locs_;
};

CatalogResult build(std::vector<ParsedFile>& files) {
    Catalog cat;
    for (const auto& f : files) cat.files.push_back(f.name);
    try {
        if (files.empty())
            throw LoadFailure{CatalogError{"", 0, "no *.textpb files in the catalog"}};
        Builder b(cat);
        for (const auto& f : files) b.vocabulary(f, Loc(&f.name, f.tree.get(), 1));
        b.finish_vocabulary(files.front().name);
        for (const auto& f : files) b.entries(f, Loc(&f.name, f.tree.get(), 1));
        b.index_entries(b.provision_index, b.duty_index);
        b.cross_check(files.front().name);
    } catch (const LoadFailure& e) {
        return e.error;
    }
    return cat;
}

lagrum::Result<ParsedFile, CatalogError> parse_file(const std::string& name,
                                                    const std::string& text) {
    ParsedFile f;
    f.name = name;
    f.tree = std::make_unique<TextFormat::ParseInfoTree>();
    Collector collector;
    TextFormat::Parser parser;
    parser.RecordErrorsTo(&collector);
    parser.WriteLocationsTo(f.tree.get());
    if (!parser.ParseFromString(text, &f.msg) || collector.has_error) {
        if (!collector.has_error) return CatalogError{name, 0, "cannot parse text format"};
        return CatalogError{
            name, collector.first_line,
            "column " + std::to_string(collector.first_column) + ": " + collector.first_message};
    }
    return f;
}

}  // namespace

std::string_view to_string(Authority a) {
    return kAuthorityNames[static_cast<std::size_t>(a)];
}

std::optional<Authority> parse_authority(std::string_view name) {
    for (std::size_t i = 0; i < kAuthorityNames.size(); ++i) {
        if (kAuthorityNames[i] == name) return static_cast<Authority>(i);
    }
    return std::nullopt;
}

std::string_view to_string(WarningCode c) {
    return kWarningNames[static_cast<std::size_t>(c)];
}

std::optional<WarningCode> parse_warning_code(std::string_view name) {
    for (std::size_t i = 0; i < kWarningNames.size(); ++i) {
        if (kWarningNames[i] == name) return static_cast<WarningCode>(i);
    }
    return std::nullopt;
}

std::vector<Authority> AuthoritySet::members() const {
    std::vector<Authority> out;
    for (int i = 0; i < kAuthorityCount; ++i) {
        if (contains(static_cast<Authority>(i))) out.push_back(static_cast<Authority>(i));
    }
    return out;
}

std::string_view to_string(Status s) {
    return s == Status::verified ? "VERIFIED" : "UNVERIFIED";
}

const DatedRules& RuleEntry::version_on(const Date& d) const {
    const DatedRules* chosen = &versions.front();
    for (const auto& v : versions) {
        if (!(d < v.from)) chosen = &v;
    }
    return *chosen;
}

const Provision* Catalog::find_provision(std::string_view id) const {
    for (const auto& p : provisions) {
        if (p.id == id) return &p;
    }
    return nullptr;
}

const Duty* Catalog::find_duty(std::string_view id) const {
    for (const auto& d : duties) {
        if (d.id == id) return &d;
    }
    return nullptr;
}

std::optional<FactId> Catalog::find_fact(std::string_view name) const {
    for (std::size_t i = 0; i < facts.size(); ++i) {
        if (facts[i].name == name) return static_cast<FactId>(i);
    }
    return std::nullopt;
}

std::optional<int> Catalog::find_category(std::string_view name) const {
    for (std::size_t i = 0; i < categories.size(); ++i) {
        if (categories[i].name == name) return static_cast<int>(i);
    }
    return std::nullopt;
}

const Provision* Catalog::consent_provision() const {
    for (const auto& p : provisions) {
        if (p.consent) return &p;
    }
    return nullptr;
}

const Duty* Catalog::duty_for_value(FactId duty_fact, int value) const {
    if (duty_fact >= duty_index_by_value_.size()) return nullptr;
    const auto& row = duty_index_by_value_[duty_fact];
    if (value < 0 || static_cast<std::size_t>(value) >= row.size()) return nullptr;
    const int idx = row[static_cast<std::size_t>(value)];
    return idx < 0 ? nullptr : &duties[static_cast<std::size_t>(idx)];
}

std::string CatalogError::to_string() const {
    // Appends (rather than operator+ chains) also keep GCC 12's -O3 -Wrestrict false
    // positive away.
    std::string out = file.empty() ? std::string("catalog") : file;
    if (line > 0) {
        out += ':';
        out.append(std::to_string(line));
    }
    out.append(": ");
    out.append(message);
    return out;
}

CatalogResult load_catalog_from_texts(
    const std::vector<std::pair<std::string, std::string>>& texts) {
    std::vector<ParsedFile> files;
    for (const auto& [name, text] : texts) {
        auto r = parse_file(name, text);
        if (!r.ok()) return std::move(r).error();
        files.push_back(std::move(r).value());
    }
    return build(files);
}

CatalogResult load_catalog(const std::filesystem::path& dir) {
    constexpr std::uintmax_t kMaxFileBytes = 4u << 20;  // a catalog file is a few KB
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
        return CatalogError{dir.string(), 0, "catalog directory not found"};
    }
    // Only the error_code overloads: the range-for's operator++ and entry.is_regular_file()
    // throw filesystem_error (e.g. ELOOP on a symlink loop), and a catalog problem must
    // come back as a CatalogError, not end the process.
    std::vector<std::filesystem::path> paths;
    const auto cannot_list = [&](const std::error_code& e) {
        return CatalogError{dir.string(), 0, "cannot list catalog directory: " + e.message()};
    };
    std::filesystem::directory_iterator it(dir, ec);
    if (ec) return cannot_list(ec);
    for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
        if (ec) return cannot_list(ec);
        const auto& path = it->path();
        if (path.extension() != ".textpb") continue;
        const bool regular = it->is_regular_file(ec);
        if (ec) return CatalogError{path.string(), 0, "cannot read file: " + ec.message()};
        if (regular) paths.push_back(path);
    }
    if (ec) return cannot_list(ec);
    std::sort(paths.begin(), paths.end());
    std::vector<std::pair<std::string, std::string>> texts;
    for (const auto& p : paths) {
        const auto size = std::filesystem::file_size(p, ec);
        if (ec || size > kMaxFileBytes)
            return CatalogError{p.string(), 0, "unreadable or too large"};
        std::ifstream in(p, std::ios::binary);
        std::ostringstream ss;
        ss << in.rdbuf();
        if (!in) return CatalogError{p.string(), 0, "cannot read file"};
        texts.emplace_back(p.string(), ss.str());
    }
    if (texts.empty()) return CatalogError{dir.string(), 0, "no *.textpb files in the catalog"};
    return load_catalog_from_texts(texts);
}

}  // namespace lagrum::core::legal
