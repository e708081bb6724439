// Declarations a log-model broker node starts with.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/ids.hpp"
#include "kafka/assignor.hpp"
#include "kafka/partition_log.hpp"

namespace bs::kafka {

/// A topic: `partitions` append-only logs sharing one segment/retention config.
struct TopicConfig {
  std::string name;
  std::int32_t partitions = 1;  ///< >= 1
  LogConfig log;
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
  /// The cluster's metadata, the same on every broker (Kafka brokers learn it from the
  /// controller): the broker that leads each topic's partitions and the one that
  /// coordinates each group, for MetadataRequest. Empty with a single broker.
  std::map<std::string, std::pair<NodeId, std::int32_t>> topic_leaders;  ///< topic -> (leader, partition count)
  std::map<std::string, NodeId> group_coordinators;
};

}  // namespace bs::kafka
