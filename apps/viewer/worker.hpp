#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace tendo::viewer {

struct ViewerState;

/// Finished work waiting for the UI thread: closures that update the viewer state. Workers push,
/// the UI thread drains once at the start of every frame. Closures run on the UI thread only, so
/// they may touch the state (never ImGui or GL from a worker).
class ResultQueue {
public:
    using Result = std::function<void(ViewerState&)>;

    void push(Result result);
    /// Runs every queued result on the calling (UI) thread; returns how many ran.
    int drain(ViewerState& state);

private:
    std::mutex mutex_;
    std::deque<Result> results_;
};

/// One background thread running jobs in order (urgent jobs first). Jobs never touch the viewer
/// state directly: they compute from the values they captured and push a Result.
class Worker {
public:
    using Job = std::function<void()>;

    Worker();
    ~Worker();
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;

    void post(Job job);
    /// Runs before every job posted with post().
    void post_urgent(Job job);
    /// Jobs queued or running.
    int pending() const;

private:
    void run();

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Job> jobs_;
    int running_ = 0;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace tendo::viewer
