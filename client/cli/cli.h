// Shared pieces of the `lagrum` command line. Each command group lives in its own file
// (cmd_*.cpp) and registers its CLI11 subcommands here; the work itself is in
// lagrum_core, and text/JSON rendering sits beside what it renders.
//
// Exit codes (every command):
//   0  done            1  operational error (wrong passphrase, relay refused, ...)
//   2  bad input       3  the legal check refused the message (`send`)
//   4  verification failed (`log verify`, reserved)     64 usage (no or unknown command)
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lagrum/core/error.h"
#include "lagrum/core/legal/catalog.h"
#include "lagrum/core/messaging/client.h"

namespace lagrum::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;
inline constexpr int kExitInput = 2;
inline constexpr int kExitRefused = 3;
inline constexpr int kExitVerify = 4;
inline constexpr int kExitUsage = 64;

// --catalog DIR, then $LAGRUM_CATALOG, then beside the binary, then the build tree.
std::filesystem::path catalog_dir(const std::string& flag);
// check / provisions (cmd_legal.cpp), with their own argument handling.
int run_legal_command(const std::string& catalog_flag, const std::vector<std::string>& args);

struct Context {
    std::string catalog_flag;
    std::string profile_flag;
    // Set by the callback of the subcommand that was parsed; main runs it.
    std::function<int()> run;

    // --profile, then $LAGRUM_PROFILE, then $HOME/.local/share/lagrum/profile.
    std::filesystem::path profile_dir() const;
    // $LAGRUM_PASSPHRASE, else a prompt on the terminal without echo (twice if confirm).
    // Throws core::Error(bad_input) with no terminal and no variable, or on a mismatch.
    std::string passphrase(const std::string& prompt, bool confirm = false) const;
    // $LAGRUM_NEW_PASSPHRASE, else a confirmed prompt (`passwd`).
    std::string new_passphrase() const;

    const core::legal::Catalog& catalog();
    // Opens the profile (asking for the passphrase) with the gRPC transport attached.
    std::unique_ptr<core::messaging::Client> open_client();
    // The same without a transport (LAGRUM_PASSPHRASE or the prompt still apply).
    std::unique_ptr<core::messaging::Client> open_client_offline();

  private:
    std::optional<core::legal::Catalog> catalog_;
};

// One line on stderr ("lagrum: <message>") and the exit code for `e`.
int report(const core::Error& e);
// Runs `body`, turning core::Error (and any stray exception) into report().
int guarded(const std::function<int()>& body);

// Text helpers shared by the command files.
crypto::Bytes unhex(const std::string& text);                   // throws Error(bad_input)
std::string read_text_file(const std::filesystem::path& file);  // throws io_error
void write_file_atomic(const std::filesystem::path& file, const std::string& data);
std::string iso_time(std::int64_t unix_seconds);  // 2026-12-06T10:15:00Z

void add_org_commands(CLI::App& app, Context& ctx);  // cmd_org.cpp
void add_profile_commands(CLI::App& app,
                          Context& ctx);  // cmd_profile.cpp: init, cert, passwd, revocation
void add_room_commands(CLI::App& app, Context& ctx);  // cmd_room.cpp
void add_message_commands(CLI::App& app,
                          Context& ctx);  // cmd_message.cpp: send, sync, daemon, inbox, outbox
void add_verify_commands(CLI::App& app, Context& ctx);   // cmd_verify.cpp
void add_consent_commands(CLI::App& app, Context& ctx);  // cmd_consent.cpp: consent, case
void add_log_commands(CLI::App& app, Context& ctx);      // cmd_log.cpp: log verify|export
void add_meeting_commands(CLI::App& app, Context& ctx);  // cmd_meeting.cpp: meeting ...
void add_handover_commands(CLI::App& app,
                           Context& ctx);  // cmd_handover.cpp: handover, handover verify|list

}  // namespace lagrum::cli
