// postgres_server_ctl start|stop DIR: the ctest fixture that runs one PostgreSQL server
// for the whole test run (tests/support/CMakeLists.txt); tests find it through
// LAGRUM_TEST_POSTGRES=DIR. Without the PostgreSQL binaries `start` says so and exits 0:
// the PostgreSQL variants then skip with that message.
#include <cstdio>
#include <exception>
#include <string>

#include "lagrum/testing/postgres_server.h"

int main(int argc, char** argv) {
    if (argc != 3 || (std::string(argv[1]) != "start" && std::string(argv[1]) != "stop")) {
        std::fprintf(stderr, "usage: postgres_server_ctl start|stop DIR\n");
        return 2;
    }
    try {
        if (std::string(argv[1]) == "start") {
            if (lagrum::testing::postgres_bin_dir().empty()) {
                std::printf("PostgreSQL binaries not installed: PostgreSQL tests will skip\n");
                return 0;
            }
            lagrum::testing::PostgresServer::start_in(argv[2]);
            std::printf("PostgreSQL test server running in %s\n", argv[2]);
        } else {
            lagrum::testing::PostgresServer::stop_in(argv[2]);
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "postgres_server_ctl: %s\n", e.what());
        return 1;
    }
    return 0;
}
