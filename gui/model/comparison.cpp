#include "model/comparison.hpp"

#include <cmath>

namespace bs::gui {

std::vector<Figure> summary_figures(const Totals& t, bool replication, bool memory) {
  auto n = [](std::uint64_t v) { return static_cast<double>(v); };
  std::vector<Figure> f = {
      {"published", n(t.published), false, true},
      {"retries", n(t.retries), t.retries > 0, true},
      {"confirmed", n(t.confirmed), false, true},
      {"unconfirmed", n(t.unconfirmed), t.unconfirmed > 0, true},
      {"routed", n(t.routed), false, true},
      {"unroutable", n(t.unroutable), t.unroutable > 0, true},
      {"returned", n(t.returned), false, true},
      {"delivered", n(t.delivered), false, true},
      {"redelivered", n(t.redelivered), t.redelivered > 0, true},
      {"processed", n(t.processed), false, true},
      {"acked", n(t.acked), false, true},
      {"requeued", n(t.requeued), t.requeued > 0, true},
      {"lost", n(t.lost), t.lost > 0, true},
      {"dropped", n(t.dropped), t.dropped > 0, true},
      {"duplicates", n(t.duplicates), t.duplicates > 0, true},
      {"reordered", n(t.reordered), t.reordered > 0, true},
      {"dead-lettered", n(t.dead_lettered), false, true},
      {"pending", n(t.pending), false, true},
      {"latency p50 ms", t.latency_p50_ms, false, false},
      {"latency p99 ms", t.latency_p99_ms, false, false},
  };
  if (replication) {
    f.push_back({"lost: truncated", n(t.lost_truncated), t.lost_truncated > 0, true});
    f.push_back({"lost: unclean", n(t.lost_unclean_election), t.lost_unclean_election > 0, true});
    f.push_back({"log duplicates", n(t.duplicates_in_log), t.duplicates_in_log > 0, true});
    f.push_back({"diverged", n(t.diverged), t.diverged > 0, true});
    f.push_back({"offline s", t.offline_s, t.offline_s > 0, false});
    f.push_back({"below min s", t.below_min_isr_s, t.below_min_isr_s > 0, false});
  }
  if (memory) {
    f.push_back({"memory alarms", n(t.memory_alarms), t.memory_alarms > 0, true});
    f.push_back({"blocked s", t.blocked_s, t.blocked_s > 0, false});
  }
  return f;
}

bool figures_differ(const Figure& a, const Figure& b) {
  return std::fabs(a.value - b.value) >= (a.integer ? 0.5 : 0.05);
}

}  // namespace bs::gui
