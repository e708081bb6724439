// The partition leader's replica bookkeeping: LEOs, the ISR and the high watermark.
#include <catch2/catch.hpp>

#include "kafka/replica_set.hpp"

using namespace bs;
using bs::kafka::ReplicaSet;

namespace {
constexpr NodeId kL = 0, kF1 = 1, kF2 = 2;
}  // namespace

TEST_CASE("the high watermark waits for the slowest in-sync follower", "[log][replication]") {
  ReplicaSet r(kL, {kL, kF1, kF2}, 10.0, 2, 0, 0.0);
  r.leader_appended(5);
  CHECK(r.high_watermark() == 0);
  r.follower_fetched(kF1, 5, 0.1);
  CHECK(r.high_watermark() == 0);  // F2 has nothing yet
  r.follower_fetched(kF2, 3, 0.1);
  CHECK(r.high_watermark() == 3);
  CHECK(r.replicated(3));
  CHECK_FALSE(r.replicated(5));    // an acks=all request for offsets 0-4 still waits
  r.follower_fetched(kF2, 5, 0.2);
  CHECK(r.high_watermark() == 5);
  CHECK(r.replicated(5));
}

TEST_CASE("a silent follower leaves the ISR after replica.lag.time.max.ms and the high watermark moves on",
          "[log][replication]") {
  ReplicaSet r(kL, {kL, kF1, kF2}, 1.0, 2, 0, 0.0);
  r.leader_appended(4);
  r.follower_fetched(kF1, 4, 0.5);
  CHECK(r.shrink(0.9).empty());    // F2 silent, but not for a whole second yet
  const auto out = r.shrink(1.1);
  REQUIRE(out == std::vector<NodeId>{kF2});
  CHECK_FALSE(r.in_isr(kF2));
  CHECK(r.isr() == std::vector<NodeId>{kL, kF1});
  CHECK(r.high_watermark() == 4);
  CHECK(r.enough_replicas());      // two in the ISR, min.insync.replicas 2
}

TEST_CASE("a follower that keeps fetching but never catches up also leaves, and one at the leader's end stays",
          "[log][replication]") {
  ReplicaSet r(kL, {kL, kF1, kF2}, 1.0, 1, 0, 0.0);
  double t = 0;
  std::int64_t leo = 0, f1 = 0;
  for (int i = 0; i < 30; ++i) {  // the leader gains 10 records every 0.1 s, F1 copies 5
    t += 0.1;
    leo += 10;
    r.leader_appended(leo);
    f1 += 5;
    r.follower_fetched(kF1, f1, t);
    r.follower_fetched(kF2, leo, t);
    r.shrink(t);  // the leader's periodic ISR check
  }
  CHECK_FALSE(r.in_isr(kF1));
  CHECK(r.in_isr(kF2));
  // KAFKA-7152: a follower already at the leader's log end offset is in sync however long
  // it has not fetched (nothing was appended since).
  CHECK(r.shrink(t + 100).empty());
}

TEST_CASE("a follower rejoins the ISR when it reaches the high watermark", "[log][replication]") {
  ReplicaSet r(kL, {kL, kF1, kF2}, 1.0, 2, 0, 0.0);
  r.leader_appended(10);
  r.follower_fetched(kF1, 10, 0.5);
  r.shrink(2.0);
  REQUIRE_FALSE(r.in_isr(kF2));
  CHECK(r.high_watermark() == 10);
  CHECK_FALSE(r.follower_fetched(kF2, 6, 2.1));  // behind the high watermark: still out
  CHECK_FALSE(r.in_isr(kF2));
  CHECK(r.follower_fetched(kF2, 10, 2.2));       // caught up: ISR expand
  CHECK(r.in_isr(kF2));
}

TEST_CASE("below min.insync.replicas acks=all cannot be accepted, and the leader alone moves the high watermark",
          "[log][replication]") {
  ReplicaSet r(kL, {kL, kF1, kF2}, 1.0, 2, 0, 0.0);
  r.leader_appended(3);
  r.shrink(5.0);  // both followers silent
  CHECK(r.isr() == std::vector<NodeId>{kL});
  CHECK_FALSE(r.enough_replicas());               // NOT_ENOUGH_REPLICAS for acks=all
  r.leader_appended(7);
  CHECK(r.high_watermark() == 7);                 // what acks=1 and the leader alone see
}
