// The passphrase-wrapped key file (profile_key.h).
//
// Layout (all integers big-endian):
//
//   offset  size  field
//        0     8  magic "LGRMKEY1"
//        8     2  version (1)
//       10     8  Argon2id opslimit
//       18     8  Argon2id memlimit (bytes)
//       26    16  salt
//       42    24  XChaCha20-Poly1305 nonce
//       66     4  ciphertext length (secret + 16-byte tag)
//       70     n  ciphertext
//
//   ad = purpose || 0x00 || bytes 0..42 (magic, version, parameters, salt)
//
// Binding the header into the associated data means a file whose parameters or salt
// were edited does not open (an attacker cannot lower the Argon2 cost of a stolen file
// to speed up guessing and still have it accepted), and binding the purpose keeps a
// wrapped organisation root from opening as a profile key.
#include "lagrum/core/store/profile_key.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <string>

#include "lagrum/crypto/aead.h"
#include "lagrum/crypto/random.h"

namespace lagrum::core::store {

namespace fs = std::filesystem;
using crypto::Bytes;
using crypto::ByteView;
using crypto::SecretBytes;

namespace {

constexpr std::string_view kProfilePurpose = "lagrum.profile-key.v1";
constexpr std::array<std::uint8_t, 8> kMagic = {'L', 'G', 'R', 'M', 'K', 'E', 'Y', '1'};
constexpr std::uint16_t kVersion = 1;
constexpr std::size_t kDbKeySize = 32;

constexpr std::size_t kParamsOffset = 10;
constexpr std::size_t kSaltOffset = 26;
constexpr std::size_t kNonceOffset = kSaltOffset + crypto::kArgon2SaltSize;                  // 42
constexpr std::size_t kLengthOffset = kNonceOffset + crypto::XChaCha20Poly1305::kNonceSize;  // 66
constexpr std::size_t kHeaderSize = kLengthOffset + 4;                                       // 70

// Wrapped secrets are keys and seeds: small. The bound keeps a hostile file from making
// us allocate or decrypt much before we know it is ours.
constexpr std::size_t kMaxSecretSize = 1024;
constexpr std::size_t kMaxCiphertext = kMaxSecretSize + crypto::XChaCha20Poly1305::kTagSize;
constexpr std::size_t kMaxFileSize = kHeaderSize + kMaxCiphertext;

// Parameters we accept from a file. Anything outside is treated as damage, not obeyed:
// a file asking for 1 TiB of memory or a million passes would otherwise be a denial of
// service at every unlock.
constexpr unsigned long long kMinOps = 1;
constexpr unsigned long long kMaxOps = 64;
constexpr std::uint64_t kMinMem = 8u * 1024;
constexpr std::uint64_t kMaxMem = 4ull * 1024 * 1024 * 1024;

void put_u64(Bytes& out, std::uint64_t v) {
    for (int shift = 56; shift >= 0; shift -= 8)
        out.push_back(static_cast<std::uint8_t>(v >> shift));
}
std::uint64_t get_u64(ByteView in, std::size_t at) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < 8; ++i) v = v << 8 | in[at + i];
    return v;
}

bool params_sane(std::uint64_t ops, std::uint64_t mem) {
    return ops >= kMinOps && ops <= kMaxOps && mem >= kMinMem && mem <= kMaxMem;
}

void check_params(const crypto::Argon2Params& params) {
    if (!params_sane(params.opslimit, params.memlimit)) {
        throw Error(Errc::bad_input, "Argon2id parameters out of range");
    }
}

Bytes associated_data(std::string_view purpose, ByteView header_and_salt) {
    Bytes ad(purpose.begin(), purpose.end());
    ad.push_back(0);
    ad.insert(ad.end(), header_and_salt.begin(), header_and_salt.end());
    return ad;
}

SecretBytes derive(std::string_view passphrase, ByteView salt, const crypto::Argon2Params& params) {
    auto key =
        crypto::argon2id_derive(passphrase, salt, crypto::XChaCha20Poly1305::kKeySize, params);
    if (!key) {
        throw Error(Errc::internal, "key derivation failed: " + key.error().message);
    }
    return std::move(key).value();
}

Bytes wrap(const SecretBytes& secret, std::string_view passphrase,
           const crypto::Argon2Params& params, std::string_view purpose) {
    if (secret.empty() || secret.size() > kMaxSecretSize) {
        throw Error(Errc::internal, "secret to wrap has an unsupported size");
    }
    if (passphrase.empty()) throw Error(Errc::bad_input, "the passphrase is empty");
    check_params(params);

    Bytes file(kMagic.begin(), kMagic.end());
    file.push_back(static_cast<std::uint8_t>(kVersion >> 8));
    file.push_back(static_cast<std::uint8_t>(kVersion & 0xff));
    put_u64(file, params.opslimit);
    put_u64(file, params.memlimit);
    const Bytes salt = crypto::random_bytes(crypto::kArgon2SaltSize);
    file.insert(file.end(), salt.begin(), salt.end());
    const Bytes ad = associated_data(purpose, file);
    // A fresh random 192-bit nonce under a fresh key (new salt): never reused.
    const Bytes nonce = crypto::random_bytes(crypto::XChaCha20Poly1305::kNonceSize);
    file.insert(file.end(), nonce.begin(), nonce.end());

    const SecretBytes key = derive(passphrase, salt, params);
    auto sealed = crypto::XChaCha20Poly1305::seal(key, nonce, ad, secret);
    if (!sealed) throw Error(Errc::internal, "wrapping failed: " + sealed.error().message);
    const auto n = static_cast<std::uint32_t>(sealed->size());
    for (int shift = 24; shift >= 0; shift -= 8)
        file.push_back(static_cast<std::uint8_t>(n >> shift));
    file.insert(file.end(), sealed->begin(), sealed->end());
    return file;
}

// Reads at most kMaxFileSize + 1 bytes: enough to tell "too large" without reading it all.
Bytes read_key_file(const fs::path& file) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) throw Error(Errc::no_profile, "no key file at " + file.string());
        throw Error(Errc::io_error, "cannot read " + file.string() + ": " + std::strerror(errno));
    }
    Bytes data(kMaxFileSize + 1);
    std::size_t got = 0;
    while (got < data.size()) {
        const ssize_t n = ::read(fd, data.data() + got, data.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            const int saved = errno;
            ::close(fd);
            throw Error(Errc::io_error,
                        "cannot read " + file.string() + ": " + std::strerror(saved));
        }
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
    }
    ::close(fd);
    data.resize(got);
    return data;
}

SecretBytes unwrap(ByteView file, std::string_view passphrase, std::string_view purpose,
                   crypto::Argon2Params* params_out) {
    const auto corrupt = [](const std::string& why) {
        return Error(Errc::corrupt_store, "the key file is damaged or not a Lagrum key: " + why);
    };
    if (file.size() < kHeaderSize) throw corrupt("too short");
    if (file.size() > kMaxFileSize) throw corrupt("too large");
    if (!std::equal(kMagic.begin(), kMagic.end(), file.begin())) throw corrupt("bad magic");
    const std::uint16_t version = static_cast<std::uint16_t>(file[8] << 8 | file[9]);
    if (version != kVersion) throw corrupt("unsupported version " + std::to_string(version));
    const std::uint64_t ops = get_u64(file, kParamsOffset);
    const std::uint64_t mem = get_u64(file, kParamsOffset + 8);
    if (!params_sane(ops, mem)) throw corrupt("Argon2id parameters out of range");
    const std::uint32_t n = static_cast<std::uint32_t>(file[kLengthOffset]) << 24 |
                            static_cast<std::uint32_t>(file[kLengthOffset + 1]) << 16 |
                            static_cast<std::uint32_t>(file[kLengthOffset + 2]) << 8 |
                            static_cast<std::uint32_t>(file[kLengthOffset + 3]);
    if (n <= crypto::XChaCha20Poly1305::kTagSize || n > kMaxCiphertext ||
        file.size() != kHeaderSize + n) {
        throw corrupt("bad length");
    }

    const crypto::Argon2Params params{ops, static_cast<std::size_t>(mem)};
    const ByteView salt = file.subspan(kSaltOffset, crypto::kArgon2SaltSize);
    const ByteView nonce = file.subspan(kNonceOffset, crypto::XChaCha20Poly1305::kNonceSize);
    const Bytes ad = associated_data(purpose, file.first(kNonceOffset));
    const SecretBytes key = derive(passphrase, salt, params);
    auto opened = crypto::XChaCha20Poly1305::open(key, nonce, ad, file.subspan(kHeaderSize, n));
    if (!opened) {
        // Wrong passphrase and a tampered file are indistinguishable by design.
        throw Error(Errc::wrong_passphrase, "wrong passphrase (or the key file was altered)");
    }
    if (params_out != nullptr) *params_out = params;
    return SecretBytes::take(std::move(opened).value());
}

void write_all(int fd, const Bytes& data, const fs::path& file) {
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw Error(Errc::io_error, "cannot write " + file.string());
        done += static_cast<std::size_t>(n);
    }
}

void fsync_dir(const fs::path& dir) {
    const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;  // best effort: the rename itself already happened
    ::fsync(fd);
    ::close(fd);
}

// Writes `data` to a temporary file beside `file` (mode 0600), fsyncs it, then either
// renames it over `file` (replace) or hard-links it into place, which fails if `file`
// exists (create): a crash leaves the old file or the new one, never half of either.
void install_file(const fs::path& file, const Bytes& data, bool replace) {
    const fs::path tmp = file.string() + ".tmp";
    ::unlink(tmp.c_str());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        throw Error(Errc::io_error, "cannot write " + tmp.string() + ": " + std::strerror(errno));
    }
    try {
        write_all(fd, data, tmp);
        if (::fsync(fd) != 0) throw Error(Errc::io_error, "cannot sync " + tmp.string());
    } catch (...) {
        ::close(fd);
        ::unlink(tmp.c_str());
        throw;
    }
    ::close(fd);
    if (replace) {
        if (::rename(tmp.c_str(), file.c_str()) != 0) {
            const int saved = errno;
            ::unlink(tmp.c_str());
            throw Error(Errc::io_error,
                        "cannot replace " + file.string() + ": " + std::strerror(saved));
        }
    } else {
        const int rc = ::link(tmp.c_str(), file.c_str());
        const int saved = errno;
        ::unlink(tmp.c_str());
        if (rc != 0 && saved == EEXIST) {
            throw Error(Errc::profile_exists, file.string() + " already exists");
        }
        if (rc != 0) {
            throw Error(Errc::io_error,
                        "cannot create " + file.string() + ": " + std::strerror(saved));
        }
    }
    fsync_dir(file.parent_path());
}

}  // namespace

crypto::Argon2Params default_kdf_params() {
    return crypto::kArgon2Store;
}

SecretBytes create_profile_key(const fs::path& file, std::string_view passphrase,
                               const crypto::Argon2Params& params) {
    std::error_code ec;
    if (fs::exists(file, ec)) throw Error(Errc::profile_exists, file.string() + " already exists");
    SecretBytes key = crypto::random_secret(kDbKeySize);
    install_file(file, wrap(key, passphrase, params, kProfilePurpose), /*replace=*/false);
    return key;
}

SecretBytes open_profile_key(const fs::path& file, std::string_view passphrase) {
    SecretBytes key = unwrap(read_key_file(file), passphrase, kProfilePurpose, nullptr);
    if (key.size() != kDbKeySize) {
        throw Error(Errc::corrupt_store, "the profile key has the wrong size");
    }
    return key;
}

void change_profile_passphrase(const fs::path& file, std::string_view old_passphrase,
                               std::string_view new_passphrase,
                               const crypto::Argon2Params* params) {
    crypto::Argon2Params current{};
    const SecretBytes key = unwrap(read_key_file(file), old_passphrase, kProfilePurpose, &current);
    if (key.size() != kDbKeySize) {
        throw Error(Errc::corrupt_store, "the profile key has the wrong size");
    }
    install_file(file,
                 wrap(key, new_passphrase, params != nullptr ? *params : current, kProfilePurpose),
                 /*replace=*/true);
}

void write_wrapped_secret(const fs::path& file, const SecretBytes& secret,
                          std::string_view passphrase, const crypto::Argon2Params& params,
                          std::string_view purpose) {
    install_file(file, wrap(secret, passphrase, params, purpose), /*replace=*/true);
}

SecretBytes read_wrapped_secret(const fs::path& file, std::string_view passphrase,
                                std::string_view purpose) {
    return unwrap(read_key_file(file), passphrase, purpose, nullptr);
}

}  // namespace lagrum::core::store
