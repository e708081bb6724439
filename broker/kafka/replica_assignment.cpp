#include "kafka/replica_assignment.hpp"

#include <stdexcept>
#include <string>

namespace bs::kafka {

std::vector<std::vector<NodeId>> assign_replicas(const std::vector<NodeId>& brokers, std::int32_t partitions,
                                                 std::int32_t replication_factor, std::uint32_t start_index,
                                                 std::uint32_t replica_shift) {
  const auto n = static_cast<std::uint32_t>(brokers.size());
  if (replication_factor < 1 || static_cast<std::uint32_t>(replication_factor) > n)
    throw std::invalid_argument("replication factor " + std::to_string(replication_factor) + " with " +
                                std::to_string(n) + " brokers");
  std::vector<std::vector<NodeId>> out;
  std::uint32_t shift = replica_shift % n;
  for (std::uint32_t p = 0; p < static_cast<std::uint32_t>(partitions); ++p) {
    if (p > 0 && p % n == 0) ++shift;  // a new round of partitions: spread the followers differently
    const std::uint32_t first = (p + start_index) % n;
    std::vector<NodeId> replicas{brokers[first]};
    for (std::uint32_t j = 0; j + 1 < static_cast<std::uint32_t>(replication_factor); ++j)
      replicas.push_back(brokers[(first + 1 + (shift + j) % (n - 1)) % n]);
    out.push_back(std::move(replicas));
  }
  return out;
}

}  // namespace bs::kafka
