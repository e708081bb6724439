// Kafka's rack-unaware replica assignment.
#include <catch2/catch.hpp>

#include <set>
#include <stdexcept>

#include "kafka/replica_assignment.hpp"

using namespace bs;
using bs::kafka::assign_replicas;

TEST_CASE("replica assignment matches Kafka's own test vector", "[log][replication]") {
  // kafka.admin.AdminUtilsTest.testReplicaAssignment: 5 brokers, 10 partitions, RF 3,
  // fixed start index 0.
  const std::vector<std::vector<NodeId>> want{{0, 1, 2}, {1, 2, 3}, {2, 3, 4}, {3, 4, 0}, {4, 0, 1},
                                              {0, 2, 3}, {1, 3, 4}, {2, 4, 0}, {3, 0, 1}, {4, 1, 2}};
  CHECK(assign_replicas({0, 1, 2, 3, 4}, 10, 3, 0, 0) == want);
}

TEST_CASE("every partition gets distinct replicas and leaders spread over the brokers", "[log][replication]") {
  const std::vector<NodeId> brokers{10, 11, 12};
  const auto a = assign_replicas(brokers, 6, 3, 2, 1);
  std::vector<int> leads(3, 0);
  for (const auto& r : a) {
    REQUIRE(r.size() == 3);
    CHECK(std::set<NodeId>(r.begin(), r.end()).size() == 3);
    ++leads.at(r.front() - 10);
  }
  CHECK(leads == std::vector<int>{2, 2, 2});
}

TEST_CASE("a replication factor above the number of brokers is refused", "[log][replication]") {
  CHECK_THROWS_AS(assign_replicas({0, 1}, 3, 3, 0, 0), std::invalid_argument);
  CHECK_THROWS_AS(assign_replicas({0, 1}, 3, 0, 0, 0), std::invalid_argument);
  CHECK(assign_replicas({7}, 2, 1, 0, 0) == std::vector<std::vector<NodeId>>{{7}, {7}});
}
