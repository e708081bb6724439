// Log-model clients with bootstrap.servers: metadata first, from the bootstrap brokers in
// order after request.timeout.ms and reconnect.backoff.ms; then the leader / coordinator.
#include <algorithm>

#include <catch2/catch.hpp>

#include "kafka/consumer.hpp"
#include "kafka/producer.hpp"
#include "harness.hpp"
#include "kafka/log_broker.hpp"
#include "vocabulary/vocabulary.hpp"

using namespace bs;
using namespace bs::kafka;
using bs::test::Driver;

namespace {
constexpr NodeId kB1 = 0, kB2 = 1, kClient = 2;
}  // namespace

TEST_CASE("bootstrap: a consumer asks its bootstrap brokers in turn and joins at the coordinator named", "[log][failover]") {
  ConsumerConfig cfg{.broker = kB2, .group = "g", .topics = {"orders"}};
  cfg.bootstrap = {kB1, kB2};
  cfg.bootstrap_names = {"b1", "b2"};
  cfg.request_timeout_s = 1.0;
  cfg.reconnect_s = 0.05;
  Consumer c(cfg);
  Driver d(c, kClient);
  d.start();
  d.run_until(0);
  auto md = d.take<MetadataRequest>(kB1);
  REQUIRE(md.size() == 1);
  CHECK(md[0].group == "g");
  CHECK(d.take<JoinGroup>().empty());
  // b1 is silent: at request.timeout.ms the consumer gives up on it ...
  d.run_until(1.04);
  REQUIRE(d.rec.of(ev::Failover).size() == 1);
  CHECK(d.rec.of(ev::Failover)[0].t == Approx(1.0));
  CHECK(d.rec.of(ev::Failover)[0].text == "request_timeout");
  CHECK(d.take<MetadataRequest>().empty());
  // ... and asks b2 after reconnect.backoff.ms.
  d.run_until(1.05);
  auto md2 = d.take<MetadataRequest>(kB2);
  REQUIRE(md2.size() == 1);
  CHECK(md2[0].request_id != md[0].request_id);
  // A late answer to the first request is ignored; b2's answer names the coordinator.
  d.packet(kB1, MetadataResponse{md[0].request_id, {{"orders", kB1}}, kB1});
  CHECK(d.take<JoinGroup>().empty());
  d.packet(kB2, MetadataResponse{md2[0].request_id, {{"orders", kB2}}, kB2});
  CHECK(d.take<JoinGroup>(kB2).size() == 1);
  CHECK(c.coordinator() == kB2);
  // No more failovers while the coordinator answers its heartbeats.
  for (double t = 1.1; t <= 5; t += 0.1) {
    d.run_until(t);
    for (std::size_t i = d.take<Heartbeat>(kB2).size(); i > 0; --i) d.packet(kB2, HeartbeatResponse{"g", ErrorCode::None});
  }
  CHECK(d.rec.of(ev::Failover).size() == 1);
}

TEST_CASE("bootstrap: a producer waits for the leader, then produces there", "[log][failover]") {
  ProducerConfig cfg;
  cfg.bootstrap = {kB1, kB2};
  cfg.bootstrap_names = {"b1", "b2"};
  cfg.topic = "orders";
  cfg.partitions = 2;
  cfg.count = 10;
  cfg.interval_s = 0.1;
  Producer p(cfg);
  Driver d(p, kClient);
  d.start();
  auto md = d.take<MetadataRequest>(kB1);
  REQUIRE(md.size() == 1);
  d.run_until(0.35);
  CHECK(d.take<ProduceRequest>().empty());  // send() blocks on the metadata
  CHECK(p.leader() == kNoNode);
  d.packet(kB1, MetadataResponse{md[0].request_id,
                                 {PartitionMetadata{TopicPartition{"orders", 0}, kB2, 0}, PartitionMetadata{TopicPartition{"orders", 1}, kB2, 0}},
                                 kNoNode});
  CHECK(p.leader() == kB2);
  CHECK(d.take<ProduceRequest>(kB2).size() == 1);  // the batch that was due, to the leader
  d.run_until(0.55);
  CHECK(d.take<ProduceRequest>(kB2).size() == 2);
  CHECK(d.take<ProduceRequest>(kB1).empty());
  CHECK(d.rec.of(ev::Publish).front().peer == kB2);
}

TEST_CASE("bootstrap: any broker answers metadata from the cluster map", "[log][failover][broker]") {
  LogBrokerConfig cfg;
  for (std::int32_t p = 0; p < 2; ++p)  // the cluster's orders partitions, both on b2
    cfg.partitions.push_back(PartitionState{TopicPartition{"orders", p}, {kB2}, {kB2}, kB2, 0, 0, false});
  cfg.group_coordinators = {{"g", kB2}};
  LogBroker b(cfg);
  Driver d(b, kB1);
  d.start();
  d.packet(kClient, MetadataRequest{{"orders", "nope"}, "g", 7});
  auto r = d.take<MetadataResponse>(kClient);
  REQUIRE(r.size() == 1);
  CHECK(r[0].request_id == 7);
  REQUIRE(r[0].partitions.size() == 2);  // orders/0 and orders/1; "nope" is unknown
  CHECK(r[0].partitions[0].leader == kB2);
  CHECK(r[0].partitions[1].tp.partition == 1);
  CHECK(r[0].coordinator == kB2);
}
