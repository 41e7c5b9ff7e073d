#pragma once

#include <cmath>
#include <cstdint>

namespace tendo::phantom::detail {

/// splitmix64: a fixed, portable generator so a seed gives the same case on every platform
/// (the standard distributions are implementation-defined).
class Rng {
public:
    explicit Rng(std::uint64_t seed) : state_(seed) {}

    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    /// Uniform in [0, 1).
    double uniform() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    /// Uniform integer in [lo, hi].
    int integer(int lo, int hi) { return lo + static_cast<int>(uniform() * (hi - lo + 1)); }
    bool chance(double p) { return uniform() < p; }
    double normal() {
        double u1 = uniform();
        if (u1 < 1e-300)
            u1 = 1e-300;
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * uniform());
    }
    /// A derived seed for an independent stream.
    std::uint64_t fork() { return next(); }

private:
    std::uint64_t state_;
};

/// Mixes two values into one seed.
inline std::uint64_t mix_seed(std::uint64_t a, std::uint64_t b) {
    Rng rng(a ^ (b * 0xD1B54A32D192ED03ULL + 0x8CB92BA72F3D8DD7ULL));
    rng.next();
    return rng.next();
}

} // namespace tendo::phantom::detail
