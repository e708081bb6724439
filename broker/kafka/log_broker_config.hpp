// Declarations a log-model broker node starts with.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/ids.hpp"
#include "kafka/assignor.hpp"
#include "kafka/controller_packets.hpp"
#include "kafka/partition_log.hpp"

namespace bs::kafka {

/// A topic: `partitions` append-only logs sharing one segment/retention config.
struct TopicConfig {
  std::string name;
  std::int32_t partitions = 1;  ///< >= 1
  LogConfig log;
  std::int32_t replication_factor = 1;  ///< replicas per partition
  std::int32_t min_insync = 1;          ///< min.insync.replicas: the smallest ISR that takes acks=all
};

/// A consumer group known in advance (groups are also created on the first JoinGroup,
/// as Kafka does, with the range assignor).
struct GroupConfig {
  std::string name;
  AssignorKind assignor = AssignorKind::Range;
};

/// Everything a log-model broker is declared with. Times are simulated seconds.
struct LogBrokerConfig {
  std::vector<TopicConfig> topics;
  std::vector<GroupConfig> groups;
  /// log.retention.check.interval.ms: how often retention deletes old segments (Kafka's
  /// default is 5 minutes; lessons use about a second).
  double retention_check_s = 1.0;
  /// Joins and leaves within this window after the first change are handled by one
  /// rebalance (like group.initial.rebalance.delay.ms, applied to every rebalance).
  double rebalance_delay_s = 0.05;
  /// How often the coordinator looks for members past their session timeout.
  double session_check_s = 0.1;
  /// The cluster's partitions as created (replicas, leader = first replica, ISR = all):
  /// this broker hosts those that list it, and answers metadata for all of them until
  /// the controller says otherwise. Empty: a lone broker leading every partition of
  /// `topics` (unit tests).
  std::vector<PartitionState> partitions;
  /// Without controllers: the broker that coordinates each group (the one declaring it).
  std::map<std::string, NodeId> group_coordinators;

  // A KRaft cluster (controllers non-empty). Kafka's config names; times seconds.
  std::vector<NodeId> controllers;          ///< controller.quorum.voters; empty = static metadata
  double heartbeat_interval_s = 2;          ///< broker.heartbeat.interval.ms (Kafka default 2 s)
  double replica_lag_time_max_s = 30;       ///< replica.lag.time.max.ms (Kafka default 30 s)
  double replica_fetch_wait_max_s = 0.5;    ///< replica.fetch.wait.max.ms (Kafka default 500 ms)
  double replica_fetch_backoff_s = 1;       ///< replica.fetch.backoff.ms (Kafka default 1 s), after a failed fetch
  double replica_socket_timeout_s = 30;     ///< replica.socket.timeout.ms: a fetch unanswered this long is sent again
  std::uint32_t replica_fetch_max_records = 5000;  ///< stands in for replica.fetch.max.bytes
  /// offsets.topic.num.partitions: partitions of __consumer_offsets; a group is coordinated
  /// by the leader of partition abs(hashCode(group)) % this. 0 = no such topic (static).
  std::int32_t offsets_partitions = 0;
  /// transaction.state.log.num.partitions: partitions of __transaction_state; a
  /// transactional.id is coordinated by the leader of partition
  /// abs(hashCode(transactional.id)) % this. 0 = no transactions in this cluster.
  std::int32_t txn_partitions = 0;
  /// How often the coordinator looks for transactions open longer than their
  /// transaction.timeout.ms (transaction.abort.timed.out.transaction.cleanup.interval.ms,
  /// Kafka default 10 s) and resends markers a leader did not acknowledge.
  double txn_check_s = 0.1;
};

}  // namespace bs::kafka
