// Where a topic's partition replicas go: Kafka's rack-unaware assignment (AdminUtils.
// assignReplicasToBrokers, used by topic creation without racks). The first replica of
// each partition is its preferred leader; leaders go round-robin over the brokers from a
// start index, and the followers follow at a shift that grows by one every full round of
// partitions, so that replica sets do not repeat.
#pragma once
#include <cstdint>
#include <vector>

#include "core/ids.hpp"

namespace bs::kafka {

/// The replica list of each of `partitions` partitions, `replication_factor` brokers each.
/// Kafka draws `start_index` and `replica_shift` at random from [0, brokers); here the
/// caller draws them from the scenario's seed. Throws std::invalid_argument when the
/// replication factor is not in [1, brokers.size()].
std::vector<std::vector<NodeId>> assign_replicas(const std::vector<NodeId>& brokers, std::int32_t partitions,
                                                 std::int32_t replication_factor, std::uint32_t start_index,
                                                 std::uint32_t replica_shift);

}  // namespace bs::kafka
