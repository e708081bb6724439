// Deterministic random numbers: every draw comes from the scenario's seed.
#pragma once
#include <cmath>
#include <cstdint>
#include <random>

namespace bs {

/// Seeded pseudo-random source. std::mt19937_64 is specified bit-for-bit by the C++
/// standard, and the distributions below are written out by hand (the std:: ones are
/// implementation-defined), so a seed gives the same draws on every platform.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : gen_(seed) {}
  /// Uniform in [0, 1).
  double uniform01() { return static_cast<double>(gen_() >> 11) * 0x1.0p-53; }
  /// Uniform in [lo, hi).
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform01(); }
  /// Exponential with the given mean (same unit as the mean).
  double exponential(double mean) { return -mean * std::log1p(-uniform01()); }
  /// Raw 64 bits, e.g. to derive a child seed.
  std::uint64_t next() { return gen_(); }

 private:
  std::mt19937_64 gen_;
};

}  // namespace bs
