// The partition leader's view of its replicas: each follower's log end offset (LEO), the
// in-sync replica set (ISR) and the high watermark. SimGrid-free; the log broker embeds
// one per partition it leads. Kafka's rules (kafka.cluster.Partition, kafka.cluster.Replica):
//   - a follower's LEO is the offset it fetches from: it has everything below;
//   - it is caught up at a fetch if it asked for the leader's LEO of that moment (or of
//     its previous fetch: it had reached that while the leader appended more);
//   - replica.lag.time.max.ms: a follower not caught up for longer than this, and not at
//     the leader's LEO, leaves the ISR (KAFKA-7152: one at the leader's LEO stays);
//   - it rejoins when its LEO reaches the high watermark;
//   - the high watermark is the smallest LEO in the ISR, leader included, and never goes
//     down on a leader; consumers read below it, and acks=all completes once it passes;
//   - min.insync.replicas: with a smaller ISR, acks=all produce requests are refused
//     (NOT_ENOUGH_REPLICAS).
#pragma once
#include <cstdint>
#include <vector>

#include "core/ids.hpp"

namespace bs::kafka {

class ReplicaSet {
 public:
  /// `replicas` lists every replica (the leader included); all start in the ISR at LEO
  /// `leo`, caught up at `now` (a new leader starts from what the controller recorded).
  /// lag_time_max_s is replica.lag.time.max.ms in seconds.
  ReplicaSet(NodeId leader, std::vector<NodeId> replicas, double lag_time_max_s, std::int32_t min_insync,
             std::int64_t leo, double now);
  /// A leader elected with the controller's `isr`: its own LEO is `leo`, its high
  /// watermark starts at `hw` (what it learnt as a follower) and the followers' LEOs are
  /// unknown until they fetch, so the high watermark cannot move before they do (Kafka:
  /// a new leader's follower states start at an unknown offset). Followers in `isr`
  /// count as caught up at `now`.
  ReplicaSet(NodeId leader, std::vector<NodeId> replicas, const std::vector<NodeId>& isr, double lag_time_max_s,
             std::int32_t min_insync, std::int64_t leo, std::int64_t hw, double now);

  /// The leader appended records: its log end offset is now `leo`.
  void leader_appended(std::int64_t leo);
  /// Follower `f` fetched from `fetch_offset` at `now`. Returns true when this brought it
  /// back into the ISR (an ISR expand).
  bool follower_fetched(NodeId f, std::int64_t fetch_offset, double now);
  /// Remove the followers out of sync at `now` (an ISR shrink); returns them.
  std::vector<NodeId> shrink(double now);
  /// The followers `shrink` would remove at `now`, without removing them: a leader of a
  /// KRaft cluster asks the controller first (AlterPartition, KIP-497) and keeps using the
  /// larger ISR until the controller has committed the smaller one.
  std::vector<NodeId> out_of_sync(double now) const;
  /// The ISR the controller committed, plus the followers this leader has added since and
  /// the controller has not confirmed yet (KIP-497's "maximal ISR": a pending expansion
  /// counts at once, a pending shrink does not).
  void set_isr(const std::vector<NodeId>& committed, const std::vector<NodeId>& pending_adds);

  std::int64_t high_watermark() const { return hw_; }
  std::int64_t leo(NodeId r) const;
  bool in_isr(NodeId r) const;
  /// The ISR, in replica order.
  std::vector<NodeId> isr() const;
  /// acks=all may be accepted: at least min.insync.replicas replicas are in the ISR.
  bool enough_replicas() const;
  /// Records below `end_offset` are on every ISR replica (an acks=all request is done).
  bool replicated(std::int64_t end_offset) const { return hw_ >= end_offset; }

 private:
  struct Replica {
    NodeId broker = kNoNode;
    std::int64_t leo = 0;
    double last_caught_up = 0;
    double last_fetch = 0;
    std::int64_t leader_leo_at_last_fetch = 0;
    bool in_isr = true;
  };
  Replica* find(NodeId r);
  const Replica* find(NodeId r) const;
  void update_hw();

  NodeId leader_;
  std::vector<Replica> replicas_;
  double lag_time_max_s_;
  std::int32_t min_insync_;
  std::int64_t hw_ = 0;
};

}  // namespace bs::kafka
