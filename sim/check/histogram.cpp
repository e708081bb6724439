#include "check/histogram.hpp"

#include <algorithm>
#include <cmath>

namespace bs {
namespace {
constexpr double kMin = 1e-6;      // values below are counted as zero
constexpr double kGrowth = 1.01;   // 1% buckets
const double kLogGrowth = std::log(kGrowth);
}  // namespace

void LogHistogram::add(double v) {
  ++count_;
  max_ = std::max(max_, v);
  if (v < kMin) {
    ++zeros_;
    return;
  }
  const auto b = static_cast<std::size_t>(std::log(v / kMin) / kLogGrowth);
  if (b >= buckets_.size()) buckets_.resize(b + 1, 0);
  ++buckets_[b];
}

double LogHistogram::quantile(double q) const {
  if (count_ == 0) return 0;
  // Nearest-rank: the smallest value with at least q of the samples at or below it.
  const auto rank = static_cast<std::uint64_t>(std::ceil(std::clamp(q, 0.0, 1.0) * static_cast<double>(count_)));
  std::uint64_t seen = zeros_;
  if (rank <= seen) return 0;
  for (std::size_t b = 0; b < buckets_.size(); ++b) {
    seen += buckets_[b];
    if (seen >= rank) {
      const double lo = kMin * std::pow(kGrowth, static_cast<double>(b));
      return std::min(max_, lo * (1 + kGrowth) / 2);
    }
  }
  return max_;
}

}  // namespace bs
