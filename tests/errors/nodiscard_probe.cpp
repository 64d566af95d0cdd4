// Compile-time guard of the one error model: every result type a boundary returns is a
// [[nodiscard]] lagrum::Result, so a call that ignores its result does not compile.
//
// Built normally (no PROBE_* macro) this file uses every result and must compile: it is
// part of the build, so the probes below cannot pass for a trivial reason (a missing
// header, a renamed function). Each PROBE_* macro instead discards one result; the
// Errors.Discarded* tests build those variants and expect the compiler to refuse them
// for the nodiscard reason (see CMakeLists.txt).
#include <string>

#include "lagrum/cert/cert.h"
#include "lagrum/core/legal/catalog.h"
#include "lagrum/core/legal/check_input.h"
#include "lagrum/core/legal/personnummer.h"
#include "lagrum/crypto/result.h"
#include "lagrum/relay/config.h"
#include "lagrum/relay/storage.h"
#include "lagrum/result.h"
#include "lagrum/wire/mls_wire.h"

namespace probe {

using namespace lagrum;

struct ProbeError {
    std::string message;
};
Result<int, ProbeError> make_result();
crypto::Result<int> make_crypto_result();

#if defined(PROBE_RESULT)
void f() {
    make_result();
}
#elif defined(PROBE_CRYPTO)
void f() {
    make_crypto_result();
}
#elif defined(PROBE_STORE)
void f(relay::Storage& s) {
    s.ack(crypto::ByteView(), 0);
}
#elif defined(PROBE_CERT)
void f(cert::TrustStore& t, const cert::v1::RevocationList& l) {
    t.install_revocation_list(l);
}
#elif defined(PROBE_ADD_ROOT)
void f(cert::TrustStore& t, const cert::v1::OrganisationRoot& r) {
    t.add_root(r);
}
#elif defined(PROBE_RELAY_CONFIG)
void f() {
    relay::parse_config("", "/");
}
#elif defined(PROBE_CATALOG)
void f() {
    core::legal::load_catalog("catalog");
}
#elif defined(PROBE_CHECK_INPUT)
void f(const core::legal::Catalog& c) {
    core::legal::parse_check_input("{}", c);
}
#elif defined(PROBE_PERSONNUMMER)
void f(const core::legal::Date& d) {
    core::legal::parse_personnummer("19121212-1212", d);
}
#elif defined(PROBE_HEADER)
void f() {
    wire::parse_mls_header(wire::ByteView());
}
#else
// The same calls with their results used.
int uses(relay::Storage& s, cert::TrustStore& t, const cert::v1::RevocationList& l,
         const cert::v1::OrganisationRoot& r, const core::legal::Catalog& c,
         const core::legal::Date& d) {
    int n = make_result().ok() ? 1 : 0;
    n += make_crypto_result().ok() ? 1 : 0;
    n += s.ack(crypto::ByteView(), 0).ok() ? 1 : 0;
    n += t.install_revocation_list(l).ok() ? 1 : 0;
    n += t.add_root(r).ok() ? 1 : 0;
    n += relay::parse_config("", "/").ok() ? 1 : 0;
    n += relay::load_config("relay.toml").ok() ? 1 : 0;
    n += core::legal::load_catalog("catalog").ok() ? 1 : 0;
    n += core::legal::parse_check_input("{}", c).ok() ? 1 : 0;
    n += core::legal::parse_personnummer("19121212-1212", d).ok() ? 1 : 0;
    n += wire::parse_mls_header(wire::ByteView()).ok() ? 1 : 0;
    return n;
}
#endif

}  // namespace probe
