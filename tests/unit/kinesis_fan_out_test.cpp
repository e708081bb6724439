// Kinesis enhanced fan-out: RegisterStreamConsumer, SubscribeToShard's pushes with their
// own 2 MiB/s, the 5-minute subscription and the ContinuationSequenceNumber, driven by
// hand (tests/unit/harness.hpp).
#include <catch2/catch.hpp>

#include "harness.hpp"
#include "kafka/events.hpp"
#include "kinesis/consumer.hpp"
#include "kinesis/stream_node.hpp"

using namespace bs;
using namespace bs::kinesis;

namespace {
constexpr NodeId kService = 0, kProducer = 1, kConsumer = 2, kOther = 3;
Message record(MsgId id, std::uint32_t size) {
  Message m;
  m.id = id;
  m.producer = kProducer;
  m.key = "k";
  m.size_bytes = size;
  return m;
}
StreamConfig one_shard() {
  StreamConfig sc;
  sc.name = "s";
  return sc;
}
void put(test::Driver& d, MsgId id, std::uint32_t size = 100) {
  d.packet(kProducer, PutRecordRequest{"s", record(id, size), false, 0, id});
}
SubscribeToShardRequest subscribe(const std::string& name, IteratorType type, std::uint64_t request,
                                  std::int64_t seq = 0) {
  SubscribeToShardRequest q;
  q.stream = "s";
  q.consumer_name = name;
  q.type = type;
  q.starting_sequence_number = seq;
  q.use_checkpoint = type != IteratorType::AtSequenceNumber;
  q.request_id = request;
  return q;
}
}  // namespace

TEST_CASE("a subscribed consumer is pushed each record as it is written, even while pollers are throttled",
          "[kinesis][fan_out]") {
  StreamNode node(StreamNodeConfig{{one_shard()}});
  test::Driver d(node, kService);
  d.start();
  d.now = 0.5;
  d.packet(kConsumer, RegisterStreamConsumerRequest{"s", "billing"});
  CHECK(d.take<RegisterStreamConsumerResponse>(kConsumer).at(0).registered);
  d.packet(kConsumer, subscribe("billing", IteratorType::Latest, 1));
  const auto sub = d.take<SubscribeToShardResponse>(kConsumer).at(0);
  CHECK(sub.error.empty());
  CHECK(d.take<SubscribeToShardEvent>(kConsumer).empty());  // LATEST on an empty shard: nothing yet
  // Five polling applications use up the shard's 5 GetRecords calls of this second.
  for (std::uint64_t i = 1; i <= 6; ++i) d.packet(kOther, GetRecordsRequest{"s", 0, 0, 100, i, "poller"});
  CHECK(d.take<GetRecordsResponse>(kOther).back().throughput_exceeded);
  d.now = 0.6;
  put(d, 1);
  auto pushed = d.take<SubscribeToShardEvent>(kConsumer);
  REQUIRE(pushed.size() == 1);  // at once, not at a next poll
  CHECK(pushed[0].subscription == sub.subscription);
  REQUIRE(pushed[0].records.size() == 1);
  CHECK(pushed[0].records[0].id == 1);
  CHECK(pushed[0].continuation == 1);
  put(d, 2);  // in the same instant: pushed once the first is paid for, 101 bytes at 2 MiB/s later
  d.run_until(0.601);
  auto second = d.take<SubscribeToShardEvent>(kConsumer);
  REQUIRE(second.size() == 1);
  CHECK(second[0].records.at(0).id == 2);
  const auto ev = d.rec.of(ev::SubscribeToShardEvent);
  REQUIRE(ev.size() == 2);
  CHECK(ev[0].queue == "s/0");
  CHECK(ev[0].peer == kConsumer);
  CHECK(ev[0].text == "billing");
  CHECK(d.rec.of(ev::RegisterStreamConsumer).size() == 1);
  CHECK(d.rec.of(ev::SubscribeToShard).at(0).text == "LATEST");
  CHECK(d.rec.of(ev::ThroughputExceeded).size() == 1);  // only the sixth poll; no push is ever refused
}

TEST_CASE("each subscription has its own 2 MiB/s per shard: two subscribers each get 2 MiB at once, then wait",
          "[kinesis][fan_out]") {
  StreamNode node(StreamNodeConfig{{one_shard()}});
  test::Driver d(node, kService);
  d.start();
  MsgId id = 0;
  for (int second = 0; second < 3; ++second) {  // 30 records of 100 KiB, 10 a second (the write limit)
    d.now = second + 0.1;
    for (int i = 0; i < 10; ++i) put(d, ++id, 102400);
  }
  d.take<PutRecordResponse>(kProducer);
  d.now = 3.0;
  for (NodeId c : {kConsumer, kOther}) {
    const std::string name = c == kConsumer ? "a" : "b";
    d.packet(c, RegisterStreamConsumerRequest{"s", name});
    d.packet(c, subscribe(name, IteratorType::TrimHorizon, 1));
  }
  // 20 records (20 x 102401 bytes) fit in 2 MiB; each subscriber gets its own 20 now.
  for (NodeId c : {kConsumer, kOther}) {
    auto e = d.take<SubscribeToShardEvent>(c);
    REQUIRE(e.size() == 1);
    CHECK(e[0].records.size() == 20);
    CHECK(e[0].continuation == 20);
    CHECK(e[0].millis_behind_latest > 0);  // behind: the rest is still to come
  }
  d.run_until(3.95);  // 2,048,020 bytes at 2 MiB/s: paid for at 3.977 s
  CHECK(d.take<SubscribeToShardEvent>().empty());
  d.run_until(3.98);
  for (NodeId c : {kConsumer, kOther}) {
    auto e = d.take<SubscribeToShardEvent>(c);
    REQUIRE(e.size() == 1);
    CHECK(e[0].position == 20);
    CHECK(e[0].records.size() == 10);
    CHECK(e[0].millis_behind_latest == 0);  // caught up
  }
  // The pushes took nothing from the shard's GetRecords allowance.
  d.packet(kProducer, GetRecordsRequest{"s", 0, 0, 10, 9, "poller"});
  CHECK_FALSE(d.take<GetRecordsResponse>(kProducer).at(0).throughput_exceeded);
}

TEST_CASE("a subscription ends after 5 minutes with its ContinuationSequenceNumber, and subscribing again goes on from it",
          "[kinesis][fan_out]") {
  StreamNode node(StreamNodeConfig{{one_shard()}});
  test::Driver d(node, kService);
  d.start();
  d.packet(kConsumer, RegisterStreamConsumerRequest{"s", "app"});
  d.packet(kConsumer, subscribe("app", IteratorType::TrimHorizon, 1));
  d.now = 10;
  put(d, 1);
  put(d, 2);
  d.run_until(299.9);
  CHECK(d.take<SubscriptionEnded>(kConsumer).empty());
  CHECK(d.take<SubscribeToShardEvent>(kConsumer).size() == 2);
  d.run_until(300.0);
  auto ended = d.take<SubscriptionEnded>(kConsumer);
  REQUIRE(ended.size() == 1);
  CHECK(ended[0].continuation == 2);
  CHECK(ended[0].error.empty());
  CHECK(d.rec.of(ev::SubscriptionEnded).at(0).text == "expired");
  d.now = 300.1;
  put(d, 3);  // written between the two subscriptions
  CHECK(d.take<SubscribeToShardEvent>(kConsumer).empty());
  d.packet(kConsumer, subscribe("app", IteratorType::AtSequenceNumber, 2, ended[0].continuation));
  auto again = d.take<SubscribeToShardEvent>(kConsumer);
  REQUIRE(again.size() == 1);
  REQUIRE(again[0].records.size() == 1);
  CHECK(again[0].records[0].id == 3);  // nothing lost, nothing pushed twice
  const auto subs = d.rec.of(ev::SubscribeToShard);
  REQUIRE(subs.size() == 2);
  CHECK_FALSE(subs[0].flag);
  CHECK(subs[1].flag);  // traced as a resubscription
  CHECK(subs[1].tag == 2);
  CHECK(subs[1].text == "AT_SEQUENCE_NUMBER");
}

TEST_CASE("SubscribeToShard: once a second per consumer and shard, ResourceInUseException within 5 s, then a takeover",
          "[kinesis][fan_out]") {
  StreamNode node(StreamNodeConfig{{one_shard()}});
  test::Driver d(node, kService);
  d.start();
  d.packet(kConsumer, subscribe("app", IteratorType::Latest, 1));
  CHECK(d.take<SubscribeToShardResponse>(kConsumer).at(0).error == "ResourceNotFoundException");  // not registered
  d.now = 1;
  d.packet(kConsumer, RegisterStreamConsumerRequest{"s", "app"});
  d.packet(kConsumer, subscribe("app", IteratorType::Latest, 2));
  CHECK(d.take<SubscribeToShardResponse>(kConsumer).at(0).error.empty());
  d.now = 1.5;
  d.packet(kOther, subscribe("app", IteratorType::Latest, 3));
  CHECK(d.take<SubscribeToShardResponse>(kOther).at(0).error == "LimitExceededException");
  d.now = 3;
  d.packet(kOther, subscribe("app", IteratorType::Latest, 4));
  CHECK(d.take<SubscribeToShardResponse>(kOther).at(0).error == "ResourceInUseException");
  d.now = 6;
  d.packet(kOther, subscribe("app", IteratorType::Latest, 5));
  CHECK(d.take<SubscribeToShardResponse>(kOther).at(0).error.empty());
  auto old = d.take<SubscriptionEnded>(kConsumer);
  REQUIRE(old.size() == 1);
  CHECK(old[0].error == "ResourceInUseException");
  put(d, 1);
  CHECK(d.take<SubscribeToShardEvent>(kConsumer).empty());
  CHECK(d.take<SubscribeToShardEvent>(kOther).size() == 1);
  CHECK(d.rec.of(ev::SubscribeRefused).size() == 3);
}

TEST_CASE("the stream registers at most 20 consumers", "[kinesis][fan_out]") {
  StreamNode node(StreamNodeConfig{{one_shard()}});
  test::Driver d(node, kService);
  d.start();
  for (int i = 0; i < 21; ++i) d.packet(kConsumer, RegisterStreamConsumerRequest{"s", "app" + std::to_string(i)});
  auto r = d.take<RegisterStreamConsumerResponse>(kConsumer);
  CHECK(r[19].registered);
  CHECK_FALSE(r[20].registered);  // LimitExceededException
  d.packet(kConsumer, RegisterStreamConsumerRequest{"s", "app3"});  // again after a restart: still registered
  CHECK(d.take<RegisterStreamConsumerResponse>(kConsumer).at(0).registered);
  CHECK(d.rec.of(ev::RegisterStreamConsumer).size() == 20);
}

TEST_CASE("the fan-out consumer processes pushed records, checkpoints each event and resubscribes from its continuation",
          "[kinesis][fan_out][consumer]") {
  ConsumerConfig cc;
  cc.broker = kService;
  cc.stream = "s";
  cc.application = "app";
  cc.enhanced_fan_out = true;
  Consumer c(cc);
  test::Driver d(c, kConsumer);
  d.start();
  d.run_until(0);
  REQUIRE(d.take<RegisterStreamConsumerRequest>(kService).size() == 1);
  CHECK(d.take<ListShardsRequest>(kService).empty());  // registered first
  d.packet(kService, RegisterStreamConsumerResponse{"app", true});
  REQUIRE(d.take<ListShardsRequest>(kService).size() == 1);
  d.packet(kService, ListShardsResponse{{{0, -1, -1}}});
  auto q = d.take<SubscribeToShardRequest>(kService);
  REQUIRE(q.size() == 1);
  CHECK(q[0].type == IteratorType::Latest);
  CHECK(q[0].consumer_name == "app");
  CHECK(d.take<GetShardIteratorRequest>(kService).empty());  // never polls
  d.packet(kService, SubscribeToShardResponse{q[0].request_id, 0, 7, ""});
  SubscribeToShardEvent e;
  e.subscription = 7;
  e.position = 0;
  e.records = {record(1, 10), record(2, 10)};
  e.continuation = 2;
  d.packet(kService, e);
  d.run_until(1);
  CHECK(d.rec.of(ev::Process).size() == 2);
  auto cp = d.take<CheckpointRequest>(kService);
  REQUIRE(cp.size() == 1);
  CHECK(cp[0].offset == 2);
  CHECK(d.take<GetRecordsRequest>(kService).empty());
  // The 5 minutes are up: subscribe again, AT_SEQUENCE_NUMBER the continuation.
  d.packet(kService, SubscriptionEnded{7, 0, 2, ""});
  q = d.take<SubscribeToShardRequest>(kService);
  REQUIRE(q.size() == 1);
  CHECK(q[0].type == IteratorType::AtSequenceNumber);
  CHECK(q[0].starting_sequence_number == 2);
  CHECK_FALSE(q[0].use_checkpoint);
  e.records = {record(9, 10)};  // a late event of the ended subscription is ignored
  d.packet(kService, e);
  d.run_until(2);
  CHECK(d.rec.of(ev::Process).size() == 2);
  // Refused (another SubscribeToShard within 5 s): tried again a second later.
  d.packet(kService, SubscribeToShardResponse{q[0].request_id, 0, 0, "ResourceInUseException"});
  d.run_until(2.9);
  CHECK(d.take<SubscribeToShardRequest>(kService).empty());
  d.run_until(3.0);
  CHECK(d.take<SubscribeToShardRequest>(kService).size() == 1);
}

TEST_CASE("a subscription on a shard that is split gets the parent's last records with its ChildShards, then ends",
          "[kinesis][fan_out][reshard]") {
  StreamConfig sc = one_shard();
  sc.resharding.push_back(ReshardAction{2.0, true, 0, ShardMap(1).midpoint(0), -1});
  StreamNode node(StreamNodeConfig{{sc}});
  test::Driver d(node, kService);
  d.start();
  d.packet(kConsumer, RegisterStreamConsumerRequest{"s", "app"});
  d.packet(kConsumer, subscribe("app", IteratorType::TrimHorizon, 1));
  d.now = 1;
  put(d, 1);
  CHECK(d.take<SubscribeToShardEvent>(kConsumer).size() == 1);
  d.run_until(2.0);  // SplitShard: shard 0 closes at offset 1
  auto last = d.take<SubscribeToShardEvent>(kConsumer);
  REQUIRE(last.size() == 1);
  CHECK(last[0].records.empty());
  CHECK(last[0].shard_end);
  REQUIRE(last[0].child_shards.size() == 2);
  CHECK(last[0].child_shards[0].index == 1);
  d.run_until(400);  // the subscription is over: no expiry follows
  CHECK(d.take<SubscriptionEnded>(kConsumer).empty());
}
