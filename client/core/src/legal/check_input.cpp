#include "lagrum/core/legal/check_input.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "lagrum/core/legal/personnummer.h"

namespace lagrum::core::legal {

namespace {

using json = nlohmann::json;

struct Fail {
    InputError error;
};

[[noreturn]] void fail(std::string code, std::string path, std::string message) {
    throw Fail{InputError{std::move(code), std::move(path), std::move(message)}};
}

// Nesting depth outside strings, checked before parsing so a hostile input cannot make the
// parser or the destructor recurse deeply.
bool depth_ok(std::string_view text) {
    int depth = 0;
    bool in_string = false;
    bool escape = false;
    for (char c : text) {
        if (in_string) {
            if (escape) {
                escape = false;
            } else if (c == '\\') {
                escape = true;
            } else if (c == '"') {
                in_string = false;
            }
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            if (++depth > kMaxJsonDepth) return false;
        } else if (c == '}' || c == ']') {
            --depth;
        }
    }
    return true;
}

bool is_null_or_absent(const json& obj, const char* key) {
    auto it = obj.find(key);
    return it == obj.end() || it->is_null();
}

void only_keys(const json& obj, const std::string& path,
               std::initializer_list<std::string_view> allowed) {
    for (auto it = obj.begin(); it != obj.end(); ++it) {
        bool ok = false;
        for (auto k : allowed) ok = ok || it.key() == k;
        if (!ok) fail("unknown_key", path + "." + it.key(), "unknown key \"" + it.key() + "\"");
    }
}

const json& required(const json& obj, const std::string& path, const char* key) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) {
        fail("missing_key", path + "." + key, std::string("missing required key \"") + key + "\"");
    }
    return *it;
}

const std::string& string_value(const json& v, const std::string& path,
                                const char* code = "bad_type") {
    if (!v.is_string()) fail(code, path, "expected a string");
    return v.get_ref<const std::string&>();
}

Date date_value(const json& v, const std::string& path) {
    const auto& s = string_value(v, path);
    auto d = parse_date(s);
    if (!d) fail("invalid_date", path, "not a valid YYYY-MM-DD calendar date");
    return *d;
}

Authority authority_value(const json& v, const std::string& path) {
    const auto& s = string_value(v, path);
    auto a = parse_authority(s);
    if (!a) fail("unknown_authority", path, "unknown authority \"" + s + "\"");
    return *a;
}

std::size_t utf8_length(const std::string& s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

Subject subject_value(const json& v, const Date& date) {
    const std::string path = "$.subject";
    if (!v.is_object()) fail("bad_type", path, "subject must be an object");
    only_keys(v, path, {"personnummer", "birth_date", "presumed_age"});
    const int given = !is_null_or_absent(v, "personnummer") + !is_null_or_absent(v, "birth_date") +
                      !is_null_or_absent(v, "presumed_age");
    if (given != 1) {
        fail("bad_subject", path,
             "subject needs exactly one of personnummer, birth_date, presumed_age");
    }
    Subject s;
    if (!is_null_or_absent(v, "personnummer")) {
        const auto& pn = v.at("personnummer");
        if (!pn.is_string())
            fail("invalid_personnummer", path + ".personnummer", "expected a string");
        auto r = parse_personnummer(pn.get_ref<const std::string&>(), date);
        if (auto* e = std::get_if<PersonnummerError>(&r)) {
            if (*e == PersonnummerError::future_birth) {
                fail("future_birth_date", path + ".personnummer", std::string(describe(*e)));
            }
            fail("invalid_personnummer", path + ".personnummer", std::string(describe(*e)));
        }
        const auto& parsed = std::get<Personnummer>(r);
        s.basis = parsed.samordningsnummer ? AgeBasis::samordningsnummer : AgeBasis::personnummer;
        s.birth_date = parsed.birth_date;
    } else if (!is_null_or_absent(v, "birth_date")) {
        s.basis = AgeBasis::birth_date;
        s.birth_date = date_value(v.at("birth_date"), path + ".birth_date");
        if (date < s.birth_date) {
            fail("future_birth_date", path + ".birth_date", "birth date is after the date");
        }
    } else {
        const auto& a = v.at("presumed_age");
        if (!a.is_number_integer())
            fail("bad_age", path + ".presumed_age", "presumed_age must be an integer 0–130");
        const auto n = a.get<std::int64_t>();
        if (a.is_number_unsigned() && a.get<std::uint64_t>() > 130) {
            fail("bad_age", path + ".presumed_age", "presumed_age must be an integer 0–130");
        }
        if (n < 0 || n > 130)
            fail("bad_age", path + ".presumed_age", "presumed_age must be an integer 0–130");
        s.basis = AgeBasis::presumed_age;
        s.presumed_age = static_cast<int>(n);
    }
    return s;
}

void facts_value(const json& v, const Catalog& cat, Facts& out) {
    const std::string path = "$.facts";
    if (!v.is_object()) fail("bad_type", path, "facts must be an object");
    for (auto it = v.begin(); it != v.end(); ++it) {
        const std::string fpath = path + "." + it.key();
        auto id = cat.find_fact(it.key());
        if (!id) fail("unknown_fact", fpath, "unknown fact \"" + it.key() + "\"");
        const auto& val = it.value();
        if (val.is_null()) continue;  // null means absent
        const auto& def = cat.facts[*id];
        auto& fv = out[*id];
        switch (def.type) {
            case FactType::boolean:
                if (!val.is_boolean()) fail("bad_fact_value", fpath, "expected true or false");
                fv.boolean = val.get<bool>();
                break;
            case FactType::enumeration: {
                if (!val.is_string())
                    fail("bad_fact_value", fpath, "expected one of the fact's values");
                const auto& s = val.get_ref<const std::string&>();
                int idx = -1;
                for (std::size_t i = 0; i < def.values.size(); ++i) {
                    if (def.values[i] == s) idx = static_cast<int>(i);
                }
                if (idx < 0)
                    fail("bad_fact_value", fpath, "\"" + s + "\" is not a value of " + def.name);
                fv.enum_index = idx;
                break;
            }
            case FactType::number: {
                if (!val.is_number()) fail("bad_fact_value", fpath, "expected a number");
                const double d = val.get<double>();
                if (!std::isfinite(d) || d < def.min || d > def.max) {
                    fail("bad_fact_value", fpath, "number out of range");
                }
                fv.number = d;
                break;
            }
        }
        fv.present = true;
    }
}

Consent consent_value(const json& v) {
    const std::string path = "$.consent";
    if (!v.is_object()) fail("bad_consent", path, "consent must be an object");
    only_keys(v, path,
              {"status", "given_by", "recipient_authorities", "valid_until", "case_closed"});
    Consent c;
    if (is_null_or_absent(v, "status"))
        fail("bad_consent", path + ".status", "consent.status is required");
    const auto& st = v.at("status");
    if (!st.is_string()) fail("bad_consent", path + ".status", "consent.status must be a string");
    const auto& s = st.get_ref<const std::string&>();
    if (s == "given") {
        c.status = ConsentStatus::given;
    } else if (s == "withdrawn") {
        c.status = ConsentStatus::withdrawn;
    } else if (s == "none") {
        c.status = ConsentStatus::none;
    } else {
        fail("bad_consent", path + ".status", "consent.status must be given, withdrawn or none");
    }
    const bool given = c.status == ConsentStatus::given;
    if (!is_null_or_absent(v, "given_by")) {
        const auto& g = v.at("given_by");
        if (!g.is_array()) fail("bad_consent", path + ".given_by", "given_by must be an array");
        for (std::size_t i = 0; i < g.size(); ++i) {
            const std::string ip = path + ".given_by[" + std::to_string(i) + "]";
            if (!g[i].is_string()) fail("bad_consent", ip, "expected \"subject\" or \"guardian\"");
            const auto& who = g[i].get_ref<const std::string&>();
            if (who == "subject") {
                c.given_by_subject = true;
            } else if (who == "guardian") {
                c.given_by_guardian = true;
            } else {
                fail("bad_consent", ip, "expected \"subject\" or \"guardian\"");
            }
        }
        if (given && g.empty())
            fail("bad_consent", path + ".given_by", "given_by must not be empty");
    } else if (given) {
        fail("bad_consent", path + ".given_by", "given_by is required when consent is given");
    }
    if (!is_null_or_absent(v, "recipient_authorities")) {
        const auto& ra = v.at("recipient_authorities");
        const std::string rp = path + ".recipient_authorities";
        if (!ra.is_array()) fail("bad_consent", rp, "recipient_authorities must be an array");
        AuthoritySet set;
        for (std::size_t i = 0; i < ra.size(); ++i) {
            const std::string ip = rp + "[" + std::to_string(i) + "]";
            if (!ra[i].is_string()) fail("bad_consent", ip, "expected an authority");
            set.add(authority_value(ra[i], ip));
        }
        if (given && ra.empty()) fail("bad_consent", rp, "recipient_authorities must not be empty");
        c.recipient_authorities = set;
    } else if (given) {
        fail("bad_consent", path + ".recipient_authorities",
             "recipient_authorities is required when consent is given");
    }
    if (!is_null_or_absent(v, "valid_until")) {
        const auto& vu = v.at("valid_until");
        if (!vu.is_string())
            fail("bad_consent", path + ".valid_until", "valid_until must be a date string");
        c.valid_until = date_value(vu, path + ".valid_until");
    }
    if (!is_null_or_absent(v, "case_closed")) {
        const auto& cc = v.at("case_closed");
        if (!cc.is_boolean())
            fail("bad_consent", path + ".case_closed", "case_closed must be a boolean");
        c.case_closed = cc.get<bool>();
    }
    return c;
}

Draft draft_value(const json& root, const Catalog& cat) {
    if (!root.is_object()) fail("not_object", "$", "the input must be a JSON object");
    only_keys(root, "$",
              {"format", "date", "sender", "recipients", "subject", "provision", "facts", "consent",
               "categories"});
    Draft d;
    if (!is_null_or_absent(root, "format")) {
        const auto& f = root.at("format");
        if (!f.is_string()) fail("bad_type", "$.format", "format must be a string");
        if (f.get_ref<const std::string&>() != "lagrum-check/1") {
            fail("bad_format_version", "$.format", "format must be \"lagrum-check/1\"");
        }
    }
    d.date = date_value(required(root, "$", "date"), "$.date");

    const auto& sender = required(root, "$", "sender");
    if (!sender.is_object()) fail("bad_type", "$.sender", "sender must be an object");
    only_keys(sender, "$.sender", {"authority", "id"});
    d.sender = authority_value(required(sender, "$.sender", "authority"), "$.sender.authority");
    if (!is_null_or_absent(sender, "id")) string_value(sender.at("id"), "$.sender.id");

    const auto& rs = required(root, "$", "recipients");
    if (!rs.is_array()) fail("bad_type", "$.recipients", "recipients must be an array");
    if (rs.empty()) fail("bad_type", "$.recipients", "recipients must not be empty");
    d.recipients.reserve(rs.size());
    for (std::size_t i = 0; i < rs.size(); ++i) {
        const std::string path = "$.recipients[" + std::to_string(i) + "]";
        const auto& r = rs[i];
        if (!r.is_object()) fail("bad_type", path, "a recipient must be an object");
        only_keys(r, path, {"id", "authority"});
        const auto& id = string_value(required(r, path, "id"), path + ".id");
        const auto len = utf8_length(id);
        if (len < 1 || len > 64)
            fail("bad_type", path + ".id", "recipient id must be 1–64 characters");
        const Authority a = authority_value(required(r, path, "authority"), path + ".authority");
        for (const auto& prev : d.recipients) {
            if (prev.id == id)
                fail("duplicate_recipient", path + ".id",
                     "recipient id \"" + id + "\" given twice");
        }
        d.recipients.push_back(RecipientRef{id, a});
    }

    d.subject = subject_value(required(root, "$", "subject"), d.date);

    const auto& prov = required(root, "$", "provision");
    const auto& pid = string_value(prov, "$.provision");
    d.provision = cat.find_provision(pid);
    if (d.provision == nullptr)
        fail("unknown_provision", "$.provision", "unknown provision \"" + pid + "\"");

    d.facts.assign(cat.facts.size(), FactValue{});
    if (!is_null_or_absent(root, "facts")) facts_value(root.at("facts"), cat, d.facts);

    if (!is_null_or_absent(root, "consent")) d.consent = consent_value(root.at("consent"));

    if (!is_null_or_absent(root, "categories")) {
        const auto& cs = root.at("categories");
        if (!cs.is_array()) fail("bad_type", "$.categories", "categories must be an array");
        for (std::size_t i = 0; i < cs.size(); ++i) {
            const std::string path = "$.categories[" + std::to_string(i) + "]";
            if (!cs[i].is_string()) fail("unknown_category", path, "a category must be a string");
            const auto& name = cs[i].get_ref<const std::string&>();
            auto idx = cat.find_category(name);
            if (!idx) fail("unknown_category", path, "unknown category \"" + name + "\"");
            if (std::find(d.categories.begin(), d.categories.end(), *idx) == d.categories.end()) {
                d.categories.push_back(*idx);
            }
        }
    }
    return d;
}

}  // namespace

CheckInputResult parse_check_input(std::string_view json_text, const Catalog& catalog) {
    try {
        if (json_text.size() > kMaxInputBytes) {
            fail("io_error", "", "input is larger than 1 MiB");
        }
        if (!depth_ok(json_text)) fail("invalid_json", "", "JSON nested too deeply");
        json root = json::parse(json_text.begin(), json_text.end(), nullptr, false);
        if (root.is_discarded()) fail("invalid_json", "", "the input is not valid JSON");
        return draft_value(root, catalog);
    } catch (const Fail& f) {
        return f.error;
    } catch (const json::exception&) {
        return InputError{"invalid_json", "", "the input could not be read as JSON"};
    }
}

std::string error_json(const InputError& e) {
    nlohmann::ordered_json j;
    j["error"] = e.code;
    j["path"] = e.path.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(e.path);
    j["message"] = e.message;
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace lagrum::core::legal
