// The checker's rules for quorum queues (queue model): which replica leads each queue,
// and how long each queue could not commit a publish.
#include "check/ledger.hpp"

namespace bs::check {

void Ledger::set_quorum_queues(const std::vector<std::string>& node_names,
                               const std::map<std::string, std::vector<std::string>>& q) {
  for (const auto& [name, reps] : q) {
    QuorumQueue& qq = quorum[name];
    for (const auto& r : reps)
      for (std::size_t i = 0; i < node_names.size(); ++i)
        if (node_names[i] == r) qq.replicas.push_back(static_cast<NodeId>(i));
  }
}

// raft_leader of group "queue <name>": that replica leads the queue from now on.
void Ledger::on_raft_leader(const Event& e) {
  static const std::string prefix = "queue ";
  const std::string& group = e.queue;
  if (group.compare(0, prefix.size(), prefix) != 0) return;
  auto it = quorum.find(group.substr(prefix.size()));
  if (it == quorum.end()) return;
  it->second.leader = e.node;
  ++it->second.leaders;
  update_quorum_availability(e.t);
}

// Raft commits with a live leader and a live majority of replicas. Link faults are
// not counted: a leader cut off from its followers shows in the trace as raft events,
// not here.
void Ledger::update_quorum_availability(double now) {
  for (auto& [name, q] : quorum) {
    if (q.leaders == 0) continue;  // its first election is the queue's start, not an outage
    std::size_t live = 0;
    for (NodeId r : q.replicas) live += !down.count(r);
    if (q.leader != kNoNode && down.count(q.leader)) q.leader = kNoNode;
    const bool available = q.leader != kNoNode && live >= q.replicas.size() / 2 + 1;
    if (available && q.unavailable_since >= 0) {
      q.unavailable_s += now - q.unavailable_since;
      q.unavailable_since = -1;
    } else if (!available && q.unavailable_since < 0) {
      q.unavailable_since = now;
    }
  }
}

void Ledger::quorum_totals(Totals& into) const {
  for (const auto& [name, q] : quorum) {
    // A queue that never elected a leader was unavailable all along.
    const double open = q.leaders == 0 ? into.end_t : q.unavailable_since >= 0 ? into.end_t - q.unavailable_since : 0;
    const double s = q.unavailable_s + open;
    into.queues[name].unavailable_s = s;
    into.unavailable_s = std::max(into.unavailable_s, s);
    if (q.leaders > 1) into.queue_leader_changes += q.leaders - 1;
  }
  // Mirrored queues left without a leader (amqp_mirror.cpp).
  std::map<std::string, double> waits = mirror_unavailable_s;
  for (const auto& [q, l] : leaderless) waits[q] += into.end_t - l.since;
  for (const auto& [q, s] : waits) {
    into.queues[q].unavailable_s += s;
    into.unavailable_s = std::max(into.unavailable_s, into.queues[q].unavailable_s);
  }
  // Mirrored queues' losses by cause (amqp_mirror.cpp).
  auto retired = [&](std::uint8_t c) {
    auto it = retired_lost_by_cause.find(c);
    return it == retired_lost_by_cause.end() ? 0 : it->second;
  };
  into.lost_unsynchronised_promotion = retired(1);
  into.lost_split_brain = retired(2);
  for (const auto& [id, cause] : queue_loss_cause) {
    auto m = msgs.find(id);
    if (m == msgs.end() || !m->second.lost_flag) continue;
    if (cause == 1) ++into.lost_unsynchronised_promotion;
    else ++into.lost_split_brain;
  }
}

}  // namespace bs::check
