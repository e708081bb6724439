#include "model/tape_window.hpp"

#include <algorithm>

#include "kafka/events.hpp"

namespace bs::gui {

OffsetResets::OffsetResets(const Trace& tr) {
  for (const Event& e : tr.events) {
    if (e.kind != ev::OffsetReset) continue;
    OffsetJump j;
    j.t = e.t;
    j.to = e.tag;
    j.from = e.seq;
    jumps_[{e.queue, e.peer}].push_back(j);
  }
}

const OffsetJump* OffsetResets::last(const std::string& partition, NodeId consumer, double t) const {
  auto it = jumps_.find({partition, consumer});
  if (it == jumps_.end()) return nullptr;
  const auto& v = it->second;
  auto j = std::upper_bound(v.begin(), v.end(), t, [](double x, const OffsetJump& o) { return x < o.t; });
  return j == v.begin() ? nullptr : &*std::prev(j);
}

TapeWindow tape_window(const PartitionState& p, std::size_t cells, const OffsetResets& resets, double t) {
  TapeWindow w;
  w.deleted_end = p.log_start;
  w.end = p.next_offset;
  w.first = std::max<std::int64_t>(p.log_start, p.next_offset - static_cast<std::int64_t>(cells));
  w.elided = w.first > p.log_start;
  for (const auto& [c, cur] : p.cursors) {
    TapeCursor tc;
    tc.consumer = c;
    tc.position = cur.position;
    tc.lag = cur.position >= 0 ? std::max<std::int64_t>(0, p.next_offset - cur.position) : 0;
    tc.place = cur.position >= 0 && cur.position < p.log_start ? CursorPlace::Deleted
               : cur.position < w.first                        ? CursorPlace::LeftEdge
                                                               : CursorPlace::OnTape;
    const OffsetJump* j = resets.last(p.name, c, t);
    if (j && j->from >= 0 && j->to > j->from) {
      tc.jump = j;
      tc.missed = j->to - j->from;
    }
    w.cursors.push_back(tc);
  }
  return w;
}

}  // namespace bs::gui
