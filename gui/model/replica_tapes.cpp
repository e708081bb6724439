#include "model/replica_tapes.hpp"

#include <algorithm>
#include <unordered_set>

namespace bs::gui {

std::vector<ReplicaTapes> replica_tapes(const SimState& s) {
  std::vector<ReplicaTapes> out;
  std::unordered_set<MsgId> lost;
  for (const auto& l : s.lost()) lost.insert(l.msg);
  for (const ReplicationView& v : s.ledger().replication()) {
    if (!v.replicated) continue;
    ReplicaTapes t;
    t.partition = v.partition;
    const bool leader_down = std::find(v.down.begin(), v.down.end(), v.leader) != v.down.end();
    t.leader = leader_down ? kNoNode : v.leader;
    t.leader_epoch = v.leader_epoch;
    t.unclean = v.unclean;
    t.high_watermark = v.high_watermark;
    t.min_insync = v.min_insync;
    t.isr_size = v.isr.size();
    t.internal = internal_partition(v.partition);
    for (NodeId n : v.replicas) {
      ReplicaRow r;
      r.node = n;
      r.leader = n == t.leader && n != kNoNode;
      r.in_isr = std::find(v.isr.begin(), v.isr.end(), n) != v.isr.end();
      r.down = std::find(v.down.begin(), v.down.end(), n) != v.down.end();
      auto it = v.logs.find(n);
      if (it != v.logs.end()) {
        r.log_end = static_cast<std::int64_t>(it->second.size());
        for (std::size_t o = 0; o < it->second.size(); ++o) {
          const MsgId id = it->second[o];
          r.cells.push_back(TapeCell{static_cast<std::int64_t>(o), id, id != 0 && lost.count(id) > 0});
        }
      }
      t.rows.push_back(std::move(r));
    }
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace bs::gui
