// Partition assignment strategies of Kafka's consumer (partition.assignment.strategy).
#pragma once
#include <map>
#include <string>
#include <vector>

#include "core/ids.hpp"
#include "kafka/packets.hpp"

namespace bs::kafka {

enum class AssignorKind { Range, RoundRobin };

/// A member as the assignor sees it: Kafka sorts members by member id; here the member
/// id is the node id, so the order is the scenario's node order.
struct MemberSubscription {
  NodeId member = kNoNode;
  std::vector<std::string> topics;
};

/// Assign every partition of every subscribed topic to exactly one subscribed member.
/// Range (RangeAssignor): per topic, partitions in order are cut into contiguous ranges,
/// the first (partitions % members) members getting one extra. RoundRobin
/// (RoundRobinAssignor): all topic-partitions, sorted, dealt to members in turn, skipping
/// members not subscribed to the topic. Members beyond the partition count get nothing
/// (they sit idle). partitions_of maps topic -> partition count.
std::map<NodeId, std::vector<TopicPartition>> assign(AssignorKind kind, std::vector<MemberSubscription> members,
                                                     const std::map<std::string, std::int32_t>& partitions_of);

}  // namespace bs::kafka
