// Where the app finds the provision catalog and the profile, the same rules as the CLI
// (client/cli: --catalog/--profile, then the environment, then beside the binary).
#pragma once

#include <filesystem>
#include <string>

namespace lagrum::app {

// $LAGRUM_CATALOG, else ../share/lagrum/provisions beside the binary, else the build tree.
std::filesystem::path catalog_dir();
// `flag` if given, then $LAGRUM_PROFILE, then $HOME/.local/share/lagrum/profile; empty
// when none of them is set.
std::filesystem::path profile_dir(const std::string& flag);

}  // namespace lagrum::app
