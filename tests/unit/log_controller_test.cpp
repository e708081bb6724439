// The KRaft controller (one voter, driven by hand): fencing after
// broker.session.timeout.ms, clean and unclean leader election, offline partitions,
// AlterPartition checks.
#include <catch2/catch.hpp>

#include "harness.hpp"
#include "kafka/controller.hpp"

using namespace bs;
using namespace bs::kafka;
using bs::test::Driver;

namespace {
constexpr NodeId kC = 0, kB1 = 1, kB2 = 2, kB3 = 3;
const TopicPartition kTp{"orders", 0};

ControllerConfig config(bool unclean = false) {
  ControllerConfig c;
  c.voters = {kC};
  c.brokers = {kB1, kB2, kB3};
  c.names = {{kC, "c1"}, {kB1, "b1"}, {kB2, "b2"}, {kB3, "b3"}};
  c.partitions.push_back(PartitionState{kTp, {kB1, kB2, kB3}, {kB1, kB2, kB3}, kB1, 0, 0, false});
  if (unclean) c.unclean_topics.insert("orders");
  c.session_timeout_s = 1.0;
  c.election_timeout_s = 0.1;
  return c;
}

/// Start the controller and let its single-voter Raft elect itself.
void elect(Driver& d) {
  d.start();
  d.run_until(0.5);
  REQUIRE(dynamic_cast<Controller&>(d.node).active());
  d.sent.clear();
}

/// Brokers `alive` heartbeat every 0.2 s until `until`.
void heartbeats(Driver& d, std::vector<NodeId> alive, double until) {
  for (double t = d.now + 0.2; t <= until + 1e-9; t += 0.2) {
    d.run_until(t);
    for (NodeId b : alive) d.packet(b, BrokerHeartbeat{1, false});
  }
}

const PartitionState& state(Driver& d) { return dynamic_cast<Controller&>(d.node).image().partitions.at(kTp); }
}  // namespace

TEST_CASE("controller: a silent leader is fenced and the next ISR replica leads in epoch 1", "[log][controller]") {
  Controller c(config(), kC);
  Driver d(c, kC);
  elect(d);
  heartbeats(d, {kB1, kB2, kB3}, 1.5);
  CHECK(state(d).leader == kB1);
  heartbeats(d, {kB2, kB3}, 3.0);  // b1 stops: fenced after 1 s
  CHECK(c.image().fenced.count(kB1) == 1);
  CHECK(state(d).leader == kB2);
  CHECK(state(d).leader_epoch == 1);
  CHECK(state(d).isr == std::vector<NodeId>{kB2, kB3});
  CHECK_FALSE(state(d).unclean);
  const auto elections = d.rec.of(ev::LeaderElection);
  REQUIRE(elections.size() == 1);
  CHECK(elections[0].text == "b2,b3");
  // Brokers hear it.
  bool told = false;
  for (const auto& u : d.take<MetadataUpdate>(kB2))
    for (const auto& p : u.partitions) told |= p.leader == kB2;
  CHECK(told);
}

TEST_CASE("controller: with no ISR replica alive the partition goes offline, and comes back with it", "[log][controller]") {
  Controller c(config(), kC);
  Driver d(c, kC);
  elect(d);
  // The leader shrank the ISR to itself (its followers fell behind).
  d.packet(kB1, AlterPartition{PartitionState{kTp, {kB1, kB2, kB3}, {kB1}, kB1, 0, 0, false}});
  REQUIRE(state(d).isr == std::vector<NodeId>{kB1});
  heartbeats(d, {kB2, kB3}, 2.0);  // then b1 dies
  CHECK(state(d).leader == kNoNode);  // b2 and b3 are out of sync: no clean candidate
  CHECK(state(d).isr == std::vector<NodeId>{kB1});  // KRaft keeps the last ISR member
  // b1 returns: a snapshot first, then (caught up) unfenced, then it leads again.
  d.packet(kB1, BrokerHeartbeat{0, false});
  CHECK_FALSE(d.take<MetadataUpdate>(kB1).empty());
  d.packet(kB1, BrokerHeartbeat{c.image().offset, false});
  CHECK(c.image().fenced.count(kB1) == 0);
  d.run_until(d.now + 0.1);
  CHECK(state(d).leader == kB1);
  CHECK_FALSE(state(d).unclean);
}

TEST_CASE("controller: unclean.leader.election.enable elects an out-of-sync replica", "[log][controller]") {
  Controller c(config(true), kC);
  Driver d(c, kC);
  elect(d);
  d.packet(kB1, AlterPartition{PartitionState{kTp, {kB1, kB2, kB3}, {kB1}, kB1, 0, 0, false}});
  heartbeats(d, {kB2, kB3}, 2.0);
  CHECK(state(d).leader == kB2);
  CHECK(state(d).unclean);
  CHECK(state(d).isr == std::vector<NodeId>{kB2});
  const auto elections = d.rec.of(ev::LeaderElection);
  REQUIRE_FALSE(elections.empty());
  CHECK(elections.back().flag);  // traced as unclean
}

TEST_CASE("controller: AlterPartition with a stale epoch or from a non-leader is refused", "[log][controller]") {
  Controller c(config(), kC);
  Driver d(c, kC);
  elect(d);
  d.packet(kB2, AlterPartition{PartitionState{kTp, {kB1, kB2, kB3}, {kB2}, kB2, 0, 0, false}});
  auto r = d.take<AlterPartitionResponse>(kB2);
  REQUIRE(r.size() == 1);
  CHECK(r[0].error == ErrorCode::FencedLeaderEpoch);
  d.packet(kB1, AlterPartition{PartitionState{kTp, {kB1, kB2, kB3}, {kB1, kB2}, kB1, 0, 7, false}});
  CHECK(d.take<AlterPartitionResponse>(kB1).size() == 1);
  CHECK(state(d).isr.size() == 3);
  d.packet(kB1, AlterPartition{PartitionState{kTp, {kB1, kB2, kB3}, {kB1, kB2}, kB1, 0, 0, false}});
  CHECK(state(d).isr == std::vector<NodeId>{kB1, kB2});
  CHECK(state(d).partition_epoch == 1);
  CHECK(d.rec.of(ev::IsrChange).size() == 1);
}

TEST_CASE("controller: a controller that is not active redirects brokers", "[log][controller]") {
  ControllerConfig cfg = config();
  cfg.voters = {kC, 9, 10};  // two other voters that never answer: no majority
  Controller c(cfg, kC);
  Driver d(c, kC);
  d.start();
  d.run_until(2.0);
  CHECK_FALSE(c.active());
  d.packet(kB1, BrokerHeartbeat{0, false});
  CHECK(d.take<NotController>(kB1).size() == 1);
  // Without a quorum nothing is fenced, however long brokers are silent.
  d.run_until(20.0);
  CHECK(c.image().fenced.empty());
}
