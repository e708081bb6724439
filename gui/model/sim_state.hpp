// The brokers' and consumers' visible state, rebuilt by replaying trace events in order.
// What a view counts or flags (duplicates, late processings, losses, committed offsets)
// is the checker's verdict on each event: the GUI and the CLI read the trace through one
// ledger, so they cannot disagree.
#pragma once
#include <cstdint>
#include <array>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "check/checker.hpp"
#include "model/shared_prefix.hpp"
#include "core/event.hpp"
#include "trace/trace.hpp"

namespace bs::gui {

/// A message waiting in a queue (ready to be delivered).
struct ReadyMsg {
  MsgId msg = 0;
  std::int64_t position = 0;  ///< place in the queue's enqueue order; requeue restores it
  bool redelivered = false;   ///< came back from a consumer: its next delivery carries the flag
  double t_since = 0;         ///< when it entered (or re-entered) the ready list
};

/// A delivery the consumer has not acknowledged yet.
struct UnackedMsg {
  MsgId msg = 0;
  std::int64_t tag = 0;       ///< delivery tag, per channel
  std::int64_t position = 0;
  bool redelivered = false;
  double t = 0;
};

/// One queue: ready messages in queue order and each consumer's unacked deliveries.
struct QueueState {
  std::string name;
  NodeId broker = kNoNode;
  std::vector<ReadyMsg> ready;                     ///< sorted by position
  std::map<NodeId, std::vector<UnackedMsg>> unacked;  ///< by consumer, in delivery order
  /// Auto-ack deliveries a consumer holds: delivered, not processed yet, and settled as
  /// they left (RabbitMQ's no-ack mode), so no ack protects them if the consumer dies.
  std::map<NodeId, std::vector<UnackedMsg>> held;
  std::map<NodeId, std::int64_t> prefetch;         ///< consumers registered (consumer_up)
  std::set<NodeId> closed;                         ///< consumers whose connection the broker declared dead
  std::uint64_t enqueued = 0, acked = 0, dropped = 0, dead_lettered = 0, requeued = 0;
  /// ActiveMQ non-durable subscription: topic messages its subscriber missed (subscriber_missed).
  std::uint64_t missed = 0;
  bool subscription_closes = false;  ///< a non-durable subscription (seen missing messages): it closes with its consumer
  /// Service Bus: messages set aside with Defer, by position (their sequence number); only
  /// a receive naming that number gets them out.
  std::vector<ReadyMsg> deferred;
  // RabbitMQ cluster: how the queue is replicated.
  bool quorum = false;                 ///< a quorum queue (raft events of group "queue <name>")
  std::int64_t term = -1;              ///< quorum: the leader's Raft term
  std::int64_t commit_index = -1;      ///< quorum: the leader's commit index
  std::map<NodeId, bool> mirrors;      ///< mirrored classic queue: mirror node -> synchronised
  std::uint64_t promotions = 0;        ///< mirrored: mirrors promoted to leader
};

/// One processing by a consumer, with what made it remarkable.
struct ProcessedMsg {
  MsgId msg = 0;
  std::string queue;
  std::int64_t position = 0;  ///< enqueue position in `queue` (msg id if unknown)
  bool redelivered = false;
  bool reordered = false;     ///< the checker's verdict: this consumer already processed a later position of the same queue or partition
  bool duplicate = false;     ///< the checker's verdict: its queue (or consumer group) had already processed this id
  double t = 0;
  std::size_t event = 0;      ///< index of the process event
};

/// What one consumer has processed, in order.
struct ConsumerState {
  NodeId node = kNoNode;
  SharedPrefix<ProcessedMsg> processed;
  /// Deliveries an idempotent consumer recognised and did not process again
  /// (duplicate_skipped): `event` orders them among `processed`.
  SharedPrefix<ProcessedMsg> skipped;
  std::uint64_t reordered = 0;   ///< processings flagged reordered ("late" boxes)
  std::uint64_t duplicates = 0;  ///< processings flagged duplicate
};

/// A message the checker counts as lost, from the event that made it so.
struct LostMsg {
  MsgId msg = 0;
  double t = 0;
  std::size_t event = 0;  ///< index of that event
  std::string queue;      ///< the queue it was lost from, when one is known ("" otherwise)
  std::string why;        ///< how it was lost, as a teacher says it: "c1 crashed holding it (auto-ack)"
};

/// Log model: one record of a partition.
struct Record {
  std::int64_t offset = 0;
  MsgId msg = 0;        ///< 0 for a transaction marker
  std::string key;
  std::int8_t control = 0;  ///< a transaction marker (KIP-98 control record): 1 commit, 2 abort
};

/// Log model: a consumer's place in a partition.
struct LogCursor {
  std::int64_t position = -1;   ///< next offset to fetch (fetch offset + count)
  std::int64_t committed = -1;  ///< the group's committed offset on this partition (Kafka keeps it per group), -1 = none
  std::string group;
};

/// Log model: a partition's tape.
struct PartitionState {
  std::string name;  ///< "topic/2"
  NodeId leader = kNoNode;
  std::vector<Record> records;        ///< by offset (appends arrive in order)
  std::int64_t log_start = 0;         ///< records below were deleted by retention
  std::int64_t next_offset = 0;       ///< log end offset
  std::vector<std::int64_t> segment_bases;
  std::map<NodeId, LogCursor> cursors;
  // Kinesis: a shard (shard_created), closed for writes by resharding (`closed_by`:
  // SplitShard / MergeShards, "" while open), and the calls it refused so far.
  bool shard = false;
  std::string closed_by;
  std::uint64_t throttled = 0;
  // Kinesis enhanced fan-out: the applications subscribed to the shard now
  // (SubscribeToShard), the subscriptions made and the events pushed so far.
  std::set<std::string> subscribed;
  std::uint64_t subscriptions = 0;
  std::uint64_t pushed_events = 0;
};

/// Everything the views show that depends on time, as of the last event applied.
class SimState {
 public:
  /// node_names and topic_groups come from the trace header (see Checker).
  SimState(std::vector<std::string> node_names, TopicGroups topic_groups, TopicReplicas topic_replicas = {},
           QuorumReplicas quorum_replicas = {});
  /// Copies are deep (the ledger too) and go on independently: the Playhead's checkpoints.
  /// The processed lists are shared prefixes of one list (SharedPrefix).
  SimState(const SimState& other);
  SimState& operator=(const SimState& other);
  SimState(SimState&&) noexcept = default;
  SimState& operator=(SimState&&) noexcept = default;
  /// Apply the next event in trace order (`index` is its place in Trace::events).
  void apply(const Event& e, std::size_t index);
  /// The checker fed the same events: its totals are what the Summary and the consumer
  /// view print.
  const Checker& ledger() const { return *ledger_; }
  /// Messages lost as of now, in the order they became lost.
  const std::vector<LostMsg>& lost() const { return lost_; }
  /// The entry of lost() for msg, or nullptr if it is not lost now.
  const LostMsg* lost_entry(MsgId msg) const;

  const std::vector<QueueState>& queues() const { return queues_; }
  const std::map<NodeId, ConsumerState>& consumers() const { return consumers_; }
  const std::vector<PartitionState>& partitions() const { return partitions_; }
  /// The controller quorum's Raft leader (the active controller) from the last
  /// raft_leader event, and its term; kNoNode before one.
  NodeId raft_leader() const { return raft_leader_; }
  /// pause_minority: cluster nodes paused at this moment.
  bool paused(NodeId node) const { return paused_.count(node) != 0; }
  /// Publishers blocked by a node's memory alarm (connection.blocked) at this moment.
  bool blocked(NodeId publisher) const { return blocked_.count(publisher) != 0; }
  std::int64_t raft_term() const { return raft_term_; }
  /// Enqueue position of msg in queue, or -1.
  std::int64_t position_of(const std::string& queue, MsgId msg) const;
  /// A consumer's box for a process or duplicate_skipped event (`index` in Trace::events):
  /// message, queue, enqueue position (-1 if unknown), redelivered flag, time.
  ProcessedMsg consumer_box(const Event& e, std::size_t index) const;
  /// Make `queue` appear even before its first event (the header lists queues), on
  /// `broker` when known (kNoNode: learnt from its first event).
  void declare_queue(const std::string& name, NodeId broker = kNoNode);

 private:
  QueueState& queue(const std::string& name, NodeId broker);
  PartitionState& partition_state(const std::string& name, NodeId broker);
  std::vector<QueueState> queues_;
  std::map<NodeId, ConsumerState> consumers_;
  std::vector<PartitionState> partitions_;
  NodeId raft_leader_ = kNoNode;
  std::set<NodeId> blocked_;
  std::set<NodeId> paused_;
  std::int64_t raft_term_ = -1;
  void refresh_committed(PartitionState& p, const std::string& group);
  LostMsg explain_loss(const Event& e, std::size_t index, MsgId id) const;
  std::vector<std::string> node_names_;
  std::string peer_name(NodeId n) const;  // a node's name from the header, "?" if unknown
  std::map<NodeId, double> crashed_at_;  ///< nodes down now, since when (crash / restart events)
  std::unique_ptr<Checker> ledger_;
  std::vector<LostMsg> lost_;
  // Enqueue position by queue, indexed by message id (ids are small and dense), -1 =
  // none, in pages shared between copies until one writes to them: a checkpoint of a
  // million-message run copies a few hundred pointers, not 8 MB.
  static constexpr std::size_t kPositionPage = 4096;
  using PositionPage = std::array<std::int64_t, kPositionPage>;
  std::map<std::string, std::vector<std::shared_ptr<PositionPage>>> positions_;
  std::map<std::pair<std::string, MsgId>, std::int64_t> sparse_positions_;  // ids too large for a vector
  void set_position(const std::string& queue, MsgId msg, std::int64_t pos);
};

/// An empty SimState for `tr`, its ledger set up from the header (node names, topic groups).
SimState sim_state_for(const Trace& tr);

}  // namespace bs::gui
