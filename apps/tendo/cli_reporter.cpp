#include "cli_reporter.hpp"

#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace tendo::cli {

CliReporter::CliReporter(std::string task)
    : task_(std::move(task)), terminal_(isatty(STDERR_FILENO) == 1), start_(std::chrono::steady_clock::now()) {}

CliReporter::~CliReporter() { finish(); }

void CliReporter::progress(std::size_t done, std::size_t total) {
    if (!terminal_ || total == 0)
        return;
    std::lock_guard lock(mutex_);
    constexpr int kWidth = 30;
    const double fraction = static_cast<double>(done) / static_cast<double>(total);
    const int filled = static_cast<int>(fraction * kWidth);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double rate = seconds > 0.0 ? static_cast<double>(done) / seconds : 0.0;
    const double eta = rate > 0.0 ? static_cast<double>(total - done) / rate : 0.0;
    std::fprintf(stderr, "\r%s [%.*s%*s] %zu/%zu %.1f/s ETA %.0fs ", task_.c_str(), filled,
                 "==============================", kWidth - filled, "", done, total, rate, eta);
    std::fflush(stderr);
    bar_shown_ = true;
}

void CliReporter::warning(const std::string& message) {
    std::lock_guard lock(mutex_);
    if (bar_shown_) {
        std::fputs("\r\033[K", stderr);
        bar_shown_ = false;
    }
    std::cerr << "warning: " << message << '\n';
}

void CliReporter::finish() {
    std::lock_guard lock(mutex_);
    if (bar_shown_) {
        std::fputs("\r\033[K", stderr);
        std::fflush(stderr);
        bar_shown_ = false;
    }
}

} // namespace tendo::cli
