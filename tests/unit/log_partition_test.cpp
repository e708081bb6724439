// The partitioner and the partition log: offsets, keys, segments and retention.
#include <catch2/catch.hpp>

#include <set>

#include "kafka/partition_log.hpp"
#include "kafka/partitioner.hpp"
#include "log_harness.hpp"

using namespace bs;
using namespace bs::kafka;
using bs::test::record;

TEST_CASE("murmur2 matches Kafka's own test vectors", "[log][partitioner]") {
  // org.apache.kafka.common.utils.UtilsTest.testMurmur2
  CHECK(murmur2("21") == -973932308);
  CHECK(murmur2("foobar") == -790332482);
  CHECK(murmur2("a-little-bit-long-string") == -985981536);
  CHECK(murmur2("a-little-bit-longer-string") == -1486304829);
  CHECK(murmur2("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8") == -58897971);
  CHECK(murmur2("abc") == 479470107);
}

TEST_CASE("the same key always goes to the same partition, and keys spread over all partitions", "[log][partitioner]") {
  for (const char* key : {"alice", "bob", "carol", "order-17"}) {
    const auto p = partition_for_key(key, 3);
    CHECK(p >= 0);
    CHECK(p < 3);
    for (int i = 0; i < 5; ++i) CHECK(partition_for_key(key, 3) == p);
  }
  std::set<std::int32_t> used;
  for (int i = 0; i < 100; ++i) used.insert(partition_for_key("customer-" + std::to_string(i), 8));
  CHECK(used.size() == 8);
}

TEST_CASE("offsets start at 0 and grow by one per appended record", "[log][partition]") {
  PartitionLog log;
  for (std::int64_t i = 0; i < 10; ++i) CHECK(log.append(record(static_cast<MsgId>(i + 1)), 0.1 * i) == i);
  CHECK(log.log_end_offset() == 10);
  CHECK(log.log_start_offset() == 0);
  REQUIRE(log.at(4) != nullptr);
  CHECK(log.at(4)->msg.id == 5);
  CHECK(log.at(10) == nullptr);
  CHECK(log.at(-1) == nullptr);
}

TEST_CASE("segments roll by size and by age", "[log][segment]") {
  SECTION("segment.bytes") {
    PartitionLog log(LogConfig{.segment_bytes = 300});
    bool rolled = false;
    log.append(record(1, "", 100), 0, &rolled);
    CHECK(rolled);  // the first record opens the first segment
    log.append(record(2, "", 100), 0, &rolled);
    log.append(record(3, "", 100), 0, &rolled);
    CHECK_FALSE(rolled);
    log.append(record(4, "", 100), 0, &rolled);  // 400 > 300 bytes: a new segment
    CHECK(rolled);
    CHECK(log.segment_count() == 2);
  }
  SECTION("segment.ms") {
    PartitionLog log(LogConfig{.segment_s = 1.0});
    bool rolled = false;
    log.append(record(1), 0.0, &rolled);
    log.append(record(2), 0.5, &rolled);
    CHECK_FALSE(rolled);
    log.append(record(3), 1.2, &rolled);
    CHECK(rolled);
    CHECK(log.segment_count() == 2);
  }
}

TEST_CASE("retention deletes whole old segments and advances the log start offset", "[log][retention]") {
  PartitionLog log(LogConfig{.segment_bytes = 300, .retention_s = 2.0});
  for (int i = 0; i < 9; ++i) log.append(record(static_cast<MsgId>(i + 1), "", 100), 0.1 * i);  // 3 segments of 3
  log.set_high_watermark(log.log_end_offset());
  REQUIRE(log.segment_count() == 3);
  CHECK(log.apply_retention(1.0).empty());  // nothing older than 2 s yet
  const auto deleted = log.apply_retention(2.75);  // segment 0 (newest 0.2 s) and 1 (newest 0.5 s) expired
  REQUIRE(deleted.size() == 2);
  CHECK(deleted[0].base_offset == 0);
  CHECK(deleted[0].next_offset == 3);
  CHECK(std::string(deleted[0].reason) == "retention.ms");
  CHECK(log.log_start_offset() == 6);
  CHECK(log.at(5) == nullptr);
  CHECK(log.at(6) != nullptr);
  CHECK(log.log_end_offset() == 9);  // offsets are never reused
  // The active segment is never deleted, however old.
  CHECK(log.apply_retention(100).empty());
  CHECK(log.log_start_offset() == 6);
  CHECK(log.append(record(10), 100) == 9);
}

TEST_CASE("retention.bytes keeps the partition under its size limit", "[log][retention]") {
  PartitionLog log(LogConfig{.segment_bytes = 200, .retention_bytes = 400});
  for (int i = 0; i < 10; ++i) log.append(record(static_cast<MsgId>(i + 1), "", 100), 0);  // 5 segments of 200 B
  log.set_high_watermark(log.log_end_offset());
  const auto deleted = log.apply_retention(0);
  CHECK(deleted.size() == 3);
  CHECK(log.size_bytes() == 400);
  CHECK(log.log_start_offset() == 6);
  CHECK(std::string(deleted.back().reason) == "retention.bytes");
}

TEST_CASE("offset_for_time finds the first record at or after a timestamp", "[log][seek]") {
  PartitionLog log(LogConfig{.segment_bytes = 250});
  for (int i = 0; i < 10; ++i) log.append(record(static_cast<MsgId>(i + 1), "", 100), 1.0 * i);
  log.set_high_watermark(log.log_end_offset());
  CHECK(log.offset_for_time(0) == 0);
  CHECK(log.offset_for_time(3.5) == 4);
  CHECK(log.offset_for_time(9) == 9);
  CHECK(log.offset_for_time(50) == 10);  // none that late: the high watermark
}

TEST_CASE("retention never deletes a segment above the high watermark", "[log][retention]") {
  PartitionLog log(LogConfig{.segment_bytes = 200, .retention_bytes = 0});
  for (int i = 0; i < 6; ++i) log.append(record(static_cast<MsgId>(i + 1), "", 100), 0);  // 3 segments of 2
  log.set_high_watermark(3);  // offsets 3.. are not replicated yet
  const auto deleted = log.apply_retention(0);
  REQUIRE(deleted.size() == 1);  // only [0, 2): [2, 4) holds offset 3
  CHECK(log.log_start_offset() == 2);
}

namespace {
StoredRecord in_epoch(MsgId id, std::int32_t epoch) {
  StoredRecord r;
  r.msg = record(id);
  r.leader_epoch = epoch;
  return r;
}
}  // namespace

TEST_CASE("the leader epoch cache answers where each epoch ends (KIP-101)", "[log][epoch]") {
  PartitionLog log;
  for (MsgId i = 1; i <= 3; ++i) log.append(in_epoch(i, 0));  // offsets 0-2 in epoch 0
  for (MsgId i = 4; i <= 5; ++i) log.append(in_epoch(i, 2));  // 3-4 in epoch 2 (epoch 1 wrote nothing)
  CHECK(log.latest_epoch() == 2);
  CHECK(log.end_offset_for_epoch(0) == std::pair<std::int32_t, std::int64_t>{0, 3});
  CHECK(log.end_offset_for_epoch(1) == std::pair<std::int32_t, std::int64_t>{0, 3});  // the largest epoch <= 1 is 0
  CHECK(log.end_offset_for_epoch(2) == std::pair<std::int32_t, std::int64_t>{2, 5});
  CHECK(log.end_offset_for_epoch(7) == std::pair<std::int32_t, std::int64_t>{2, 5});
  CHECK(log.end_offset_for_epoch(-1) == std::pair<std::int32_t, std::int64_t>{-1, -1});
}

TEST_CASE("truncation removes the log's tail and the epochs that began in it", "[log][epoch]") {
  PartitionLog log(LogConfig{.segment_bytes = 2048});
  for (MsgId i = 1; i <= 3; ++i) log.append(in_epoch(i, 0));
  for (MsgId i = 4; i <= 6; ++i) log.append(in_epoch(i, 1));
  log.set_high_watermark(5);
  const auto gone = log.truncate_to(3);
  REQUIRE(gone.size() == 3);
  CHECK(gone.front().offset == 3);
  CHECK(gone.front().record.msg.id == 4);
  CHECK(gone.back().offset == 5);
  CHECK(log.log_end_offset() == 3);
  CHECK(log.high_watermark() == 3);
  CHECK(log.latest_epoch() == 0);
  CHECK(log.at(3) == nullptr);
  CHECK(log.truncate_to(10).empty());
  // The next leader's records take the freed offsets.
  CHECK(log.append(in_epoch(9, 2)) == 3);
  CHECK(log.at(3)->msg.id == 9);
  CHECK(log.end_offset_for_epoch(1) == std::pair<std::int32_t, std::int64_t>{0, 3});
}

TEST_CASE("a follower behind the leader's log start restarts its log there", "[log][epoch]") {
  PartitionLog log;
  log.append(in_epoch(1, 0));
  const auto gone = log.reset_to(40);
  CHECK(gone.size() == 1);
  CHECK(log.log_start_offset() == 40);
  CHECK(log.log_end_offset() == 40);
  CHECK(log.append(in_epoch(2, 3)) == 40);
  CHECK(log.log_start_offset() == 40);
}
