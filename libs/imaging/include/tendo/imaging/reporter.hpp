#pragma once

#include <cstddef>
#include <string>

namespace tendo {

/// The one way libraries talk to the user: the application supplies the sink (a progress bar on a
/// terminal, a status line in the viewer, a recording sink in tests). Libraries never print.
/// Implementations must be safe to call from the thread doing the work.
class Reporter {
public:
    virtual ~Reporter() = default;

    /// `done` of `total` units of work finished.
    virtual void progress(std::size_t /*done*/, std::size_t /*total*/) {}

    /// Something the user should know that does not stop the work; names the file first.
    virtual void warning(const std::string& /*message*/) {}

    /// Polled by long-running work; true asks it to stop early.
    virtual bool cancelled() const { return false; }
};

/// A reporter that discards everything.
class SilentReporter final : public Reporter {};

} // namespace tendo
