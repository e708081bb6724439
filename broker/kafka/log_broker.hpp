// The log-model broker node: Kafka's partitioned logs plus its group coordinator.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/node.hpp"
#include "kafka/events.hpp"
#include "kafka/packets.hpp"
#include "kafka/log_broker_config.hpp"

namespace bs::kafka {

/// A single Kafka broker. It owns every partition of every topic (leader, no followers:
/// replication, ISR and leader election are not modelled), appends produced records
/// at the log end offset, serves fetches from any offset with long-poll, rolls and
/// deletes segments by size, time and retention, and is the group coordinator: it
/// tracks members by heartbeat, evicts those silent for session.timeout.ms, rebalances
/// (bumping the generation) with the group's assignor, and stores committed offsets.
/// A crash loses group membership and parked fetches; the logs and the committed
/// offsets (Kafka's __consumer_offsets topic) are on disk and survive.
class LogBroker final : public Node {
 public:
  explicit LogBroker(LogBrokerConfig cfg);

  void on_start(Context& ctx) override;
  void on_packet(Context& ctx, NodeId from, const Packet& p) override;
  void on_timer(Context& ctx, const Timer& t) override;
  void on_crash(Context& ctx) override;

  // Read-only views for unit tests.
  const PartitionLog* log(const TopicPartition& tp) const;
  /// The group's committed offset for tp, or -1 when it has none.
  std::int64_t committed(const std::string& group, const TopicPartition& tp) const;
  std::int32_t generation(const std::string& group) const;
  /// Current members of a group, in node order.
  std::vector<NodeId> members(const std::string& group) const;
  /// Partitions the member holds in the group's current generation.
  std::vector<TopicPartition> assignment(const std::string& group, NodeId member) const;

 private:
  struct Topic {
    TopicConfig cfg;
    std::vector<PartitionLog> parts;
    std::vector<std::string> names;  // "topic/p"
  };
  struct Member {
    std::vector<std::string> topics;
    double session_timeout_s = 10;
    double last_heartbeat = 0;
    std::vector<TopicPartition> assigned, previous;
  };
  struct Group {
    std::string name;
    AssignorKind assignor = AssignorKind::Range;
    std::int32_t generation = 0;
    std::map<NodeId, Member> members;
    std::map<TopicPartition, std::int64_t> committed;
    bool rebalance_scheduled = false;
  };
  struct Parked {
    FetchRequest req;
    double deadline = 0;
  };

  void handle_produce(Context& ctx, NodeId from, const ProduceRequest& r);
  void handle_fetch(Context& ctx, NodeId from, const FetchRequest& r);
  void handle_join(Context& ctx, NodeId from, const JoinGroup& j);
  void handle_commit(Context& ctx, NodeId from, const OffsetCommit& c);
  void handle_list_offsets(Context& ctx, NodeId from, const ListOffsets& l);
  Group& group(const std::string& name);
  void schedule_rebalance(Context& ctx, Group& g);
  void rebalance(Context& ctx, Group& g);
  void check_sessions(Context& ctx);
  void apply_retention(Context& ctx);
  /// Where a fetch of tp at `offset` really starts; sets *reset when auto.offset.reset applies.
  std::int64_t resolve(const FetchRequest& r, const FetchPartition& fp, bool* reset, std::int64_t* from) const;
  bool has_data(const FetchRequest& r) const;
  void answer_fetch(Context& ctx, NodeId to, const FetchRequest& r);
  PartitionLog* find_log(const TopicPartition& tp);
  const std::string& name_of(const TopicPartition& tp) const;

  LogBrokerConfig cfg_;
  std::map<std::string, Topic> topics_;
  std::vector<Group> groups_;  // index = timer arg of a scheduled rebalance
  std::map<NodeId, Parked> parked_;  // one long-polling fetch per consumer
};

}  // namespace bs::kafka
