#pragma once

#include "tendo/imaging/reporter.hpp"

#include <chrono>
#include <mutex>
#include <string>

namespace tendo::cli {

/// Warnings as one stderr line each; a progress bar on stderr only when stderr is a terminal.
class CliReporter final : public Reporter {
public:
    explicit CliReporter(std::string task = {});
    ~CliReporter() override;

    void progress(std::size_t done, std::size_t total) override;
    void warning(const std::string& message) override;

    /// Clears the progress bar line so the next output starts clean.
    void finish();

private:
    std::string task_;
    bool terminal_;
    bool bar_shown_ = false;
    std::chrono::steady_clock::time_point start_;
    std::mutex mutex_;
};

} // namespace tendo::cli
