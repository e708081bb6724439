// The brokers' and consumers' visible state, rebuilt by replaying trace events in order.
#pragma once
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/event.hpp"

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
  std::map<NodeId, std::int64_t> prefetch;         ///< consumers registered (consumer_up)
  std::set<NodeId> closed;                         ///< consumers whose connection the broker declared dead
  std::uint64_t enqueued = 0, acked = 0, dropped = 0, dead_lettered = 0, requeued = 0;
};

/// One processing by a consumer, with what made it remarkable.
struct ProcessedMsg {
  MsgId msg = 0;
  std::string queue;
  std::int64_t position = 0;  ///< enqueue position in `queue` (msg id if unknown)
  bool redelivered = false;
  bool reordered = false;     ///< a later-positioned message of the same queue was processed before it here
  bool duplicate = false;     ///< this queue's message had already been processed (by anyone)
  double t = 0;
  std::size_t event = 0;      ///< index of the process event
};

/// What one consumer has processed, in order.
struct ConsumerState {
  NodeId node = kNoNode;
  std::vector<ProcessedMsg> processed;
  std::uint64_t reordered = 0, duplicates = 0, redelivered = 0, skipped = 0;
  std::map<std::string, std::int64_t> max_position;  ///< highest position processed, per queue
};

/// Log model: one record of a partition.
struct Record {
  std::int64_t offset = 0;
  MsgId msg = 0;
  std::string key;
};

/// Log model: a consumer's place in a partition.
struct LogCursor {
  std::int64_t position = -1;   ///< next offset to fetch (fetch offset + count)
  std::int64_t committed = -1;  ///< last committed offset, -1 = none
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
};

/// Everything the views show that depends on time, as of the last event applied.
class SimState {
 public:
  /// Apply the next event in trace order (`index` is its place in Trace::events).
  void apply(const Event& e, std::size_t index);

  const std::vector<QueueState>& queues() const { return queues_; }
  const std::map<NodeId, ConsumerState>& consumers() const { return consumers_; }
  const std::vector<PartitionState>& partitions() const { return partitions_; }
  /// Enqueue position of msg in queue, or -1.
  std::int64_t position_of(const std::string& queue, MsgId msg) const;
  /// Make `queue` appear even before its first event (the header lists queues).
  void declare_queue(const std::string& name);

 private:
  QueueState& queue(const std::string& name, NodeId broker);
  PartitionState& partition(const std::string& name, NodeId broker);
  std::vector<QueueState> queues_;
  std::map<NodeId, ConsumerState> consumers_;
  std::vector<PartitionState> partitions_;
  std::map<std::pair<std::string, MsgId>, std::int64_t> positions_;
  std::set<std::pair<std::string, MsgId>> processed_;  // (queue, msg) processed once already
};

}  // namespace bs::gui
