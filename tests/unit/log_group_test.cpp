// The group coordinator and the assignors: joins, generations, eviction, commits.
#include <catch2/catch.hpp>

#include <map>

#include "kafka/assignor.hpp"
#include "kafka/log_broker.hpp"
#include "log_harness.hpp"
#include "vocabulary/vocabulary.hpp"

using namespace bs;
using namespace bs::kafka;
using bs::test::Driver;
using bs::test::run_until;

namespace {
constexpr NodeId kBroker = 0;

/// Every partition of every topic appears exactly once across the members.
void check_exactly_once(const std::map<NodeId, std::vector<TopicPartition>>& plan,
                        const std::map<std::string, std::int32_t>& topics) {
  std::map<TopicPartition, int> seen;
  for (const auto& [m, tps] : plan)
    for (const auto& tp : tps) ++seen[tp];
  std::size_t total = 0;
  for (const auto& [t, n] : topics) total += static_cast<std::size_t>(n);
  CHECK(seen.size() == total);
  for (const auto& [tp, n] : seen) CHECK(n == 1);
}
}  // namespace

TEST_CASE("range and round-robin assign each partition to exactly one member", "[log][group][assignor]") {
  const std::map<std::string, std::int32_t> topics{{"a", 5}, {"b", 3}};
  std::vector<MemberSubscription> members{{7, {"a", "b"}}, {3, {"a", "b"}}};
  for (auto kind : {AssignorKind::Range, AssignorKind::RoundRobin}) {
    auto plan = assign(kind, members, topics);
    check_exactly_once(plan, topics);
  }
  SECTION("range: contiguous ranges per topic, the first members get the extra partitions") {
    auto plan = assign(AssignorKind::Range, members, topics);
    // Members sorted by id: 3 first. Topic a: 3 gets 0,1,2 and 7 gets 3,4.
    CHECK(plan[3] == std::vector<TopicPartition>{{"a", 0}, {"a", 1}, {"a", 2}, {"b", 0}, {"b", 1}});
    CHECK(plan[7] == std::vector<TopicPartition>{{"a", 3}, {"a", 4}, {"b", 2}});
  }
  SECTION("round-robin: partitions dealt in turn over all topics") {
    auto plan = assign(AssignorKind::RoundRobin, members, topics);
    CHECK(plan[3] == std::vector<TopicPartition>{{"a", 0}, {"a", 2}, {"a", 4}, {"b", 1}});
    CHECK(plan[7] == std::vector<TopicPartition>{{"a", 1}, {"a", 3}, {"b", 0}, {"b", 2}});
  }
}

TEST_CASE("members beyond the partition count sit idle", "[log][group][assignor]") {
  const std::map<std::string, std::int32_t> topics{{"a", 2}};
  std::vector<MemberSubscription> members{{1, {"a"}}, {2, {"a"}}, {3, {"a"}}};
  for (auto kind : {AssignorKind::Range, AssignorKind::RoundRobin}) {
    auto plan = assign(kind, members, topics);
    check_exactly_once(plan, topics);
    REQUIRE(plan.count(3) == 1);
    CHECK(plan[3].empty());
  }
}

TEST_CASE("joins are answered by one rebalance that bumps the generation", "[log][group]") {
  LogBrokerConfig cfg;
  cfg.topics.push_back(TopicConfig{"orders", 3, {}});
  cfg.groups.push_back(GroupConfig{"g", AssignorKind::Range});
  LogBroker b(cfg);
  Driver d(b, kBroker);
  d.start();
  for (NodeId c : {1u, 2u, 3u, 4u}) d.packet(c, JoinGroup{"g", {"orders"}, 10});
  run_until(d, 0.06);
  CHECK(b.generation("g") == 1);
  auto assignments = d.take<Assignment>();
  REQUIRE(assignments.size() == 4);
  std::map<TopicPartition, int> owners;
  int idle = 0;
  for (const auto& a : assignments) {
    CHECK(a.generation == 1);
    idle += a.partitions.empty();
    for (const auto& tp : a.partitions) ++owners[tp];
  }
  CHECK(owners.size() == 3);
  for (const auto& [tp, n] : owners) CHECK(n == 1);
  CHECK(idle == 1);  // four members, three partitions
  CHECK(d.rec.of(ev::Rebalance).size() == 1);
}

TEST_CASE("a member silent for session.timeout.ms is evicted and its partitions move", "[log][group]") {
  LogBrokerConfig cfg;
  cfg.topics.push_back(TopicConfig{"orders", 2, {}});
  cfg.groups.push_back(GroupConfig{"g", AssignorKind::Range});
  LogBroker b(cfg);
  Driver d(b, kBroker);
  d.start();
  d.packet(1, JoinGroup{"g", {"orders"}, 2.0});
  d.packet(2, JoinGroup{"g", {"orders"}, 2.0});
  run_until(d, 0.1);
  CHECK(b.assignment("g", 2) == std::vector<TopicPartition>{{"orders", 1}});
  // Member 1 keeps heartbeating; member 2 goes silent at t = 0.
  for (double t : {0.5, 1.0, 1.5}) {
    run_until(d, t);
    d.packet(1, Heartbeat{"g", b.generation("g")});
  }
  run_until(d, 1.95);
  CHECK(b.members("g").size() == 2);  // 1.95 s of silence is still within the session timeout
  d.packet(1, Heartbeat{"g", b.generation("g")});
  run_until(d, 2.3);
  CHECK(b.members("g") == std::vector<NodeId>{1});
  CHECK(b.generation("g") == 2);
  CHECK(b.assignment("g", 1) == std::vector<TopicPartition>{{"orders", 0}, {"orders", 1}});
  auto lost = d.rec.of(ev::ConnectionLost);
  REQUIRE(lost.size() == 1);
  CHECK(lost[0].peer == 2);
  CHECK(lost[0].text == "session.timeout.ms");
  // The evicted member learns it on its next heartbeat and must rejoin.
  d.take<UnknownMember>();
  d.packet(2, Heartbeat{"g", 1});
  CHECK(d.take<UnknownMember>(2).size() == 1);
}

TEST_CASE("commits from an unknown member or a stale generation are rejected", "[log][group][commit]") {
  LogBrokerConfig cfg;
  cfg.topics.push_back(TopicConfig{"orders", 2, {}});
  cfg.groups.push_back(GroupConfig{"g", AssignorKind::Range});
  LogBroker b(cfg);
  Driver d(b, kBroker);
  d.start();
  d.packet(1, JoinGroup{"g", {"orders"}, 10});
  run_until(d, 0.1);
  const TopicPartition p0{"orders", 0};
  d.packet(1, OffsetCommit{"g", 1, {FetchPartition{p0, 4}}});
  CHECK(b.committed("g", p0) == 4);
  d.packet(9, OffsetCommit{"g", 1, {FetchPartition{p0, 8}}});  // never joined
  CHECK(b.committed("g", p0) == 4);
  d.packet(2, JoinGroup{"g", {"orders"}, 10});
  run_until(d, 0.2);
  REQUIRE(b.generation("g") == 2);
  // A commit two generations old is refused; one from the generation just before, for
  // a partition the member held then (orders/0), still counts (onPartitionsRevoked).
  d.packet(1, OffsetCommit{"g", 0, {FetchPartition{p0, 6}}});
  CHECK(b.committed("g", p0) == 4);
  d.packet(1, OffsetCommit{"g", 1, {FetchPartition{p0, 6}}});
  CHECK(b.committed("g", p0) == 6);
  auto commits = d.rec.of(ev::Commit);
  int rejected = 0;
  for (const auto& c : commits) rejected += c.flag;
  CHECK(rejected == 2);
}
