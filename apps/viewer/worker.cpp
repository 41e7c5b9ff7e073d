#include "worker.hpp"

#include <utility>

namespace tendo::viewer {

void ResultQueue::push(Result result) {
    std::lock_guard<std::mutex> lock(mutex_);
    results_.push_back(std::move(result));
}

int ResultQueue::drain(ViewerState& state) {
    std::deque<Result> ready;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        ready.swap(results_);
    }
    for (Result& result : ready)
        result(state);
    return static_cast<int>(ready.size());
}

Worker::Worker() : thread_([this] { run(); }) {}

Worker::~Worker() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
        jobs_.clear();
    }
    wake_.notify_all();
    thread_.join();
}

void Worker::post(Job job) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        jobs_.push_back(std::move(job));
    }
    wake_.notify_one();
}

void Worker::post_urgent(Job job) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        jobs_.push_front(std::move(job));
    }
    wake_.notify_one();
}

int Worker::pending() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return static_cast<int>(jobs_.size()) + running_;
}

void Worker::run() {
    for (;;) {
        Job job;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
            if (stopping_)
                return;
            job = std::move(jobs_.front());
            jobs_.pop_front();
            ++running_;
        }
        job();
        {
            std::lock_guard<std::mutex> lock(mutex_);
            --running_;
        }
    }
}

} // namespace tendo::viewer
