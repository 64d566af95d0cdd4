// Context and the small helpers every command file shares.
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli.h"
#include "lagrum/core/messaging/render.h"
#include "lagrum/transport/grpc_transport.h"

namespace lagrum::cli {

namespace fs = std::filesystem;

fs::path Context::profile_dir() const {
    if (!profile_flag.empty()) return profile_flag;
    if (const char* env = std::getenv("LAGRUM_PROFILE"); env != nullptr && *env != '\0') return env;
    if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
        return fs::path(home) / ".local" / "share" / "lagrum" / "profile";
    }
    throw core::Error(core::Errc::bad_input,
                      "no profile: give --profile DIR or set LAGRUM_PROFILE");
}

namespace {

// Reads one line from the terminal with echo off. Throws when there is no terminal.
std::string read_tty_secret(const std::string& prompt) {
    FILE* tty = std::fopen("/dev/tty", "r+");
    if (tty == nullptr) {
        throw core::Error(core::Errc::bad_input,
                          "no terminal to ask for the passphrase: set LAGRUM_PASSPHRASE");
    }
    const int fd = fileno(tty);
    termios old{};
    const bool have_termios = tcgetattr(fd, &old) == 0;
    if (have_termios) {
        termios quiet = old;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(fd, TCSAFLUSH, &quiet);
    }
    std::fputs(prompt.c_str(), tty);
    std::fflush(tty);
    std::string line;
    for (int c = std::fgetc(tty); c != EOF && c != '\n'; c = std::fgetc(tty)) {
        line.push_back(static_cast<char>(c));
    }
    if (have_termios) tcsetattr(fd, TCSAFLUSH, &old);
    std::fputs("\n", tty);
    std::fclose(tty);
    return line;
}

}  // namespace

std::string Context::passphrase(const std::string& prompt, bool confirm) const {
    if (const char* env = std::getenv("LAGRUM_PASSPHRASE"); env != nullptr) {
        if (*env == '\0') throw core::Error(core::Errc::bad_input, "LAGRUM_PASSPHRASE is empty");
        return env;
    }
    std::string first = read_tty_secret(prompt);
    if (first.empty()) throw core::Error(core::Errc::bad_input, "the passphrase is empty");
    if (confirm && read_tty_secret("Repeat / Upprepa: ") != first) {
        throw core::Error(core::Errc::bad_input, "the passphrases differ");
    }
    return first;
}

std::string Context::new_passphrase() const {
    if (const char* env = std::getenv("LAGRUM_NEW_PASSPHRASE"); env != nullptr) {
        if (*env == '\0') {
            throw core::Error(core::Errc::bad_input, "LAGRUM_NEW_PASSPHRASE is empty");
        }
        return env;
    }
    std::string first = read_tty_secret("New passphrase / Ny lösenfras: ");
    if (first.empty()) throw core::Error(core::Errc::bad_input, "the passphrase is empty");
    if (read_tty_secret("Repeat / Upprepa: ") != first) {
        throw core::Error(core::Errc::bad_input, "the passphrases differ");
    }
    return first;
}

const core::legal::Catalog& Context::catalog() {
    if (!catalog_) {
        auto loaded = core::legal::load_catalog(catalog_dir(catalog_flag));
        if (auto* e = std::get_if<core::legal::CatalogError>(&loaded)) {
            throw core::Error(core::Errc::io_error, "catalog error: " + e->to_string());
        }
        catalog_.emplace(std::move(std::get<core::legal::Catalog>(loaded)));
    }
    return *catalog_;
}

std::unique_ptr<core::messaging::Client> Context::open_client() {
    const auto dir = profile_dir();
    const auto& cat = catalog();
    auto client = core::messaging::Client::open(dir, passphrase("Passphrase / Lösenfras: "), cat);
    client->set_transport_factory([](const std::string& address, const std::string& ca_pem) {
        return transport::make_grpc_transport(address, ca_pem);
    });
    return client;
}

std::unique_ptr<core::messaging::Client> Context::open_client_offline() {
    return core::messaging::Client::open(profile_dir(), passphrase("Passphrase / Lösenfras: "),
                                         catalog());
}

int report(const core::Error& e) {
    std::cerr << "lagrum: " << e.what() << "\n";
    return e.code() == core::Errc::bad_input ? kExitInput : kExitError;
}

int guarded(const std::function<int()>& body) {
    try {
        return body();
    } catch (const core::Error& e) {
        return report(e);
    } catch (const std::bad_alloc&) {
        std::cerr << "lagrum: out of memory\n";
        return kExitError;
    } catch (const std::exception& e) {
        std::cerr << "lagrum: internal error: " << e.what() << "\n";
        return kExitError;
    }
}

crypto::Bytes unhex(const std::string& text) {
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    if (text.size() % 2 != 0) throw core::Error(core::Errc::bad_input, "odd number of hex digits");
    crypto::Bytes out(text.size() / 2);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const int hi = nibble(text[2 * i]), lo = nibble(text[2 * i + 1]);
        if (hi < 0 || lo < 0) throw core::Error(core::Errc::bad_input, "not a hex string");
        out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
    }
    return out;
}

std::string read_text_file(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw core::Error(core::Errc::io_error, "cannot read " + file.string());
    std::ostringstream os;
    os << in.rdbuf();
    if (in.bad()) throw core::Error(core::Errc::io_error, "cannot read " + file.string());
    return os.str();
}

void write_file_atomic(const fs::path& file, const std::string& data) {
    const fs::path tmp = file.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw core::Error(core::Errc::io_error, "cannot write " + file.string());
        out << data;
        out.flush();
        if (!out) throw core::Error(core::Errc::io_error, "cannot write " + file.string());
    }
    std::error_code ec;
    fs::rename(tmp, file, ec);
    if (ec) throw core::Error(core::Errc::io_error, "cannot write " + file.string());
}

std::string iso_time(std::int64_t unix_seconds) {
    return core::messaging::iso8601(unix_seconds);
}

}  // namespace lagrum::cli
