// Log-model clients in a replicated cluster, against scripted brokers: per-partition
// leaders, retries (retries, retry.backoff.ms, request.timeout.ms, delivery.timeout.ms),
// max.in.flight.requests.per.connection, the idempotent producer (KIP-98), and the
// consumer following leader and coordinator moves.
#include <catch2/catch.hpp>

#include "kafka/consumer.hpp"
#include "kafka/producer.hpp"
#include "log_harness.hpp"
#include "vocabulary/vocabulary.hpp"

using namespace bs;
using namespace bs::kafka;
using bs::test::Driver;
using bs::test::run_until;

namespace {
constexpr NodeId kB1 = 0, kB2 = 1, kClient = 2;
const TopicPartition kP0{"orders", 0}, kP1{"orders", 1};

ProducerConfig producer_config() {
  ProducerConfig c;
  c.topic = "orders";
  c.partitions = 2;
  c.count = 1;
  c.interval_s = 0.1;
  return c;
}

ProducerConfig cluster_producer() {
  ProducerConfig c = producer_config();
  c.bootstrap = {kB1, kB2};
  c.bootstrap_names = {"b1", "b2"};
  return c;
}

MetadataResponse leaders(std::uint64_t id, NodeId p0, NodeId p1, NodeId coordinator = kNoNode) {
  return MetadataResponse{id, {PartitionMetadata{kP0, p0, 0}, PartitionMetadata{kP1, p1, 0}}, coordinator};
}

ProduceResponse answer(const ProduceRequest& r, ErrorCode e = ErrorCode::None) {
  ProduceResponse out{r.request_id, {}};
  for (const auto& b : r.batches) out.parts.push_back({b.partition, 0, static_cast<std::uint32_t>(b.records.size()), e});
  return out;
}

std::size_t confirms(const Driver& d, MsgId id, bool ack) {
  std::size_t n = 0;
  for (const auto& e : d.rec.of(ev::Confirm)) n += e.msg == id && e.flag == ack;
  return n;
}

ConsumerConfig consumer_config() {
  ConsumerConfig c{.broker = kB1, .group = "g", .topics = {"orders"}};
  c.bootstrap = {kB1, kB2};
  c.bootstrap_names = {"b1", "b2"};
  c.request_timeout_s = 1;
  return c;
}
}  // namespace

TEST_CASE("producer: each partition's batch goes to that partition's leader", "[log][producer][failover]") {
  ProducerConfig cfg = cluster_producer();
  cfg.batch = 2;  // keyless: one record to each partition
  cfg.count = 2;
  Producer p(cfg);
  Driver d(p, kClient);
  d.start();
  auto md = d.take<MetadataRequest>(kB1);
  REQUIRE(md.size() == 1);
  d.packet(kB1, leaders(md[0].request_id, kB1, kB2));
  run_until(d, 0);
  auto to1 = d.take<ProduceRequest>(kB1);
  auto to2 = d.take<ProduceRequest>(kB2);
  REQUIRE(to1.size() == 1);
  REQUIRE(to2.size() == 1);
  REQUIRE(to1[0].batches.size() == 1);
  REQUIRE(to2[0].batches.size() == 1);
  CHECK(to1[0].batches[0].partition == 0);
  CHECK(to2[0].batches[0].partition == 1);
  CHECK(to1[0].acks == -1);  // acks=all, Kafka 3.x's default
  CHECK(p.leader_of(1) == kB2);
}

TEST_CASE("producer: NOT_LEADER_OR_FOLLOWER refreshes the metadata and resends to the new leader", "[log][producer][failover]") {
  ProducerConfig cfg = cluster_producer();
  Producer p(cfg);
  Driver d(p, kClient);
  d.start();
  auto md = d.take<MetadataRequest>(kB1);
  d.packet(kB1, leaders(md[0].request_id, kB1, kB1));
  run_until(d, 0);
  auto req = d.take<ProduceRequest>(kB1);
  REQUIRE(req.size() == 1);
  const MsgId id = req[0].batches[0].records[0].id;
  d.packet(kB1, answer(req[0], ErrorCode::NotLeaderOrFollower));
  auto errs = d.rec.of(ev::ProduceError);
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].msg == id);
  CHECK(errs[0].flag);  // will be retried
  CHECK(errs[0].seq == 1);
  CHECK(errs[0].queue == "orders/0");
  CHECK(errs[0].text == "NOT_LEADER_OR_FOLLOWER");
  CHECK(errs[0].peer == kB1);
  auto md2 = d.take<MetadataRequest>();
  REQUIRE(md2.size() == 1);
  d.packet(kB1, leaders(md2[0].request_id, kB2, kB2));
  run_until(d, 0.099);
  CHECK(d.take<ProduceRequest>().empty());  // retry.backoff.ms
  run_until(d, 0.1);
  CHECK(d.take<ProduceRequest>(kB1).empty());
  auto again = d.take<ProduceRequest>(kB2);
  REQUIRE(again.size() == 1);
  CHECK(again[0].batches[0].records[0].id == id);
  d.packet(kB2, answer(again[0]));
  CHECK(confirms(d, id, true) == 1);
  CHECK(p.unacknowledged() == 0);
}

TEST_CASE("producer: NOT_ENOUGH_REPLICAS is retried after retry.backoff.ms and confirmed once", "[log][producer]") {
  ProducerConfig cfg = producer_config();
  cfg.broker = kB1;
  cfg.retry_backoff_s = 0.25;
  Producer p(cfg);
  Driver d(p, kClient);
  d.start();
  run_until(d, 0);
  auto req = d.take<ProduceRequest>(kB1);
  REQUIRE(req.size() == 1);
  d.packet(kB1, answer(req[0], ErrorCode::NotEnoughReplicas));
  CHECK(d.take<MetadataRequest>().empty());  // one broker: nothing to refresh
  run_until(d, 0.2);
  CHECK(d.take<ProduceRequest>().empty());
  run_until(d, 0.25);
  auto again = d.take<ProduceRequest>(kB1);
  REQUIRE(again.size() == 1);
  d.packet(kB1, answer(again[0]));
  d.packet(kB1, answer(again[0]));  // a duplicated answer confirms nothing more
  CHECK(confirms(d, 1, true) == 1);
  CHECK(confirms(d, 1, false) == 0);
  REQUIRE(d.rec.of(ev::ProduceError).size() == 1);
  CHECK(d.rec.of(ev::ProduceError)[0].text == "NOT_ENOUGH_REPLICAS");
  // The retry is traced as a second publish of the same id.
  CHECK(d.rec.of(ev::Publish).size() == 2);
}

TEST_CASE("producer: a request timeout resends the same message id (a duplicate risk without idempotence)", "[log][producer]") {
  ProducerConfig cfg = producer_config();
  cfg.broker = kB1;
  cfg.request_timeout_s = 1;
  Producer p(cfg);
  Driver d(p, kClient);
  d.start();
  run_until(d, 0);
  auto first = d.take<ProduceRequest>(kB1);
  REQUIRE(first.size() == 1);
  run_until(d, 0.99);
  CHECK(d.rec.of(ev::ProduceError).empty());
  run_until(d, 1.0);
  auto errs = d.rec.of(ev::ProduceError);
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].text == "REQUEST_TIMED_OUT");
  CHECK(errs[0].flag);
  run_until(d, 1.1);
  auto second = d.take<ProduceRequest>(kB1);
  REQUIRE(second.size() == 1);
  CHECK(second[0].batches[0].records[0].id == first[0].batches[0].records[0].id);
  CHECK(second[0].producer_id == -1);
  // The first attempt's answer arrives late: the record is confirmed once, by the retry.
  d.packet(kB1, answer(first[0]));
  CHECK(confirms(d, 1, true) == 0);
  d.packet(kB1, answer(second[0]));
  CHECK(confirms(d, 1, true) == 1);
}

TEST_CASE("producer: delivery.timeout.ms ends the retries and nacks the record", "[log][producer]") {
  ProducerConfig cfg = producer_config();
  cfg.broker = kB1;
  cfg.request_timeout_s = 1;
  cfg.delivery_timeout_s = 2.5;
  Producer p(cfg);
  Driver d(p, kClient);
  d.start();
  run_until(d, 2.49);
  CHECK(d.take<ProduceRequest>(kB1).size() == 3);  // at 0, 1.1 and 2.2
  CHECK(confirms(d, 1, false) == 0);
  run_until(d, 2.5);
  auto errs = d.rec.of(ev::ProduceError);
  REQUIRE(errs.size() == 3);
  CHECK(errs.back().text == "DELIVERY_TIMEOUT");
  CHECK_FALSE(errs.back().flag);
  CHECK(confirms(d, 1, false) == 1);
  run_until(d, 10);
  CHECK(d.take<ProduceRequest>().empty());
  CHECK(p.unacknowledged() == 0);
}

TEST_CASE("producer: when retries run out the last error nacks the record", "[log][producer]") {
  ProducerConfig cfg = producer_config();
  cfg.broker = kB1;
  cfg.retries = 1;
  Producer p(cfg);
  Driver d(p, kClient);
  d.start();
  run_until(d, 0);
  d.packet(kB1, answer(d.take<ProduceRequest>(kB1).at(0), ErrorCode::NotEnoughReplicas));
  run_until(d, 0.1);
  d.packet(kB1, answer(d.take<ProduceRequest>(kB1).at(0), ErrorCode::NotEnoughReplicas));
  auto errs = d.rec.of(ev::ProduceError);
  REQUIRE(errs.size() == 2);
  CHECK(errs[1].seq == 2);
  CHECK_FALSE(errs[1].flag);
  CHECK(errs[1].text == "NOT_ENOUGH_REPLICAS");
  CHECK(confirms(d, 1, false) == 1);
  run_until(d, 5);
  CHECK(d.take<ProduceRequest>().empty());
}

TEST_CASE("producer: the idempotent producer gets an id first and numbers each partition's records", "[log][producer][idempotence]") {
  ProducerConfig cfg = producer_config();
  cfg.broker = kB1;
  cfg.enable_idempotence = true;
  cfg.batch = 2;
  cfg.count = 4;
  Producer p(cfg);
  Driver d(p, kClient);
  d.start();
  auto init = d.take<InitProducerId>(kB1);
  REQUIRE(init.size() == 1);
  run_until(d, 0.05);
  CHECK(d.take<ProduceRequest>().empty());  // nothing leaves without the producer id
  d.packet(kB1, InitProducerIdResponse{init[0].request_id, 42, 3});
  CHECK(p.producer_id() == 42);
  auto r1 = d.take<ProduceRequest>(kB1);
  REQUIRE(r1.size() == 1);
  CHECK(r1[0].producer_id == 42);
  CHECK(r1[0].producer_epoch == 3);
  REQUIRE(r1[0].batches.size() == 2);
  for (const auto& b : r1[0].batches) CHECK(b.base_sequence == 0);
  d.packet(kB1, answer(r1[0]));
  run_until(d, 0.1);
  auto r2 = d.take<ProduceRequest>(kB1);
  REQUIRE(r2.size() == 1);
  for (const auto& b : r2[0].batches) CHECK(b.base_sequence == 1);
  // partition 0 fails, partition 1 is written
  ProduceResponse resp = answer(r2[0]);
  for (auto& part : resp.parts)
    if (part.partition == 0) part.error = ErrorCode::NotEnoughReplicas;
  d.packet(kB1, resp);
  run_until(d, 0.2);
  auto r3 = d.take<ProduceRequest>(kB1);
  REQUIRE(r3.size() == 1);
  REQUIRE(r3[0].batches.size() == 1);
  CHECK(r3[0].batches[0].partition == 0);
  CHECK(r3[0].batches[0].base_sequence == 1);  // the same sequence again
  // The leader had it after all: DUPLICATE_SEQUENCE_NUMBER counts as written.
  const MsgId id = r3[0].batches[0].records[0].id;
  d.packet(kB1, answer(r3[0], ErrorCode::DuplicateSequenceNumber));
  CHECK(confirms(d, id, true) == 1);
  CHECK(confirms(d, id, false) == 0);
  CHECK(p.unacknowledged() == 0);
}

TEST_CASE("producer: a restart asks for a new producer id", "[log][producer][idempotence]") {
  ProducerConfig cfg = producer_config();
  cfg.broker = kB1;
  cfg.enable_idempotence = true;
  cfg.count = 10;
  Producer p(cfg);
  Driver d(p, kClient);
  d.start();
  auto init = d.take<InitProducerId>(kB1);
  d.packet(kB1, InitProducerIdResponse{init[0].request_id, 42, 0});
  run_until(d, 0.15);
  d.crash();
  d.timers.clear();
  CHECK(p.producer_id() == -1);
  CHECK(p.unacknowledged() == 0);
  d.take<ProduceRequest>();
  d.start();
  REQUIRE(d.take<InitProducerId>(kB1).size() == 1);
  run_until(d, 0.5);
  CHECK(d.take<ProduceRequest>().empty());
}

TEST_CASE("producer: max.in.flight.requests.per.connection bounds unanswered requests per broker", "[log][producer]") {
  ProducerConfig cfg = producer_config();
  cfg.broker = kB1;
  cfg.max_in_flight = 2;
  cfg.count = 5;
  cfg.partition = 0;
  Producer p(cfg);
  Driver d(p, kClient);
  d.start();
  run_until(d, 0.45);
  auto sent = d.take<ProduceRequest>(kB1);
  REQUIRE(sent.size() == 2);
  CHECK(p.unacknowledged() == 5);
  d.packet(kB1, answer(sent[0]));
  auto next = d.take<ProduceRequest>(kB1);
  REQUIRE(next.size() == 1);  // the oldest waiting batch
  CHECK(next[0].batches[0].records[0].id == 3);
}

TEST_CASE("consumer: fetches each partition from its leader and follows a leader change", "[log][consumer][failover]") {
  Consumer c(consumer_config());
  Driver d(c, kClient);
  d.start();
  run_until(d, 0);
  auto md = d.take<MetadataRequest>(kB1);
  REQUIRE(md.size() == 1);
  d.packet(kB1, leaders(md[0].request_id, kB1, kB2, kB1));
  REQUIRE(d.take<JoinGroup>(kB1).size() == 1);
  d.packet(kB1, Assignment{"g", 1, {kP0, kP1}});
  // p1 is led by b2, not by the coordinator: its committed offset is asked first.
  auto of = d.take<OffsetFetch>(kB1);
  REQUIRE(of.size() == 1);
  REQUIRE(of[0].partitions.size() == 1);
  CHECK(of[0].partitions[0] == kP1);
  auto f1 = d.take<FetchRequest>(kB1);
  REQUIRE(f1.size() == 1);
  REQUIRE(f1[0].partitions.size() == 1);
  CHECK(f1[0].partitions[0].tp == kP0);
  CHECK(d.take<FetchRequest>(kB2).empty());
  d.packet(kB1, OffsetFetchResponse{"g", of[0].request_id, {FetchPartition{kP1, 7}}});
  auto f2 = d.take<FetchRequest>(kB2);
  REQUIRE(f2.size() == 1);
  REQUIRE(f2[0].partitions.size() == 1);
  CHECK(f2[0].partitions[0].tp == kP1);
  CHECK(f2[0].partitions[0].offset == 7);
  // b2 no longer leads p1.
  FetchResponse nl{1, f2[0].fetch_id, {}};
  FetchPartitionData err;
  err.tp = kP1;
  err.error = ErrorCode::NotLeaderOrFollower;
  nl.parts.push_back(err);
  d.packet(kB2, nl);
  auto md2 = d.take<MetadataRequest>();
  REQUIRE(md2.size() == 1);
  d.packet(kB1, leaders(md2[0].request_id, kB1, kB1, kB1));
  CHECK(c.leader_of(kP1) == kB1);
  // b1 answers its fetch; the next one to b1 carries both partitions, p1 still at 7.
  d.packet(kB1, FetchResponse{1, f1[0].fetch_id, {FetchPartitionData{kP0, 0, 0, 0, {}, {}}}});
  run_until(d, 0.1);
  auto f3 = d.take<FetchRequest>(kB1);
  REQUIRE_FALSE(f3.empty());
  REQUIRE(f3.back().partitions.size() == 2);
  CHECK(f3.back().partitions[1].tp == kP1);
  CHECK(f3.back().partitions[1].offset == 7);
  CHECK(d.take<FetchRequest>(kB2).empty());
}

TEST_CASE("consumer: NOT_COORDINATOR makes it find the coordinator again and rejoin there", "[log][consumer][failover]") {
  Consumer c(consumer_config());
  Driver d(c, kClient);
  d.start();
  run_until(d, 0);
  auto md = d.take<MetadataRequest>(kB1);
  d.packet(kB1, leaders(md[0].request_id, kB1, kB1, kB1));
  REQUIRE(d.take<JoinGroup>(kB1).size() == 1);
  d.packet(kB1, Assignment{"g", 3, {kP0}});
  d.take<FetchRequest>();
  d.packet(kB1, CoordinatorError{"g", ErrorCode::NotCoordinator});
  CHECK(c.coordinator() == kNoNode);
  auto fo = d.rec.of(ev::Failover);
  REQUIRE(fo.size() == 1);
  CHECK(fo[0].queue == "b1");
  CHECK(fo[0].text == "NOT_COORDINATOR");
  auto md2 = d.take<MetadataRequest>();
  REQUIRE(md2.size() == 1);
  CHECK(md2[0].group == "g");
  d.packet(kB2, leaders(md2[0].request_id, kB1, kB1, kB2));
  CHECK(c.coordinator() == kB2);
  REQUIRE(d.take<JoinGroup>(kB2).size() == 1);
  // The new coordinator's generation is taken even if it is not higher.
  d.packet(kB2, Assignment{"g", 1, {kP0, kP1}});
  CHECK(c.generation() == 1);
  CHECK(c.owned().size() == 2);
  run_until(d, 1.0);
  CHECK_FALSE(d.take<Heartbeat>(kB2).empty());
  CHECK(d.take<Heartbeat>(kB1).empty());
}

TEST_CASE("consumer: a coordinator that stops answering heartbeats is looked for again", "[log][consumer][failover]") {
  ConsumerConfig cfg = consumer_config();
  cfg.heartbeat_s = 0.3;
  cfg.max_wait_s = 100;  // the scripted leader parks the fetch
  Consumer c(cfg);
  Driver d(c, kClient);
  d.start();
  run_until(d, 0);
  auto md = d.take<MetadataRequest>(kB1);
  d.packet(kB1, leaders(md[0].request_id, kB1, kB1, kB1));
  d.packet(kB1, Assignment{"g", 1, {kP0}});
  // The coordinator answers every heartbeat until 2.5 s, then falls silent.
  for (double t = 0.3; t < 2.5; t += 0.3) {
    run_until(d, t);
    d.packet(kB1, HeartbeatResponse{"g", ErrorCode::None});
  }
  run_until(d, 2.5);
  CHECK(c.coordinator() == kB1);
  run_until(d, 2.5 + cfg.request_timeout_s + 0.35);
  CHECK(c.coordinator() == kNoNode);
  REQUIRE(d.rec.of(ev::Failover).size() == 1);
  CHECK(d.rec.of(ev::Failover)[0].text == "request_timeout");
  CHECK(d.rec.of(ev::Failover)[0].t == Approx(2.7 + cfg.request_timeout_s));  // the first heartbeat after the answer
  REQUIRE(d.take<MetadataRequest>(kB2).size() == 1);  // looked for at the next bootstrap broker
}
