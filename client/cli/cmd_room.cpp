// lagrum room create | add | remove | list: rooms over MLS groups.
#include <iostream>

#include "cli.h"
#include "lagrum/core/messaging/render.h"

namespace lagrum::cli {

namespace {

// "a/b,c/d" and repeated arguments both work.
std::vector<std::string> split_members(const std::vector<std::string>& args) {
    std::vector<std::string> out;
    for (const auto& a : args) {
        std::size_t p = 0;
        while (p <= a.size()) {
            auto q = a.find(',', p);
            if (q == std::string::npos) q = a.size();
            if (q > p) out.push_back(a.substr(p, q - p));
            p = q + 1;
        }
    }
    return out;
}

}  // namespace

void add_room_commands(CLI::App& app, Context& ctx) {
    auto* room = app.add_subcommand("room", "rooms (MLS groups) shared by name");
    room->require_subcommand(1);
    {
        auto* cmd = room->add_subcommand("create", "create a room, optionally with members");
        auto name = std::make_shared<std::string>();
        auto members = std::make_shared<std::vector<std::string>>();
        auto json = std::make_shared<bool>(false);
        cmd->add_option("NAME", *name, "the room's shared name")->required();
        cmd->add_option("--members", *members, "ORG/MEMBER,... to add");
        cmd->add_flag("--json", *json, "print the room as JSON");
        cmd->callback([&ctx, name, members, json] {
            ctx.run = [&ctx, name, members, json] {
                auto client = ctx.open_client();
                auto r = client->create_room(*name, split_members(*members));
                std::cout << (*json ? core::messaging::room_json(r) + "\n"
                                    : core::messaging::rooms_text({r}));
                return kExitOk;
            };
        });
    }
    for (const char* verb : {"add", "remove"}) {
        const bool adding = std::string(verb) == "add";
        auto* cmd = room->add_subcommand(verb, adding ? "add members (all their devices)"
                                                      : "remove members (all their devices)");
        auto name = std::make_shared<std::string>();
        auto members = std::make_shared<std::vector<std::string>>();
        auto json = std::make_shared<bool>(false);
        cmd->add_option("NAME", *name, "room name")->required();
        cmd->add_option("MEMBERS", *members, "ORG/MEMBER ...")->required();
        cmd->add_flag("--json", *json, "print the room as JSON");
        cmd->callback([&ctx, name, members, json, adding] {
            ctx.run = [&ctx, name, members, json, adding] {
                auto client = ctx.open_client();
                const auto list = split_members(*members);
                auto r =
                    adding ? client->add_members(*name, list) : client->remove_members(*name, list);
                std::cout << (*json ? core::messaging::room_json(r) + "\n"
                                    : core::messaging::rooms_text({r}));
                return kExitOk;
            };
        });
    }
    {
        auto* cmd = room->add_subcommand("list", "rooms on this device");
        auto json = std::make_shared<bool>(false);
        cmd->add_flag("--json", *json, "JSON array");
        cmd->callback([&ctx, json] {
            ctx.run = [&ctx, json] {
                auto client = ctx.open_client_offline();
                const auto rooms = client->rooms();
                std::cout << (*json ? core::messaging::rooms_json(rooms) + "\n"
                                    : core::messaging::rooms_text(rooms));
                return kExitOk;
            };
        });
    }
}

}  // namespace lagrum::cli
