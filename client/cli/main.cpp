// lagrum: the command line over lagrum_core.
//
//   lagrum [--catalog DIR] check --json FILE|-
//   lagrum [--catalog DIR] provisions list|show ...
//   lagrum org init|issue|revoke ...
//   lagrum [--profile DIR] init | cert import | passwd | revocation import ...
//   lagrum [--profile DIR] room create|add|remove|list ...
//   lagrum [--profile DIR] send | sync | daemon | inbox | outbox ...
//   lagrum [--profile DIR] verify ORG/MEMBER
//   lagrum [--profile DIR] meeting create|list|show|agenda|open|share|decide|close|minutes
//   lagrum [--profile DIR] handover --subject PNR --to ORG/MEMBER | handover verify|list
//   lagrum --help | --version
//
// docs/cli.md walks through them; cli.h lists the exit codes.
#include <exception>
#include <iostream>
#include <new>
#include <string>
#include <vector>

#include "cli.h"

namespace {

constexpr const char* kUsage =
    "usage: lagrum [--catalog DIR] [--profile DIR] COMMAND ...\n"
    "       lagrum --help | --version\n"
    "commands: check, provisions, org, init, cert, passwd, revocation, room, send,\n"
    "          sync, daemon, inbox, outbox, verify, handover (lagrum COMMAND --help)\n";

int usage() {
    std::cerr << kUsage;
    return lagrum::cli::kExitUsage;
}

// `lagrum --help` is a request, not a mistake: CLI11's overview plus the two commands
// that parse their own arguments, on stdout, exit 0.
int help(const CLI::App& app) {
    std::cout << app.help()
              << "  check                       the legal check alone: lagrum check --json "
                 "FILE|-\n"
                 "  provisions                  the provision catalog: lagrum provisions "
                 "list|show ID\n\n"
                 "lagrum --version prints the version. docs/cli.md walks through every "
                 "command.\n"
                 "Exit codes: 0 done, 1 error, 2 bad input, 3 refused by the legal check, "
                 "64 usage.\n";
    return lagrum::cli::kExitOk;
}

int run(int argc, char** argv) {
    using namespace lagrum::cli;
    Context ctx;
    // The global options may come before the command; find the command word.
    std::vector<std::string> words(argv + 1, argv + argc);
    std::size_t i = 0;
    while (i < words.size()) {
        if ((words[i] == "--catalog" || words[i] == "--profile") && i + 1 < words.size()) {
            (words[i] == "--catalog" ? ctx.catalog_flag : ctx.profile_flag) = words[i + 1];
            i += 2;
        } else if (words[i].rfind("--catalog=", 0) == 0) {
            ctx.catalog_flag = words[i].substr(10);
            ++i;
        } else if (words[i].rfind("--profile=", 0) == 0) {
            ctx.profile_flag = words[i].substr(10);
            ++i;
        } else {
            break;
        }
    }
    if (i >= words.size()) return usage();
    const std::string& command = words[i];
    if (command == "--version") {
        std::cout << "lagrum " LAGRUM_VERSION "\n";
        return kExitOk;
    }
    if (command == "check" || command == "provisions") {
        return guarded([&] {
            return run_legal_command(
                ctx.catalog_flag,
                std::vector<std::string>(words.begin() + static_cast<long>(i), words.end()));
        });
    }

    CLI::App app{"lagrum: provision-checked, end-to-end encrypted messages", "lagrum"};
    app.require_subcommand(1);
    app.add_option("--catalog", ctx.catalog_flag, "provision catalog folder");
    app.add_option("--profile", ctx.profile_flag, "profile folder (or LAGRUM_PROFILE)");
    add_org_commands(app, ctx);
    add_profile_commands(app, ctx);
    add_room_commands(app, ctx);
    add_message_commands(app, ctx);
    add_verify_commands(app, ctx);
    add_consent_commands(app, ctx);
    add_log_commands(app, ctx);
    add_meeting_commands(app, ctx);
    add_handover_commands(app, ctx);
    if (command == "--help" || command == "-h") return help(app);
    bool known = false;
    for (const auto* sub : app.get_subcommands({})) {
        if (sub->get_name() == command) known = true;
    }
    if (!known) {
        std::cerr << "lagrum: unknown command \"" << command << "\"\n";
        return usage();
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        // One line, exit 2: bad input, as every other input error.
        std::cerr << "lagrum: " << e.what() << " (lagrum " << command << " --help)\n";
        return kExitInput;
    }
    if (!ctx.run) return usage();
    return guarded(ctx.run);
}

}  // namespace

int main(int argc, char** argv) {
    // Last line of defence: whatever escapes (a throwing filesystem call, CLI11 while
    // building the parser, an allocation) becomes one line and exit 1, never an abort.
    try {
        return run(argc, argv);
    } catch (const std::bad_alloc&) {
        std::cerr << "lagrum: out of memory\n";
    } catch (const std::exception& e) {
        std::cerr << "lagrum: internal error: " << e.what() << "\n";
    } catch (...) {
        std::cerr << "lagrum: internal error\n";
    }
    return lagrum::cli::kExitError;
}
