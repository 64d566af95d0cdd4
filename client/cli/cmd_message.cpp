#include "cli.h"

namespace lagrum::cli {

void add_message_commands(CLI::App& app, Context& ctx) {
    (void)app;
    (void)ctx;
}

}  // namespace lagrum::cli
