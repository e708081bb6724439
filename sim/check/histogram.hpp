#pragma once
#include <cstdint>
#include <vector>

namespace bs {

/// Log-bucketed histogram of non-negative values (1% relative resolution), so
/// percentiles over millions of latencies take constant memory.
class LogHistogram {
 public:
  void add(double v);
  /// Value at quantile q in [0, 1] (bucket midpoint); 0 when empty.
  double quantile(double q) const;
  double max() const { return max_; }
  std::uint64_t count() const { return count_; }

 private:
  std::vector<std::uint64_t> buckets_;
  std::uint64_t zeros_ = 0;
  std::uint64_t count_ = 0;
  double max_ = 0;
};

}  // namespace bs
