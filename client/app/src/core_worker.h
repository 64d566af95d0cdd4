// The one thread that touches the messenger. lagrum_core's Client is not shared between
// threads, and its slow calls (Argon2id at unlock, sync with the relay, send) must never
// run on the GUI thread, so every core call is a job queued here, in order, and its result
// is posted back to the GUI thread by the caller's job.
#pragma once

#include <QObject>
#include <QThread>
#include <functional>
#include <memory>

#include "lagrum/core/legal/catalog.h"
#include "lagrum/core/messaging/client.h"

namespace lagrum::app {

class CoreWorker {
  public:
    explicit CoreWorker(const core::legal::Catalog& catalog);
    ~CoreWorker();  // runs the queued jobs, closes the profile, then stops the thread
    CoreWorker(const CoreWorker&) = delete;
    CoreWorker& operator=(const CoreWorker&) = delete;

    // Queues `job` on the worker thread. Inside the job, client() and catalog() may be used.
    void post(std::function<void(CoreWorker&)> job);

    // Worker thread only.
    core::messaging::Client* client() { return client_.get(); }
    void set_client(std::unique_ptr<core::messaging::Client> c) { client_ = std::move(c); }
    const core::legal::Catalog& catalog() const { return catalog_; }

  private:
    const core::legal::Catalog& catalog_;
    QThread thread_;
    QObject* context_ = nullptr;  // lives on thread_; jobs are queued to it
    std::unique_ptr<core::messaging::Client> client_;
};

}  // namespace lagrum::app
