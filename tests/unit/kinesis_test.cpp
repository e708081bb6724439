// The Kinesis model: hash-key routing, shard limits, resharding and the KCL's
// parent-before-children reading, driven by hand (tests/unit/harness.hpp).
#include <catch2/catch.hpp>

#include "harness.hpp"
#include "kafka/events.hpp"
#include "kinesis/consumer.hpp"
#include "kinesis/producer.hpp"
#include "kinesis/stream_node.hpp"

using namespace bs;
using namespace bs::kinesis;

namespace {
std::string hex(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) out += digits[c >> 4], out += digits[c & 15];
  return out;
}
HashKey key(const char* decimal) { return *parse_hash_key(decimal); }
Message record(MsgId id, const std::string& pk, std::uint32_t size) {
  Message m;
  m.id = id;
  m.producer = 1;
  m.key = pk;
  m.size_bytes = size;
  return m;
}
constexpr NodeId kProducer = 1, kConsumer = 2, kService = 0;
}  // namespace

TEST_CASE("MD5 matches RFC 1321's test suite", "[kinesis][hash]") {
  CHECK(hex(md5("")) == "d41d8cd98f00b204e9800998ecf8427e");
  CHECK(hex(md5("abc")) == "900150983cd24fb0d6963f7d28e17f72");
  CHECK(hex(md5("message digest")) == "f96b697d7cb7938d525a2f31aaf161d0");
  CHECK(hex(md5("12345678901234567890123456789012345678901234567890123456789012345678901234567890")) ==
        "57edf4a22be3c955ac49da2e2107b67a");
}

TEST_CASE("a partition key's hash key is its MD5 read as a big-endian 128-bit integer", "[kinesis][hash]") {
  // Reference values from Python: int.from_bytes(hashlib.md5(key).digest(), "big").
  CHECK(to_string(hash_key_of("user-1")) == "285573413173782752570879317399258818820");
  CHECK(to_string(hash_key_of("user-2")) == "81544010656874607678696621737415172275");
  CHECK(to_string(hash_key_of("user-7")) == "86119627827726738194382836302848251264");
}

TEST_CASE("hash keys parse as the API's decimal strings and nothing else", "[kinesis][hash]") {
  CHECK(parse_hash_key("0") == HashKey{0});
  CHECK(parse_hash_key("340282366920938463463374607431768211455") == kMaxHashKey);
  CHECK_FALSE(parse_hash_key("340282366920938463463374607431768211456"));  // 2^128
  CHECK_FALSE(parse_hash_key("-1"));
  CHECK_FALSE(parse_hash_key("007"));
  CHECK_FALSE(parse_hash_key(""));
  CHECK_FALSE(parse_hash_key("12a"));
}

TEST_CASE("CreateStream splits the hash key space evenly and keys route to the shard that owns them", "[kinesis][routing]") {
  ShardMap two(2);
  CHECK(two.at(0).starting_hash_key == 0);
  CHECK(to_string(two.at(0).ending_hash_key) == "170141183460469231731687303715884105727");  // 2^127 - 1
  CHECK(to_string(two.at(1).starting_hash_key) == "170141183460469231731687303715884105728");
  CHECK(two.at(1).ending_hash_key == kMaxHashKey);
  CHECK(two.route(hash_key_of("user-2")) == 0);
  CHECK(two.route(hash_key_of("user-7")) == 0);
  CHECK(two.route(hash_key_of("user-1")) == 1);
  ShardMap four(4);  // quarters: boundaries at multiples of 2^126
  CHECK(four.route(hash_key_of("user-2")) == 0);
  CHECK(four.route(hash_key_of("user-7")) == 1);
  CHECK(four.route(hash_key_of("user-1")) == 3);
  CHECK(shard_id(3) == "shardId-000000000003");
  CHECK(parse_shard_id("shardId-000000000003") == 3);
  CHECK(parse_shard_id("shard-3") == -1);
}

TEST_CASE("SplitShard closes the parent and gives its children the two halves, MergeShards joins neighbours", "[kinesis][routing]") {
  ShardMap m(2);
  const HashKey mid = m.midpoint(0);
  CHECK(to_string(mid) == "85070591730234615865843651857942052864");  // 2^126
  CHECK_FALSE(m.can_split(0, 0).empty());  // at the starting hash key: one child would be empty
  auto [lo, hi] = m.split(0, mid);
  CHECK(lo == 2);
  CHECK(hi == 3);
  CHECK_FALSE(m.at(0).open);
  CHECK(m.at(2).parent == 0);
  CHECK(m.at(3).starting_hash_key == mid);
  CHECK(m.route(hash_key_of("user-2")) == 2);  // new writes of the two hot keys now spread
  CHECK(m.route(hash_key_of("user-7")) == 3);
  CHECK(m.can_split(0, mid) == "the shard is closed (it was already resharded)");
  CHECK_FALSE(m.can_merge(2, 1).empty());  // not adjacent
  const auto child = m.merge(3, 1);
  CHECK(child == 4);
  CHECK(m.at(4).parent == 3);
  CHECK(m.at(4).adjacent_parent == 1);
  CHECK(m.at(4).starting_hash_key == mid);
  CHECK(m.at(4).ending_hash_key == kMaxHashKey);
  CHECK(m.route(hash_key_of("user-1")) == 4);
}

TEST_CASE("a shard takes 1 MiB of writes a second, the next PutRecord is refused until the next second", "[kinesis][throttle]") {
  StreamConfig sc;
  sc.name = "clicks";
  sc.shards = 1;
  StreamNode node(StreamNodeConfig{{sc}});
  test::Driver d(node, kService);
  d.start();
  d.now = 0.1;
  for (MsgId i = 1; i <= 11; ++i) d.packet(kProducer, PutRecordRequest{"clicks", record(i, "k", 102400), false, 0, i});
  auto resp = d.take<PutRecordResponse>(kProducer);
  REQUIRE(resp.size() == 11);
  for (int i = 0; i < 10; ++i) CHECK_FALSE(resp[i].throughput_exceeded);
  CHECK(resp[9].sequence_number == 9);
  CHECK(resp[10].throughput_exceeded);  // 11 x 100 KiB > 1 MiB
  const auto th = d.rec.of(ev::ThroughputExceeded);
  REQUIRE(th.size() == 1);
  CHECK(th[0].msg == 11);
  CHECK(th[0].queue == "clicks/0");
  CHECK(th[0].text == "PutRecord");
  CHECK(d.rec.of(ev::Append).size() == 10);
  d.now = 1.0;  // a new second
  d.packet(kProducer, PutRecordRequest{"clicks", record(11, "k", 102400), false, 0, 12});
  CHECK_FALSE(d.take<PutRecordResponse>(kProducer).at(0).throughput_exceeded);
}

TEST_CASE("a shard takes 1,000 records a second however small they are", "[kinesis][throttle]") {
  StreamConfig sc;
  sc.name = "s";
  StreamNode node(StreamNodeConfig{{sc}});
  test::Driver d(node, kService);
  d.start();
  for (MsgId i = 1; i <= 1001; ++i) d.packet(kProducer, PutRecordRequest{"s", record(i, "k", 10), false, 0, i});
  auto resp = d.take<PutRecordResponse>(kProducer);
  CHECK_FALSE(resp[999].throughput_exceeded);
  CHECK(resp[1000].throughput_exceeded);
}

TEST_CASE("five GetRecords calls a second per shard, shared by every consumer", "[kinesis][throttle]") {
  StreamConfig sc;
  sc.name = "s";
  StreamNode node(StreamNodeConfig{{sc}});
  test::Driver d(node, kService);
  d.start();
  d.now = 2.0;
  for (std::uint64_t i = 1; i <= 6; ++i)
    d.packet(i % 2 ? kConsumer : NodeId{3}, GetRecordsRequest{"s", 0, 0, 100, i, i % 2 ? "a" : "b"});
  auto a = d.take<GetRecordsResponse>(kConsumer);
  auto b = d.take<GetRecordsResponse>(3);
  REQUIRE(a.size() == 3);
  REQUIRE(b.size() == 3);
  CHECK_FALSE(b[1].throughput_exceeded);  // the fifth call
  CHECK(b[2].throughput_exceeded);        // the sixth, from the other application
  CHECK(d.rec.of(ev::ThroughputExceeded).at(0).text == "GetRecords");
}

TEST_CASE("an ExplicitHashKey overrides the partition key's hash", "[kinesis][routing]") {
  StreamConfig sc;
  sc.name = "s";
  sc.shards = 2;
  StreamNode node(StreamNodeConfig{{sc}});
  test::Driver d(node, kService);
  d.start();
  d.packet(kProducer, PutRecordRequest{"s", record(1, "user-2", 10), true, kMaxHashKey, 1});  // user-2 alone goes to shard 0
  CHECK(d.take<PutRecordResponse>(kProducer).at(0).shard == 1);
}

TEST_CASE("a split at its time sends the hot keys' new records to the two children, the parent keeps its records", "[kinesis][reshard]") {
  StreamConfig sc;
  sc.name = "clicks";
  sc.shards = 2;
  sc.resharding.push_back(ReshardAction{1.0, true, 0, ShardMap(2).midpoint(0), -1});
  StreamNode node(StreamNodeConfig{{sc}});
  test::Driver d(node, kService);
  d.start();
  d.now = 0.5;
  d.packet(kProducer, PutRecordRequest{"clicks", record(1, "user-2", 10), false, 0, 1});
  d.run_until(1.0);
  const auto closed = d.rec.of(ev::ShardClosed);
  REQUIRE(closed.size() == 1);
  CHECK(closed[0].queue == "clicks/0");
  CHECK(closed[0].tag == 1);
  CHECK(d.rec.of(ev::ShardCreated).size() == 4);  // the two at creation, the two children
  d.now = 1.1;
  d.packet(kProducer, PutRecordRequest{"clicks", record(2, "user-2", 10), false, 0, 2});
  d.packet(kProducer, PutRecordRequest{"clicks", record(3, "user-7", 10), false, 0, 3});
  auto resp = d.take<PutRecordResponse>(kProducer);
  CHECK(resp.at(1).shard == 2);
  CHECK(resp.at(2).shard == 3);
  CHECK(node.log("clicks", 0).log_end_offset() == 1);
  // The parent read to its end says so, with its children.
  d.packet(kConsumer, GetRecordsRequest{"clicks", 0, 0, 100, 9, "a"});
  auto g = d.take<GetRecordsResponse>(kConsumer).at(0);
  CHECK(g.records.size() == 1);
  CHECK(g.shard_end);
  REQUIRE(g.child_shards.size() == 2);
  CHECK(g.child_shards[0].index == 2);
}

TEST_CASE("the consumer reads a parent shard to its end before its children", "[kinesis][consumer]") {
  ConsumerConfig cc;
  cc.broker = kService;
  cc.stream = "clicks";
  cc.application = "app";
  cc.shard_iterator_type = IteratorType::TrimHorizon;
  Consumer c(cc);
  test::Driver d(c, kConsumer);
  d.start();
  d.run_until(0);
  REQUIRE(d.take<ListShardsRequest>(kService).size() == 1);
  d.packet(kService, ListShardsResponse{{{0, -1, -1}, {1, -1, -1}, {2, 0, -1}, {3, 0, -1}}});
  auto its = d.take<GetShardIteratorRequest>(kService);
  REQUIRE(its.size() == 2);  // shards 0 and 1; the children wait for their parent
  CHECK(its[0].shard == 0);
  CHECK(its[1].shard == 1);
  d.packet(kService, GetShardIteratorResponse{0, 0});
  auto polls = d.take<GetRecordsRequest>(kService);
  REQUIRE(polls.size() == 1);
  GetRecordsResponse last;
  last.request_id = polls[0].request_id;
  last.shard = 0;
  last.position = 0;
  last.records = {record(7, "user-2", 10)};
  last.next_position = 1;
  last.shard_end = true;
  last.child_shards = {{2, 0, -1}, {3, 0, -1}};
  d.packet(kService, last);
  CHECK(d.take<GetShardIteratorRequest>(kService).empty());  // the parent's last record is not processed yet
  d.run_until(0.01);                                           // processing it (0 ms) ends the parent
  CHECK(d.rec.of(ev::Process).size() == 1);
  CHECK(d.rec.of(ev::ShardEnd).size() == 1);
  CHECK(c.finished(0));
  auto cp = d.take<CheckpointRequest>(kService);
  REQUIRE(cp.size() == 1);
  CHECK(cp[0].offset == 1);
  auto children = d.take<GetShardIteratorRequest>(kService);
  REQUIRE(children.size() == 2);
  CHECK(children[0].shard == 2);
  CHECK(children[1].type == IteratorType::TrimHorizon);
}

TEST_CASE("a throttled PutRecord is retried with a doubling backoff", "[kinesis][producer]") {
  ProducerConfig pc;
  pc.broker = kService;
  pc.stream = "s";
  pc.partition_keys = {"k"};
  pc.count = 1;
  Producer p(pc);
  test::Driver d(p, kProducer);
  d.start();
  d.run_until(0);
  auto put = d.take<PutRecordRequest>(kService);
  REQUIRE(put.size() == 1);
  d.now = 0.01;
  d.packet(kService, PutRecordResponse{put[0].request_id, put[0].record.id, 0, -1, true});
  d.run_until(0.10);
  CHECK(d.take<PutRecordRequest>(kService).empty());
  d.run_until(0.111);  // 100 ms after the refusal
  put = d.take<PutRecordRequest>(kService);
  REQUIRE(put.size() == 1);
  CHECK(put[0].record.id == 1);  // the same record again
  d.packet(kService, PutRecordResponse{put[0].request_id, 1, 0, -1, true});
  d.run_until(0.31);
  CHECK(d.take<PutRecordRequest>(kService).empty());
  d.run_until(0.3111);  // 200 ms after the second refusal
  CHECK(d.take<PutRecordRequest>(kService).size() == 1);
  CHECK(d.rec.of(ev::Publish).size() == 3);
}

TEST_CASE("reads are paid for at 2 MiB/s: a big GetRecords makes the next calls fail for a while", "[kinesis][throttle]") {
  StreamConfig sc;
  sc.name = "s";
  StreamNode node(StreamNodeConfig{{sc}});
  test::Driver d(node, kService);
  d.start();
  MsgId id = 0;
  for (int second = 0; second < 3; ++second) {  // 3 MiB written over three seconds (1 MiB/s each)
    d.now = second + 0.1;
    for (int i = 0; i < 10; ++i, ++id) d.packet(kProducer, PutRecordRequest{"s", record(id + 1, "k", 102400), false, 0, id + 1});
  }
  d.take<PutRecordResponse>(kProducer);
  d.now = 3.0;
  d.packet(kConsumer, GetRecordsRequest{"s", 0, 0, 10000, 1, "a"});
  CHECK(d.take<GetRecordsResponse>(kConsumer).at(0).records.size() == 30);  // ~3 MiB: paid for until 4.5 s
  d.now = 3.2;
  d.packet(kConsumer, GetRecordsRequest{"s", 0, 30, 10000, 2, "a"});
  CHECK(d.take<GetRecordsResponse>(kConsumer).at(0).throughput_exceeded);  // more than a second in debt
  d.now = 3.6;
  d.packet(kConsumer, GetRecordsRequest{"s", 0, 30, 10000, 3, "a"});
  CHECK_FALSE(d.take<GetRecordsResponse>(kConsumer).at(0).throughput_exceeded);
}
