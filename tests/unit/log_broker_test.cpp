// The log broker: appends, long-poll fetches, batches, offset reset and committed offsets.
#include <catch2/catch.hpp>

#include "kafka/log_broker.hpp"
#include "log_harness.hpp"
#include "vocabulary/vocabulary.hpp"

using namespace bs;
using namespace bs::kafka;
using bs::test::Driver;
using bs::test::produce;
using bs::test::run_until;

namespace {
constexpr NodeId kBroker = 0, kProducer = 1, kC1 = 2, kC2 = 3, kC3 = 4;

LogBrokerConfig config(std::int32_t partitions = 3, LogConfig log = {}) {
  LogBrokerConfig c;
  c.topics.push_back(TopicConfig{"orders", partitions, log});
  c.groups.push_back(GroupConfig{"g", AssignorKind::Range});
  return c;
}

FetchRequest fetch(std::int64_t offset, std::int32_t partition = 0, std::uint32_t max_records = 500, double max_wait = 0.5,
                   bool earliest = true) {
  // Initialised, not assigned: GCC 12 warns falsely (-Wrestrict) on string = "g".
  FetchRequest r{.group = "g", .fetch_id = 1};
  r.partitions.push_back(FetchPartition{TopicPartition{"orders", partition}, offset});
  r.max_records = max_records;
  r.max_wait_s = max_wait;
  r.reset_earliest = earliest;
  return r;
}
}  // namespace

TEST_CASE("appends get consecutive offsets per partition and are acknowledged with the base offset", "[log][broker]") {
  LogBroker b(config());
  Driver d(b, kBroker);
  d.start();
  d.packet(kProducer, produce("orders", 1, 1, 3, 7));
  d.packet(kProducer, produce("orders", 1, 4, 2, 8));
  d.packet(kProducer, produce("orders", 2, 6, 1, 9));
  auto acks = d.take<ProduceResponse>(kProducer);
  REQUIRE(acks.size() == 3);
  CHECK(acks[0].parts[0].base_offset == 0);
  CHECK(acks[1].parts[0].base_offset == 3);
  CHECK(acks[2].parts[0].base_offset == 0);  // every partition numbers its own records
  std::int64_t last = -1;
  for (const auto& e : d.rec.of(ev::Append)) {
    if (e.queue != "orders/1") continue;
    CHECK(e.tag == last + 1);  // strictly monotonic, no gaps
    last = e.tag;
  }
  CHECK(last == 4);
  CHECK(b.log(TopicPartition{"orders", 1})->high_watermark() == 5);
}

TEST_CASE("acks=0 gets no response", "[log][broker]") {
  LogBroker b(config());
  Driver d(b, kBroker);
  d.start();
  auto req = produce("orders", 0, 1, 2);
  req.acks = 0;
  d.packet(kProducer, req);
  CHECK(d.take<ProduceResponse>().empty());
  CHECK(d.rec.of(ev::Append).size() == 2);
}

TEST_CASE("a fetch at the log end waits (long-poll) and returns as soon as records arrive", "[log][broker][fetch]") {
  LogBroker b(config());
  Driver d(b, kBroker);
  d.start();
  d.packet(kC1, fetch(0));
  CHECK(d.take<FetchResponse>(kC1).empty());  // nothing to read yet: parked
  d.now = 0.2;
  d.packet(kProducer, produce("orders", 0, 1, 2));
  auto r = d.take<FetchResponse>(kC1);
  REQUIRE(r.size() == 1);
  REQUIRE(r[0].parts.size() == 1);
  CHECK(r[0].parts[0].fetch_offset == 0);
  REQUIRE(r[0].parts[0].records.size() == 2);
  CHECK(r[0].parts[0].records[1].id == 2);
  CHECK(r[0].parts[0].high_watermark == 2);
}

TEST_CASE("a long-poll with nothing to read answers empty after fetch.max.wait", "[log][broker][fetch]") {
  LogBroker b(config());
  Driver d(b, kBroker);
  d.start();
  d.packet(kC1, fetch(0, 0, 500, 0.5));
  run_until(d, 0.49);
  CHECK(d.take<FetchResponse>(kC1).empty());
  run_until(d, 0.5);
  auto r = d.take<FetchResponse>(kC1);
  REQUIRE(r.size() == 1);
  CHECK(r[0].parts[0].records.empty());
}

TEST_CASE("a fetch returns at most max records, from the requested offset", "[log][broker][fetch]") {
  LogBroker b(config());
  Driver d(b, kBroker);
  d.start();
  d.packet(kProducer, produce("orders", 0, 1, 10));
  d.packet(kC1, fetch(3, 0, 4));
  auto r = d.take<FetchResponse>(kC1);
  REQUIRE(r.size() == 1);
  const auto& part = r[0].parts[0];
  CHECK(part.fetch_offset == 3);
  REQUIRE(part.records.size() == 4);
  CHECK(part.records.front().id == 4);
  CHECK(part.records.back().id == 7);
  auto f = d.rec.of(ev::Fetch);
  REQUIRE(f.size() == 1);
  CHECK(f[0].seq == 4);
}

TEST_CASE("auto.offset.reset: below the log start offset, earliest jumps to it and latest to the end", "[log][broker][reset]") {
  // Segments of 2 records; retention deletes the old ones.
  LogBroker b(config(1, LogConfig{.segment_bytes = 200, .retention_s = 1.0}));
  Driver d(b, kBroker);
  d.start();
  d.packet(kProducer, produce("orders", 0, 1, 6));  // offsets 0..5 in 3 segments at t=0
  d.now = 0.5;
  d.packet(kProducer, produce("orders", 0, 7, 2, 2));  // offsets 6..7 at t=0.5
  run_until(d, 2.0);                                   // retention check: t=0 segments expire
  const auto* log = b.log(TopicPartition{"orders", 0});
  CHECK(log->log_start_offset() == 6);
  CHECK_FALSE(d.rec.of(ev::SegmentDelete).empty());

  SECTION("earliest") {
    d.packet(kC1, fetch(1, 0, 500, 0.5, true));
    auto r = d.take<FetchResponse>(kC1);
    REQUIRE(r.size() == 1);
    CHECK(r[0].parts[0].fetch_offset == 6);
    CHECK(r[0].parts[0].records.front().id == 7);
    auto resets = d.rec.of(ev::OffsetReset);
    REQUIRE(resets.size() == 1);
    CHECK(resets[0].seq == 1);  // from
    CHECK(resets[0].tag == 6);  // to: records 1..5 are skipped
  }
  SECTION("latest") {
    d.packet(kC1, fetch(1, 0, 500, 0.5, false));
    CHECK(d.take<FetchResponse>(kC1).size() == 1);  // answered at once: the position changed
    auto resets = d.rec.of(ev::OffsetReset);
    REQUIRE(resets.size() == 1);
    CHECK(resets[0].tag == 8);
  }
}

TEST_CASE("a fetch from the committed offset resumes where the group committed", "[log][broker][commit]") {
  LogBroker b(config(1));
  Driver d(b, kBroker);
  d.start();
  d.packet(kProducer, produce("orders", 0, 1, 10));
  d.packet(kC1, JoinGroup{"g", {"orders"}, 10});
  run_until(d, 0.1);
  d.take<Assignment>();
  d.packet(kC1, OffsetCommit{"g", b.generation("g"), {FetchPartition{TopicPartition{"orders", 0}, 7}}});
  CHECK(b.committed("g", TopicPartition{"orders", 0}) == 7);
  d.packet(kC2, fetch(kCommittedOffset));
  auto r = d.take<FetchResponse>(kC2);
  REQUIRE(r.size() == 1);
  CHECK(r[0].parts[0].fetch_offset == 7);
  CHECK(r[0].parts[0].records.front().id == 8);
}

TEST_CASE("ListOffsets by time answers the first offset appended at or after the timestamp", "[log][broker][seek]") {
  LogBroker b(config(1));
  Driver d(b, kBroker);
  d.start();
  for (int i = 0; i < 5; ++i) {
    d.now = i;
    d.packet(kProducer, produce("orders", 0, static_cast<MsgId>(i + 1), 1, static_cast<std::uint64_t>(i + 1)));
  }
  d.packet(kC1, ListOffsets{{TopicPartition{"orders", 0}}, 2.5, 42});
  auto r = d.take<ListOffsetsResponse>(kC1);
  REQUIRE(r.size() == 1);
  CHECK(r[0].request_id == 42);
  REQUIRE(r[0].offsets.size() == 1);
  CHECK(r[0].offsets[0].offset == 3);
}
