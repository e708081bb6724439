#include "model/steps.hpp"

#include <algorithm>
#include <map>
#include <unordered_set>
#include <utility>

#include "vocabulary/event_read.hpp"

namespace bs::gui {
namespace {
bool is_heartbeat_frame(const Event& e) {
  if (e.kind != ev::NetSend) return false;
  for (const auto& it : e.items)
    if (it.op != "heartbeat") return false;
  return true;
}

void push_time(std::vector<double>& v, double t) {
  if (v.empty() || v.back() != t) v.push_back(t);
}
}  // namespace

bool is_frame_or_bookkeeping(const Event& e) {
  if (e.kind == ev::NetSend || e.kind == ev::NetRecv || e.kind == ev::NetDrop) return true;
  // A positive confirm only moves the Summary's "confirmed" count; a negative one (the
  // broker refused the message) is what lessons 7, 18 and 24 are about.
  return e.kind == ev::Confirm && field::flag<"ack">(e);
}

StepIndex::StepIndex(const Trace& tr, const std::vector<Marker>& markers) {
  std::unordered_set<std::uint64_t> hb_frames;  // heartbeats alone are not worth a step
  // A consumer commits periodically; a commit that does not move its group's offset
  // (Kafka keeps one per group and partition) redraws nothing. A rejected one is kept:
  // the stale-generation commit is what the rebalance lessons show.
  std::map<std::pair<std::string, std::string>, std::int64_t> committed;
  // A Raft commit index is drawn for a quorum queue's leader only.
  std::map<std::string, NodeId> raft_leader;
  for (const Event& e : tr.events) {
    if (is_heartbeat_frame(e)) {
      hb_frames.insert(e.pkt);
      continue;
    }
    if (e.kind == ev::NetRecv && hb_frames.erase(e.pkt)) continue;
    push_time(frames_, e.t);
    if (is_frame_or_bookkeeping(e)) continue;
    if (e.kind == ev::Commit && !field::flag<"rejected">(e)) {
      auto [it, fresh] = committed.try_emplace({group(e), partition(e)}, offset(e));
      if (!fresh && it->second == offset(e)) continue;
      it->second = offset(e);
    }
    if (e.kind == ev::RaftLeader) raft_leader[group(e)] = e.node;
    if (e.kind == ev::RaftCommit) {
      auto it = raft_leader.find(group(e));
      if (group(e).rfind("queue ", 0) != 0 || it == raft_leader.end() || it->second != e.node) continue;
    }
    push_time(meaning_, e.t);
  }
  for (const Marker& m : markers) push_time(markers_, m.t);
  std::sort(markers_.begin(), markers_.end());
  markers_.erase(std::unique(markers_.begin(), markers_.end()), markers_.end());
}

double StepIndex::after(const std::vector<double>& v, double t, double none) {
  auto it = std::upper_bound(v.begin(), v.end(), t);
  return it == v.end() ? none : *it;
}

double StepIndex::before(const std::vector<double>& v, double t, double none) {
  auto it = std::lower_bound(v.begin(), v.end(), t);
  return it == v.begin() ? none : *std::prev(it);
}

}  // namespace bs::gui
