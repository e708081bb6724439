// The checker: derives what happened to every message from the trace events alone.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "check/totals.hpp"
#include "core/event.hpp"

namespace bs {

/// Streaming checker. Feed it every event in trace order (it is an EventSink, so the
/// simulator can feed it directly when no trace file is written), then call totals().
/// Memory is bounded by the messages still in flight, not by those already settled.
/// Log model: topic -> the consumer groups subscribed to it. Every record appended to a
/// topic should be processed once by each of these groups.
using TopicGroups = std::map<std::string, std::vector<std::string>>;

/// The topic -> groups map of a trace header (its "topics" entries list their groups);
/// empty for a queue-model header.
TopicGroups topic_groups_from_header(const nlohmann::ordered_json& header);

/// Log model: a topic's replication settings, from the trace header's `topics` entries.
struct TopicReplication {
  int replication_factor = 1;   ///< `replication_factor` (absent: 1)
  int min_insync_replicas = 1;  ///< `min_insync_replicas` (absent: 1)
  /// `replicas`: each partition's replica names as created; the first leads and all are
  /// in the ISR until the controller says otherwise.
  std::vector<std::string> replicas_csv;
};
/// Topic -> its replication settings; topics not listed have replication factor 1.
using TopicReplicas = std::map<std::string, TopicReplication>;
TopicReplicas topic_replicas_from_header(const nlohmann::ordered_json& header);

/// Queue model: each quorum queue's replicas (node names) by queue name, from the trace
/// header's `quorum_queues` entries.
using QuorumReplicas = std::map<std::string, std::vector<std::string>>;
QuorumReplicas quorum_replicas_from_header(const nlohmann::ordered_json& header);

/// What one event meant, as the checker judged it: how a reader that follows the trace
/// event by event (the GUI) marks boxes and timeline points with the checker's own rules.
struct Verdict {
  bool duplicate = false;  ///< process: its queue (or consumer group) had processed this id already
  bool reordered = false;  ///< process: this consumer had already processed a later position of the same queue or partition
  std::vector<MsgId> lost;       ///< messages that became lost with this event
  std::vector<MsgId> recovered;  ///< messages lost until this event (a retried copy or a re-read processed them)
  double latency_ms = -1;  ///< process: the publish-to-processing latency this processing added to the totals' percentiles (-1: none)
  bool duplicate_effect = false;     ///< effect: the store had applied this message's effect already
  std::vector<MsgId> effects_lost;   ///< crash: acked messages whose effect the crashed writer never had applied
  std::vector<MsgId> effects_found;  ///< effect: it lands after all (a write still on the wire when its writer crashed)
};

/// Log model: one partition's replication as the checker follows it now
/// (docs/log-replication.md): what a view of the replicas shows.
struct ReplicationView {
  std::string partition;            ///< "topic/2"
  bool replicated = false;          ///< replication factor > 1
  int min_insync = 1;
  std::vector<NodeId> replicas;     ///< as created (header), then any other replica that logged a record
  NodeId leader = kNoNode;          ///< kNoNode: offline (or not known yet)
  bool leader_known = false;
  std::int64_t leader_epoch = -1;
  bool unclean = false;             ///< the current leader was elected uncleanly
  std::vector<NodeId> isr;
  std::int64_t high_watermark = 0;
  std::map<NodeId, std::vector<MsgId>> logs;  ///< replica -> message id per offset (0: unknown)
  std::vector<NodeId> down;         ///< replicas crashed and not restarted
};

/// The ledger of a run: the one reading of the trace that the CLI's totals, the `expect`
/// block and every count the GUI shows come from.
class Checker final : public EventSink {
 public:
  /// node_names[i] names NodeId i (for the per-consumer tables). topic_groups says which
  /// consumer groups should see each topic's records (log model only).
  /// topic_replicas gives each topic's replication factor and min.insync.replicas: with
  /// a replication factor above 1 a record becomes readable when the high watermark
  /// passes it (docs/log-replication.md).
  explicit Checker(std::vector<std::string> node_names, TopicGroups topic_groups = {}, TopicReplicas topic_replicas = {},
                   QuorumReplicas quorum_replicas = {});
  ~Checker() override;
  /// A deep copy: the copy goes on from the same point independently (the GUI keeps
  /// copies as checkpoints of a long trace).
  Checker(const Checker& other);
  Checker& operator=(const Checker& other);
  void on_event(const Event& e) override;
  /// Totals as of the last event fed; messages not yet settled count as pending.
  Totals totals() const;
  /// The verdict on the last event fed.
  const Verdict& last_verdict() const;
  /// Log model: the committed offset (the next offset the group will read) of `group` on
  /// `partition` ("topic/2"), or -1 before its first accepted commit. Kafka keeps it per
  /// (group, partition), not per member.
  std::int64_t committed_offset(const std::string& group, const std::string& partition) const;
  /// Store nodes: the messages whose state change committed and that no producer has
  /// published so far, in id order.
  std::vector<MsgId> unpublished() const;
  /// Log model, Kafka transactions: where a record's transaction stands as of now.
  enum class TxnRecord { None, Open, Aborted };
  TxnRecord txn_record(MsgId msg) const;
  /// Log model: every partition the trace has mentioned so far, by name.
  std::vector<ReplicationView> replication() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bs
