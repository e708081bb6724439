// Timeline markers: faults, and the anomalies a lesson is about.
#pragma once
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "model/sim_state.hpp"
#include "trace/trace.hpp"

namespace bs::gui {

/// What a marker stands for. Faults come from the schedule; the rest are found by replay.
/// The replication kinds (log model, replication factor > 1; quorum-queue elections and
/// mirror promotions) and the queue model's memory alarm and paused nodes (pause_minority,
/// a queue left without a leader) come after Failover, then the events a single lesson is
/// about: a consumer group's rebalance, a seek (or an auto.offset.reset that jumps), a
/// dead-lettered message, one that expired (TTL), one returned or dropped as unroutable,
/// and a publisher blocked by a memory alarm (connection.blocked); Kinesis adds a shard
/// refusing calls over its limits (one marker per shard and second) and resharding.
enum class MarkerKind {
  Crash, Restart, LinkDown, LinkUp, Redelivery, Reorder, Loss, Duplicate, Failover,
  Election, UncleanElection, IsrShrink, IsrExpand, Truncate, Fenced, MemoryAlarm, Paused,
  Rebalance, Seek, DeadLetter, Expired, Returned, Blocked, TxnCommit, TxnAbort, LockWait,
  LeaseExpired, Deduplicated, Throttled, Reshard, Deferred, Snapshot, LinkLatency
};
inline constexpr int kMarkerKindCount = 33;

/// Name of a marker kind for the legend ("crash", "reorder", ...).
const char* marker_kind_name(MarkerKind k);

/// One point of interest on the timeline; clicking it jumps to `t`.
struct Marker {
  double t = 0;
  MarkerKind kind = MarkerKind::Crash;
  std::size_t event = 0;  ///< index in Trace::events
  MsgId msg = 0;
  NodeId node = kNoNode;
  std::string label;      ///< e.g. "c2 processed m3 after m4"
};

/// Finds the markers of a trace while it is replayed: call on_event(i, s) after applying
/// event i to `s` (the SimState folding the trace from its start), for every event in
/// order; take() returns them in time order. Reorders, duplicates and losses are the
/// checker's verdicts on each event, so the marks agree with the CLI's totals.
class MarkerFinder {
 public:
  /// `tr` must outlive the finder.
  explicit MarkerFinder(const Trace& tr);
  void on_event(std::size_t i, const SimState& s);
  std::vector<Marker> take() { return std::move(out_); }

 private:
  std::string nm(NodeId n) const;
  std::set<NodeId> parse(const std::string& csv) const;  // "b1,b2" -> node ids
  std::set<NodeId>& isr_before(const std::string& part);
  std::string names_of(const std::set<NodeId>& ns) const;

  const Trace& tr_;
  TopicReplicas replicas_;
  std::vector<Marker> out_;
  std::unordered_map<std::uint64_t, MsgId> frame_msg_;  // what each frame carried, to name a dead one
  // Replication: each partition's ISR as last committed (the header's replicas at first)
  // and the partition epochs seen (the same election or ISR change can be traced twice).
  std::map<std::string, std::set<NodeId>> isr_of_;
  std::set<std::pair<std::string, std::int64_t>> epochs_seen_;
  std::unordered_map<MsgId, std::size_t> state_change_at_;  // store nodes: event of each message's state change
  std::set<std::pair<std::string, std::int64_t>> throttled_seconds_;  // Kinesis: (shard, second) already marked
};

}  // namespace bs::gui
