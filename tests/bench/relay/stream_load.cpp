// stream_load: threads, RSS and idle CPU of a real lagrum-relay process holding many
// open, idle Subscribe streams (issue 15: the synchronous Subscribe held one server
// thread per stream). Not run in CI; tests/relay's SessionTest.IdleStreamsHoldNoThreads
// is the bounded (200-stream) variant.
//
//   stream_load [--relay PATH] [--streams N] [--per-device K] [--backend sqlite|postgres]
//
// --backend postgres runs the relay on PostgreSQL: the test fixture's server
// (tests/support/postgres_server.h; started here unless the ctest fixture's is running).
//
// Registers ceil(N / K) devices (K <= the relay's max_streams_per_device, 8 by default,
// so the same run works against a relay without that limit), opens N streams with the
// asynchronous client API (one completion queue, a channel per 500 streams), waits for
// every stream's initial metadata (authenticated and attached on the relay), lets the
// relay settle, then reads /proc/PID/status (Threads, VmRSS) and the CPU the relay used
// over 5 idle seconds; then cancels every stream and reads RSS again. Prints one JSON
// line.
#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>

namespace {
std::string g_relay_binary = LAGRUM_RELAY_DEFAULT_BINARY;
}
#define LAGRUM_RELAY_BINARY g_relay_binary
#include "relay_harness.h"

namespace {

using namespace lagrum;
using namespace lagrum::relaytest;

struct ProcStatus {
    long threads = -1;
    long rss_kib = -1;
};

ProcStatus proc_status(pid_t pid) {
    ProcStatus s;
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("Threads:", 0) == 0) s.threads = std::stol(line.substr(8));
        if (line.rfind("VmRSS:", 0) == 0) s.rss_kib = std::stol(line.substr(6));
    }
    return s;
}

// utime + stime of the process, in clock ticks.
long cpu_ticks(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string all;
    std::getline(in, all);  // one line
    const auto close = all.rfind(')');
    std::istringstream rest(all.substr(close + 2));
    std::string field;
    long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {
        if (i == 14) utime = std::stol(field);
        if (i == 15) stime = std::stol(field);
    }
    return utime + stime;
}

}  // namespace

int main(int argc, char** argv) {
    int streams = 1000;
    int per_device = 8;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--relay" && i + 1 < argc) {
            g_relay_binary = argv[++i];
        } else if (a == "--streams" && i + 1 < argc) {
            streams = std::atoi(argv[++i]);
        } else if (a == "--per-device" && i + 1 < argc) {
            per_device = std::atoi(argv[++i]);
        } else if (a == "--backend" && i + 1 < argc) {
            const std::string b = argv[++i];
            if (b != "sqlite" && b != "postgres") {
                std::cerr << "stream_load: --backend sqlite|postgres\n";
                return 2;
            }
            setenv("LAGRUM_RELAY_BACKEND", b.c_str(), 1);  // read by relay_harness.h
        } else {
            std::cerr << "usage: stream_load [--relay PATH] [--streams N] [--per-device K] "
                         "[--backend sqlite|postgres]\n";
            return 2;
        }
    }
    if (streams < 1 || per_device < 1) {
        std::cerr << "stream_load: --streams and --per-device must be positive\n";
        return 2;
    }
    TempDir tmp;
    Org org("load.example");
    RelayProcess relay(tmp.path(), "[limits]\nrate_per_second = 1000000\nrate_burst = 1000000\n" +
                                       org.trust_toml());
    relay.start();
    const pid_t pid = relay.pid();
    const ProcStatus idle = proc_status(pid);

    const int devices = (streams + per_device - 1) / per_device;
    std::vector<std::unique_ptr<Device>> devs;
    auto stub = relay.stub();
    const auto now = unix_now();
    for (int i = 0; i < devices; ++i) {
        auto d = std::make_unique<Device>();
        d->certificate =
            org.issue("m" + std::to_string(i), d->key.public_key, now - 60, now + 86400);
        auto st = register_device(*stub, *d);
        if (!st.ok()) {
            std::cerr << "stream_load: register: " << st.error_message() << "\n";
            return 1;
        }
        devs.push_back(std::move(d));
    }

    grpc::CompletionQueue cq;
    std::vector<std::unique_ptr<rv1::Relay::Stub>> stubs;
    std::vector<std::unique_ptr<grpc::ClientContext>> ctxs;
    std::vector<std::unique_ptr<grpc::ClientAsyncReader<rv1::Delivery>>> readers;
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < streams; ++i) {
        if (i % 500 == 0) stubs.push_back(relay.stub());
        ctxs.push_back(ctx_for(devs[static_cast<std::size_t>(i / per_device)].get(), 3600));
        readers.push_back(stubs.back()->AsyncSubscribe(ctxs.back().get(), {}, &cq,
                                                       reinterpret_cast<void*>(std::intptr_t{i})));
    }
    void* tag = nullptr;
    bool ok = false;
    int started = 0;
    while (started < streams && cq.Next(&tag, &ok)) started += ok ? 1 : 0;
    for (int i = 0; i < streams; ++i) {
        readers[static_cast<std::size_t>(i)]->ReadInitialMetadata(
            reinterpret_cast<void*>(std::intptr_t{streams + i}));
    }
    int attached = 0;
    while (attached < streams && cq.Next(&tag, &ok)) attached += ok ? 1 : 0;
    const double open_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (attached != streams) {
        std::cerr << "stream_load: only " << attached << " of " << streams << " streams opened\n";
    }
    std::this_thread::sleep_for(std::chrono::seconds(3));  // settle (a benchmark, not a test)
    const ProcStatus open = proc_status(pid);
    const long ticks0 = cpu_ticks(pid);
    std::this_thread::sleep_for(std::chrono::seconds(5));
    const double cpu_percent =
        100.0 * static_cast<double>(cpu_ticks(pid) - ticks0) / sysconf(_SC_CLK_TCK) / 5.0;

    for (auto& c : ctxs) c->TryCancel();
    std::vector<grpc::Status> statuses(static_cast<std::size_t>(streams));
    for (int i = 0; i < streams; ++i) {
        readers[static_cast<std::size_t>(i)]->Finish(
            &statuses[static_cast<std::size_t>(i)],
            reinterpret_cast<void*>(std::intptr_t{2 * streams + i}));
    }
    int finished = 0;
    while (finished < streams && cq.Next(&tag, &ok)) {
        if (reinterpret_cast<std::intptr_t>(tag) >= 2 * streams) ++finished;
    }
    std::this_thread::sleep_for(std::chrono::seconds(3));
    const ProcStatus closed = proc_status(pid);
    cq.Shutdown();
    while (cq.Next(&tag, &ok)) {
    }
    std::printf(
        "{\"relay\": \"%s\", \"backend\": \"%s\", \"streams\": %d, \"attached\": %d, \"devices\": "
        "%d, "
        "\"open_seconds\": %.2f, \"idle_threads\": %ld, \"idle_rss_kib\": %ld, "
        "\"threads\": %ld, \"rss_kib\": %ld, \"idle_cpu_percent\": %.1f, "
        "\"threads_after_cancel\": %ld, \"rss_kib_after_cancel\": %ld}\n",
        g_relay_binary.c_str(), postgres_backend() ? "postgresql" : "sqlite", streams, attached,
        devices, open_s, idle.threads, idle.rss_kib, open.threads, open.rss_kib, cpu_percent,
        closed.threads, closed.rss_kib);
    relay.stop();
    return attached == streams ? 0 : 1;
}
