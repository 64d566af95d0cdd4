#include "core_worker.h"

#include <QMetaObject>

namespace lagrum::app {

CoreWorker::CoreWorker(const core::legal::Catalog& catalog) : catalog_(catalog) {
    thread_.setObjectName(QStringLiteral("lagrum-core"));
    context_ = new QObject;
    context_->moveToThread(&thread_);
    thread_.start();
}

CoreWorker::~CoreWorker() {
    // The client is closed on the thread that used it, after the jobs already queued.
    post([](CoreWorker& w) { w.client_.reset(); });
    QMetaObject::invokeMethod(
        context_, [this] { thread_.quit(); }, Qt::QueuedConnection);
    thread_.wait();
    delete context_;  // its thread has ended: no event loop left to deleteLater on
}

void CoreWorker::post(std::function<void(CoreWorker&)> job) {
    QMetaObject::invokeMethod(
        context_, [this, job = std::move(job)] { job(*this); }, Qt::QueuedConnection);
}

}  // namespace lagrum::app
