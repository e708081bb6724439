// A partition leader and a follower, driven by hand: acks=all waits for the follower's
// fetch, NOT_ENOUGH_REPLICAS below min.insync.replicas, the ISR shrink goes through the
// controller, the follower truncates where the leader says its log diverges (KIP-595),
// and the idempotent producer's retry is not written twice (KIP-98).
#include <catch2/catch.hpp>

#include "harness.hpp"
#include "kafka/log_broker.hpp"
#include "log_harness.hpp"

using namespace bs;
using namespace bs::kafka;
using bs::test::Driver;
using bs::test::record;

namespace {
constexpr NodeId kC = 0, kB1 = 1, kB2 = 2, kP = 5;
const TopicPartition kTp{"orders", 0};

LogBrokerConfig config(std::int32_t min_insync) {
  LogBrokerConfig c;
  TopicConfig t{"orders", 1, {}};
  t.replication_factor = 2;
  t.min_insync = min_insync;
  c.topics.push_back(t);
  c.partitions.push_back(PartitionState{kTp, {kB1, kB2}, {kB1, kB2}, kB1, 0, 0, false});
  c.controllers = {kC};
  c.replica_lag_time_max_s = 1.0;
  return c;
}

ProduceRequest produce(std::vector<MsgId> ids, std::int32_t acks, std::uint64_t request) {
  ProduceRequest r{"orders", {PartitionBatch{0, {}}}, acks, request};
  for (MsgId id : ids) r.batches[0].records.push_back(record(id));
  return r;
}

ReplicaFetch fetch(std::int64_t offset, std::int32_t leader_epoch, std::int32_t last_epoch) {
  return ReplicaFetch{1, {ReplicaFetchPartition{kTp, offset, leader_epoch, last_epoch}}, 0.0, 100};
}
}  // namespace

TEST_CASE("replication: acks=all is answered when the follower's fetch moves the high watermark", "[log][replication]") {
  LogBroker b(config(2));
  Driver d(b, kB1);
  d.start();
  d.packet(kP, produce({1, 2}, -1, 7));
  CHECK(d.take<ProduceResponse>(kP).empty());  // waits in purgatory
  CHECK(b.log(kTp)->high_watermark() == 0);
  d.packet(kB2, fetch(0, 0, -1));  // the follower has nothing yet: gets both records
  auto data = d.take<ReplicaFetchResponse>(kB2);
  REQUIRE(data.size() == 1);
  CHECK(data[0].parts[0].records.size() == 2);
  CHECK(d.take<ProduceResponse>(kP).empty());
  d.packet(kB2, fetch(2, 0, 0));  // it has them: the high watermark passes the batch
  CHECK(b.log(kTp)->high_watermark() == 2);
  auto resp = d.take<ProduceResponse>(kP);
  REQUIRE(resp.size() == 1);
  CHECK(resp[0].parts[0].error == ErrorCode::None);
  CHECK(resp[0].parts[0].base_offset == 0);
}

TEST_CASE("replication: acks=1 is answered at once, before any follower has the records", "[log][replication]") {
  LogBroker b(config(2));
  Driver d(b, kB1);
  d.start();
  d.packet(kP, produce({1}, 1, 7));
  CHECK(d.take<ProduceResponse>(kP).size() == 1);
  CHECK(b.log(kTp)->high_watermark() == 0);  // not committed: a consumer cannot read it yet
}

TEST_CASE("replication: a silent follower leaves the ISR through the controller, then acks=all is refused", "[log][replication]") {
  LogBroker b(config(2));
  Driver d(b, kB1);
  d.start();
  d.packet(kP, produce({1}, 1, 7));
  d.run_until(2.0);  // the follower never fetches: out of sync after replica.lag.time.max.ms
  auto alter = d.take<AlterPartition>(kC);
  REQUIRE_FALSE(alter.empty());
  CHECK(alter.back().state.isr == std::vector<NodeId>{kB1});
  // Until the controller commits the shrink, the ISR (and the high watermark) stay.
  CHECK(b.log(kTp)->high_watermark() == 0);
  d.packet(kC, MetadataUpdate{2, {PartitionState{kTp, {kB1, kB2}, {kB1}, kB1, 0, 1, false}}, {}});
  CHECK(b.log(kTp)->high_watermark() == 1);  // the leader alone holds it now
  d.take<ProduceResponse>(kP);
  d.packet(kP, produce({2}, -1, 8));
  auto resp = d.take<ProduceResponse>(kP);
  REQUIRE(resp.size() == 1);
  CHECK(resp[0].parts[0].error == ErrorCode::NotEnoughReplicas);
  CHECK(b.log(kTp)->log_end_offset() == 1);  // refused before the append
}

TEST_CASE("replication: a returning leader truncates what the new leader never had (KIP-101/595)", "[log][replication]") {
  LogBroker b(config(1));
  Driver d(b, kB1);
  d.start();
  d.packet(kP, produce({1, 2, 3}, 1, 7));  // epoch 0, offsets 0-2, acknowledged (acks=1)
  // b2 becomes leader in epoch 1 with only offset 0; this broker is now its follower.
  d.packet(kC, MetadataUpdate{3, {PartitionState{kTp, {kB1, kB2}, {kB2}, kB2, 1, 1, false}}, {}});
  auto f = d.take<ReplicaFetch>(kB2);
  REQUIRE(f.size() == 1);
  CHECK(f[0].partitions[0].fetch_offset == 3);
  CHECK(f[0].partitions[0].last_fetched_epoch == 0);
  ReplicaFetchPartitionData div;
  div.tp = kTp;
  div.leader_epoch = 1;
  div.fetch_offset = 3;
  div.diverging = DivergingEpoch{0, 1};  // epoch 0 ends at offset 1 on the leader
  d.packet(kB2, ReplicaFetchResponse{f[0].fetch_id, {div}});
  CHECK(b.log(kTp)->log_end_offset() == 1);
  const auto gone = d.rec.of(ev::Truncate);
  REQUIRE(gone.size() == 2);
  CHECK(gone[0].msg == 2);
  CHECK(gone[0].tag == 1);
  CHECK(gone[1].msg == 3);
  CHECK(gone[0].text == "leader_epoch");
  auto again = d.take<ReplicaFetch>(kB2);  // and fetches from the truncation point
  REQUIRE(again.size() == 1);
  CHECK(again[0].partitions[0].fetch_offset == 1);
}

TEST_CASE("replication: the leader tells a follower where its log diverges", "[log][replication]") {
  LogBroker b(config(1));
  Driver d(b, kB1);
  d.start();
  d.packet(kP, produce({1}, 1, 7));  // offset 0 in epoch 0
  d.packet(kC, MetadataUpdate{3, {PartitionState{kTp, {kB1, kB2}, {kB1}, kB1, 1, 1, false}}, {}});
  d.packet(kP, produce({2}, 1, 8));  // offset 1 in epoch 1
  // The follower wrote offsets 0-2 in epoch 0 (under an older leader).
  d.packet(kB2, fetch(3, 1, 0));
  auto r = d.take<ReplicaFetchResponse>(kB2);
  REQUIRE(r.size() == 1);
  CHECK(r[0].parts[0].diverging.epoch == 0);
  CHECK(r[0].parts[0].diverging.end_offset == 1);
  CHECK(r[0].parts[0].records.empty());
}

TEST_CASE("replication: an idempotent producer's retried batch is answered, not written again", "[log][replication]") {
  LogBroker b(config(1));
  Driver d(b, kB1);
  d.start();
  ProduceRequest p = produce({1, 2}, 1, 7);
  p.producer_id = 42;
  p.batches[0].base_sequence = 0;
  d.packet(kP, p);
  p.request_id = 8;  // the retry after a lost response
  d.packet(kP, p);
  CHECK(b.log(kTp)->log_end_offset() == 2);
  auto resp = d.take<ProduceResponse>(kP);
  REQUIRE(resp.size() == 2);
  CHECK(resp[1].parts[0].error == ErrorCode::None);
  CHECK(resp[1].parts[0].base_offset == 0);
  CHECK(d.rec.of(ev::SequenceCheck).size() == 1);
  ProduceRequest gap = produce({3}, 1, 9);  // sequence 5 after 1: a gap
  gap.producer_id = 42;
  gap.batches[0].base_sequence = 5;
  d.packet(kP, gap);
  resp = d.take<ProduceResponse>(kP);
  REQUIRE(resp.size() == 1);
  CHECK(resp[0].parts[0].error == ErrorCode::OutOfOrderSequenceNumber);
  // Without a producer id the same records are simply written again.
  d.packet(kP, produce({1, 2}, 1, 10));
  CHECK(b.log(kTp)->log_end_offset() == 4);
}
