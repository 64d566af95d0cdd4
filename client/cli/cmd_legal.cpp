// lagrum check / lagrum provisions: the legal engine's commands.
//
//   lagrum [--catalog DIR] check --json FILE|-
//   lagrum [--catalog DIR] provisions list [--date YYYY-MM-DD] [--json]
//   lagrum [--catalog DIR] provisions show ID [--date YYYY-MM-DD] [--json]
//
// Exit codes: 0 result printed; 2 input error (for `check`: one JSON line on stderr, as
// check-format.md §1 requires); 1 catalog cannot be loaded; 64 usage. These commands keep
// their own small argument parser: their interface (and its exit 64) predates CLI11 here
// and scripts rely on it.
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli.h"
#include "lagrum/core/legal/catalog.h"
#include "lagrum/core/legal/check.h"
#include "lagrum/core/legal/check_input.h"
#include "lagrum/core/legal/verdict_json.h"

namespace legal = lagrum::core::legal;
using ojson = nlohmann::ordered_json;

namespace {

constexpr int kExitOk = 0;
constexpr int kExitCatalog = 1;
constexpr int kExitInput = 2;
constexpr int kExitUsage = 64;

int usage() {
    std::cerr << "usage: lagrum [--catalog DIR] check --json FILE|-\n"
                 "       lagrum [--catalog DIR] provisions list [--date YYYY-MM-DD] [--json]\n"
                 "       lagrum [--catalog DIR] provisions show ID [--date YYYY-MM-DD] [--json]\n";
    return kExitUsage;
}

std::filesystem::path executable_dir() {
    std::error_code ec;
    auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::filesystem::path() : p.parent_path();
}

// --catalog DIR, then $LAGRUM_CATALOG, then ../share/lagrum/provisions beside an installed
// binary, then the build tree's copy.
}  // namespace

std::filesystem::path lagrum::cli::catalog_dir(const std::string& flag) {
    if (!flag.empty()) return flag;
    if (const char* env = std::getenv("LAGRUM_CATALOG"); env != nullptr && *env != '\0') return env;
    const auto exe = executable_dir();
    if (!exe.empty()) {
        const auto installed = exe.parent_path() / "share" / "lagrum" / "provisions";
        std::error_code ec;
        if (std::filesystem::is_directory(installed, ec)) return installed;
    }
    return LAGRUM_CATALOG_BUILD_DIR;
}

namespace {

// Reads at most kMaxInputBytes + 1 bytes, so an oversized input is detected without
// reading (or allocating) all of it.
bool read_bounded(std::istream& in, std::string& out) {
    out.clear();
    char buf[65536];
    while (in && out.size() <= legal::kMaxInputBytes) {
        in.read(buf, sizeof buf);
        out.append(buf, static_cast<std::size_t>(in.gcount()));
    }
    return !in.bad();
}

int input_error(const legal::InputError& e) {
    std::cerr << legal::error_json(e) << '\n';
    return kExitInput;
}

int cmd_check(const legal::Catalog& cat, const std::vector<std::string>& args) {
    bool json = false;
    std::string file;
    for (const auto& a : args) {
        if (a == "--json") {
            json = true;
        } else if (file.empty()) {
            file = a;
        } else {
            return usage();
        }
    }
    if (!json || file.empty()) return usage();
    std::string text;
    if (file == "-") {
        if (!read_bounded(std::cin, text)) {
            return input_error({"io_error", "", "cannot read standard input"});
        }
    } else {
        std::ifstream in(file, std::ios::binary);
        if (!in || !read_bounded(in, text)) {
            return input_error({"io_error", "", "cannot read input file " + file});
        }
    }
    auto parsed = legal::parse_check_input(text, cat);
    if (auto* e = std::get_if<legal::InputError>(&parsed)) return input_error(*e);
    const auto verdict = legal::check(std::get<legal::Draft>(parsed), cat);
    std::cout << legal::verdict_to_json(verdict, cat) << '\n';
    std::cout.flush();
    return std::cout ? kExitOk : kExitCatalog;
}

std::string authorities_text(const std::optional<legal::AuthoritySet>& s) {
    if (!s) return "(per duty or consent)";
    std::string out;
    for (auto a : s->members()) {
        if (!out.empty()) out += ", ";
        out += legal::to_string(a);
    }
    return out;
}

ojson authorities_json(const std::optional<legal::AuthoritySet>& s) {
    if (!s) return nullptr;
    ojson a = ojson::array();
    for (auto m : s->members()) a.push_back(legal::to_string(m));
    return a;
}

std::vector<std::string> fact_names(const legal::Catalog& cat,
                                    const std::vector<legal::FactId>& ids) {
    std::vector<std::string> out;
    for (auto id : ids) out.push_back(cat.facts[id].name);
    return out;
}

std::string join(const std::vector<std::string>& v, const char* sep = ", ") {
    std::string out;
    for (const auto& s : v) {
        if (!out.empty()) out += sep;
        out += s;
    }
    return out;
}

std::string effective_to(const legal::RuleEntry& e) {
    return e.effective_to ? legal::to_string(*e.effective_to) : "";
}

ojson questions_json(const std::vector<legal::Question>& questions) {
    ojson qs = ojson::array();
    for (const auto& q : questions) {
        qs.push_back(ojson{{"id", q.id}, {"sv", q.text.sv}, {"en", q.text.en}, {"facts", q.facts}});
    }
    return qs;
}

void questions_text(std::ostream& out, const std::vector<legal::Question>& questions,
                    const char* indent) {
    int n = 1;
    for (const auto& q : questions) {
        out << indent << n++ << ". " << q.text.sv << " / " << q.text.en;
        if (!q.facts.empty()) out << " [" << join(q.facts) << "]";
        out << "\n";
    }
}

// The choices of each enumeration fact the questions ask, with the words the app shows
// (value_labels): the code is what `lagrum check` takes, the label says what it means.
void enum_values_text(std::ostream& out, const legal::Catalog& cat,
                      const std::vector<legal::Question>& questions, const char* indent) {
    std::vector<std::string> seen;
    bool header = false;
    for (const auto& q : questions) {
        for (const auto& name : q.facts) {
            const auto id = cat.find_fact(name);
            if (!id || cat.facts[*id].type != legal::FactType::enumeration) continue;
            if (std::find(seen.begin(), seen.end(), name) != seen.end()) continue;
            seen.push_back(name);
            const auto& fd = cat.facts[*id];
            if (!header) out << "choices (code – sv / en):\n";
            header = true;
            out << indent << name << ":\n";
            for (std::size_t i = 0; i < fd.values.size(); ++i) {
                out << indent << "  " << fd.values[i];
                if (i < fd.value_labels.size()) {
                    out << " – " << fd.value_labels[i].sv << " / " << fd.value_labels[i].en;
                }
                out << "\n";
            }
        }
    }
}

ojson rules_json(const legal::Catalog& cat, const legal::DatedRules& v) {
    const auto& r = v.rules;
    ojson o = ojson::object();
    o["from"] = legal::to_string(v.from);
    o["sfs"] = v.sfs;
    o["status"] = legal::to_string(r.status);
    o["senders"] = authorities_json(r.senders);
    o["recipients"] = authorities_json(r.recipients);
    o["age_under"] = r.age_under ? ojson(*r.age_under) : ojson(nullptr);
    o["required"] = fact_names(cat, r.required);
    o["must_be_true"] = fact_names(cat, r.must_be_true);
    o["must_be_false"] = fact_names(cat, r.must_be_false);
    ojson any = ojson::array();
    for (const auto& g : r.any_of) any.push_back(fact_names(cat, g));
    o["any_of"] = any;
    ojson vcs = ojson::array();
    for (const auto& vc : r.value_conditions) {
        const auto& fd = cat.facts[vc.fact];
        std::vector<std::string> allowed;
        for (std::size_t i = 0; i < fd.values.size(); ++i) {
            if ((vc.allowed >> i) & 1u) allowed.push_back(fd.values[i]);
        }
        vcs.push_back(ojson{{"fact", fd.name}, {"allowed", allowed}});
    }
    o["value_conditions"] = vcs;
    if (r.threshold) {
        o["threshold"] = ojson{{"fact", cat.facts[r.threshold->fact].name},
                               {"flag_fact", cat.facts[r.threshold->flag].name},
                               {"min_if_flag_false", r.threshold->min_if_flag_false},
                               {"min_if_flag_true", r.threshold->min_if_flag_true}};
    } else {
        o["threshold"] = nullptr;
    }
    o["law_citation_sv"] = r.law_citation_sv.empty() ? ojson(nullptr) : ojson(r.law_citation_sv);
    o["breaks"] = r.breaks;
    o["breaks_text"] = r.breaks_text;
    o["note"] = v.note;
    return o;
}

void rules_text(std::ostream& out, const legal::Catalog& cat, const legal::DatedRules& v) {
    const auto& r = v.rules;
    out << "  from " << legal::to_string(v.from);
    if (!v.sfs.empty()) out << " (" << v.sfs << ")";
    out << " – " << legal::to_string(r.status) << "\n";
    if (!v.note.empty()) out << "    note: " << v.note << "\n";
    if (!r.law_citation_sv.empty()) out << "    law: " << r.law_citation_sv << "\n";
    out << "    senders: " << authorities_text(r.senders) << "\n";
    out << "    recipients: " << authorities_text(r.recipients) << "\n";
    if (r.age_under) out << "    age: under " << *r.age_under << "\n";
    if (!r.required.empty()) out << "    required: " << join(fact_names(cat, r.required)) << "\n";
    if (!r.must_be_true.empty())
        out << "    must be true: " << join(fact_names(cat, r.must_be_true)) << "\n";
    if (!r.must_be_false.empty()) {
        out << "    must be false (exclusions): " << join(fact_names(cat, r.must_be_false)) << "\n";
    }
    for (const auto& g : r.any_of)
        out << "    at least one true: " << join(fact_names(cat, g)) << "\n";
    for (const auto& vc : r.value_conditions) {
        const auto& fd = cat.facts[vc.fact];
        std::vector<std::string> allowed;
        for (std::size_t i = 0; i < fd.values.size(); ++i) {
            if ((vc.allowed >> i) & 1u) allowed.push_back(fd.values[i]);
        }
        out << "    " << fd.name << " one of: " << join(allowed) << "\n";
    }
    if (r.threshold) {
        out << "    threshold: " << cat.facts[r.threshold->fact].name
            << " >= " << r.threshold->min_if_flag_false << " (" << cat.facts[r.threshold->flag].name
            << ": " << r.threshold->min_if_flag_true << ")\n";
    }
    if (!r.breaks.empty()) out << "    breaks: " << join(r.breaks) << "\n";
    if (!r.breaks_text.empty()) out << "    breaks: " << r.breaks_text << "\n";
}

int parse_date_flag(const std::string& value, std::optional<legal::Date>& out) {
    auto d = legal::parse_date(value);
    if (!d) {
        std::cerr << "lagrum: --date must be a valid YYYY-MM-DD date\n";
        return kExitInput;
    }
    out = d;
    return kExitOk;
}

int cmd_list(const legal::Catalog& cat, const std::vector<std::string>& args) {
    bool json = false;
    std::optional<legal::Date> date;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--json") {
            json = true;
        } else if (args[i] == "--date" && i + 1 < args.size()) {
            if (int rc = parse_date_flag(args[++i], date)) return rc;
        } else {
            return usage();
        }
    }
    if (json) {
        ojson o = ojson::object();
        o["catalog_version"] = cat.header.catalog_version;
        o["last_reviewed"] = legal::to_string(cat.header.last_reviewed);
        o["date"] = date ? ojson(legal::to_string(*date)) : ojson(nullptr);
        ojson list = ojson::array();
        for (const auto& p : cat.provisions) {
            if (date && !p.in_force_on(*date)) continue;
            ojson e = ojson::object();
            e["id"] = p.id;
            e["citation"] = p.citation_sv;
            e["name_sv"] = p.name_sv;
            e["name_en"] = p.name_en;
            e["effective_from"] = legal::to_string(p.effective_from);
            e["effective_to"] =
                p.effective_to ? ojson(legal::to_string(*p.effective_to)) : ojson(nullptr);
            ojson versions = ojson::array();
            for (const auto& v : p.versions) {
                versions.push_back(ojson{{"from", legal::to_string(v.from)},
                                         {"sfs", v.sfs},
                                         {"status", legal::to_string(v.rules.status)}});
            }
            e["versions"] = versions;
            const auto& cur = date ? p.version_on(*date) : p.versions.back();
            e["status"] = legal::to_string(cur.rules.status);
            list.push_back(std::move(e));
        }
        o["provisions"] = std::move(list);
        // The wizard's question order (provisions.md §8), for the desktop app.
        ojson wizard = ojson::array();
        for (const auto& w : cat.wizard) {
            ojson step = ojson::object();
            step["id"] = w.id;
            step["sv"] = w.question.sv;
            step["en"] = w.question.en;
            step["provisions"] = w.provisions;
            step["duties"] = w.duties;
            step["senders"] = w.senders.empty() ? ojson(nullptr) : authorities_json(w.senders);
            step["note_sv"] = w.note.sv;
            step["note_en"] = w.note.en;
            wizard.push_back(std::move(step));
        }
        o["wizard"] = std::move(wizard);
        std::cout << o.dump() << '\n';
        return kExitOk;
    }
    std::cout << "Lagrum provision catalog " << cat.header.catalog_version << " (last reviewed "
              << legal::to_string(cat.header.last_reviewed) << ")";
    if (date) std::cout << ", in force on " << legal::to_string(*date);
    std::cout << "\n";
    for (const auto& p : cat.provisions) {
        if (date && !p.in_force_on(*date)) continue;
        const auto& cur = date ? p.version_on(*date) : p.versions.back();
        std::cout << p.id << "\t" << p.citation_sv << "\t" << legal::to_string(p.effective_from)
                  << " – " << effective_to(p) << "\t" << legal::to_string(cur.rules.status) << "\t"
                  << p.name_sv << " / " << p.name_en;
        if (p.has_explicit_versions) {
            std::vector<std::string> froms;
            for (const auto& v : p.versions) froms.push_back(legal::to_string(v.from));
            std::cout << "\t(versions from " << join(froms) << ")";
        }
        std::cout << "\n";
    }
    return kExitOk;
}

int cmd_show(const legal::Catalog& cat, const std::vector<std::string>& args) {
    bool json = false;
    std::optional<legal::Date> date;
    std::string id;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--json") {
            json = true;
        } else if (args[i] == "--date" && i + 1 < args.size()) {
            if (int rc = parse_date_flag(args[++i], date)) return rc;
        } else if (id.empty()) {
            id = args[i];
        } else {
            return usage();
        }
    }
    if (id.empty()) return usage();
    const auto* p = cat.find_provision(id);
    if (p == nullptr) {
        std::cerr << "lagrum: unknown provision \"" << id << "\" (see lagrum provisions list)\n";
        return kExitInput;
    }
    std::vector<const legal::DatedRules*> versions;
    if (date) {
        versions.push_back(&p->version_on(*date));
    } else {
        for (const auto& v : p->versions) versions.push_back(&v);
    }
    std::vector<const legal::Duty*> duties;
    if (p->duty_fact) {
        for (std::size_t i = 0; i < cat.facts[*p->duty_fact].values.size(); ++i) {
            duties.push_back(cat.duty_for_value(*p->duty_fact, static_cast<int>(i)));
        }
    }
    if (json) {
        ojson o = ojson::object();
        o["id"] = p->id;
        o["citation"] = p->citation_sv;
        o["name_sv"] = p->name_sv;
        o["name_en"] = p->name_en;
        o["effective_from"] = legal::to_string(p->effective_from);
        o["effective_to"] =
            p->effective_to ? ojson(legal::to_string(*p->effective_to)) : ojson(nullptr);
        ojson vs = ojson::array();
        for (const auto* v : versions) vs.push_back(rules_json(cat, *v));
        o["versions"] = vs;
        ojson am = ojson::array();
        for (const auto& a : p->amended) {
            am.push_back(ojson{{"sfs", a.sfs}, {"in_force", a.in_force}, {"note", a.note}});
        }
        o["amended"] = am;
        o["questions"] = questions_json(p->questions);
        ojson ds = ojson::array();
        for (const auto* d : duties) {
            ojson dj = ojson::object();
            dj["id"] = d->id;
            dj["name_sv"] = d->name_sv;
            dj["name_en"] = d->name_en;
            dj["effective_from"] = legal::to_string(d->effective_from);
            ojson dvs = ojson::array();
            if (date) {
                dvs.push_back(rules_json(cat, d->version_on(*date)));
            } else {
                for (const auto& v : d->versions) dvs.push_back(rules_json(cat, v));
            }
            dj["versions"] = dvs;
            dj["questions"] = questions_json(d->questions);
            dj["text_sv"] = d->text.sv;
            dj["text_en"] = d->text.en;
            dj["status_note"] = d->status_note;
            dj["sources"] = d->sources;
            ds.push_back(std::move(dj));
        }
        o["duties"] = ds;
        o["status_note"] = p->status_note;
        o["text_sv"] = p->text.sv;
        o["text_en"] = p->text.en;
        o["sources"] = p->sources;
        std::cout << o.dump() << '\n';
        return kExitOk;
    }
    std::cout << p->id << " – " << p->citation_sv << "\n"
              << p->name_sv << " / " << p->name_en << "\n"
              << "in force: " << legal::to_string(p->effective_from) << " – " << effective_to(*p)
              << "\n"
              << "status: " << p->status_note << "\n\n"
              << p->text.sv << "\n\n"
              << p->text.en << "\n\nconditions:\n";
    for (const auto* v : versions) rules_text(std::cout, cat, *v);
    if (p->consent) {
        std::cout << "  consent: recipients are those named in the consent; under "
                  << p->consent->adult_age << " the guardian ("
                  << cat.facts[p->consent->guardian_secrecy_fact].name
                  << " = false) or a mature child ("
                  << cat.facts[p->consent->subject_mature_fact].name << " = true) may consent\n";
    }
    for (const auto* d : duties) {
        std::cout << "duty " << d->id << " – " << d->name_sv << " / " << d->name_en << " (from "
                  << legal::to_string(d->effective_from) << ")\n";
        std::cout << "  " << d->text.sv << "\n  " << d->text.en << "\n";
        if (date) {
            rules_text(std::cout, cat, d->version_on(*date));
        } else {
            for (const auto& v : d->versions) rules_text(std::cout, cat, v);
        }
        if (!d->questions.empty()) {
            std::cout << "  questions:\n";
            questions_text(std::cout, d->questions, "    ");
        }
    }
    if (p->duty_fact) {
        std::cout << "citation: " << p->duty_citation_osl
                  << "; sender outside OSL: " << p->duty_citation_outside_osl << "\n";
    }
    if (!p->amended.empty()) {
        std::cout << "amended:\n";
        for (const auto& a : p->amended) {
            std::cout << "  " << a.sfs << (a.in_force.empty() ? "" : " (" + a.in_force + ")") << " "
                      << a.note << "\n";
        }
    }
    std::cout << "questions:\n";
    questions_text(std::cout, p->questions, "  ");
    enum_values_text(std::cout, cat, p->questions, "  ");
    std::cout << "sources: " << join(p->sources) << "\n";
    return kExitOk;
}

}  // namespace

namespace lagrum::cli {

int run_legal_command(const std::string& catalog_flag, const std::vector<std::string>& args) {
    if (args.empty()) return usage();
    const std::string cmd = args.front();
    std::string sub;
    std::vector<std::string> rest(args.begin() + 1, args.end());
    if (cmd == "provisions") {
        if (rest.empty()) return usage();
        sub = rest.front();
        rest.erase(rest.begin());
        if (sub != "list" && sub != "show") return usage();
    } else if (cmd != "check") {
        return usage();
    }

    auto loaded = legal::load_catalog(catalog_dir(catalog_flag));
    if (auto* e = std::get_if<legal::CatalogError>(&loaded)) {
        std::cerr << "lagrum: catalog error: " << e->to_string() << "\n";
        return kExitCatalog;
    }
    const auto& cat = std::get<legal::Catalog>(loaded);
    if (cmd == "check") return cmd_check(cat, rest);
    if (sub == "list") return cmd_list(cat, rest);
    return cmd_show(cat, rest);
}

}  // namespace lagrum::cli
