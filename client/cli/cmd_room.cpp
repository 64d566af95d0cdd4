#include "cli.h"

namespace lagrum::cli {

void add_room_commands(CLI::App& app, Context& ctx) {
    (void)app;
    (void)ctx;
}

}  // namespace lagrum::cli
