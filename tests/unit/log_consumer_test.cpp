// The group member: fetch positions, processing order, commit modes, seek, rejoin.
#include <catch2/catch.hpp>

#include "kafka/consumer.hpp"
#include "log_harness.hpp"
#include "vocabulary/vocabulary.hpp"

using namespace bs;
using namespace bs::kafka;
using bs::test::Driver;
using bs::test::record;
using bs::test::run_until;

namespace {
constexpr NodeId kBroker = 0, kSelf = 5;
const TopicPartition kP0{"orders", 0}, kP1{"orders", 1};

ConsumerConfig config(CommitMode mode, std::uint32_t every = 1, double processing_s = 0.1) {
  // Initialised, not assigned: GCC 12 warns falsely (-Wrestrict) on string = "g".
  ConsumerConfig c{.broker = kBroker, .group = "g", .topics = {"orders"}, .commit = mode, .commit_every = every};
  c.processing.a = processing_s;
  return c;
}

/// Start the consumer, let it join, and hand it `parts` in generation 1.
void join(Driver& d, std::vector<TopicPartition> parts) {
  d.start();
  run_until(d, 0);
  REQUIRE(d.take<JoinGroup>(kBroker).size() == 1);
  d.packet(kBroker, Assignment{"g", 1, std::move(parts)});
}

FetchResponse response(const FetchRequest& req, const TopicPartition& tp, std::int64_t offset, int n, MsgId first_id) {
  FetchResponse r{req.generation, req.fetch_id, {}};
  FetchPartitionData d{tp, offset, offset + n, 0, {}, {}};
  for (int i = 0; i < n; ++i) d.records.push_back(record(first_id + static_cast<MsgId>(i)));
  r.parts.push_back(d);
  return r;
}

std::vector<std::int64_t> committed_offsets(Driver& d) {
  std::vector<std::int64_t> out;
  for (const auto& c : d.take<OffsetCommit>(kBroker))
    for (const auto& o : c.offsets) out.push_back(o.offset);
  return out;
}
}  // namespace

TEST_CASE("a new owner fetches from the group's committed offset", "[log][consumer]") {
  Consumer c(config(CommitMode::AfterProcessing));
  Driver d(c, kSelf);
  join(d, {kP0, kP1});
  auto f = d.take<FetchRequest>(kBroker);
  REQUIRE(f.size() == 1);
  REQUIRE(f[0].partitions.size() == 2);
  for (const auto& p : f[0].partitions) CHECK(p.offset == kCommittedOffset);
  CHECK(f[0].generation == 1);
}

TEST_CASE("records are processed one at a time in offset order", "[log][consumer]") {
  Consumer c(config(CommitMode::AfterProcessing, 100, 0.1));
  Driver d(c, kSelf);
  join(d, {kP0});
  auto f = d.take<FetchRequest>(kBroker);
  d.packet(kBroker, response(f[0], kP0, 3, 4, 10));
  run_until(d, 0.25);
  CHECK(d.rec.of(ev::Process).size() == 2);  // 0.1 s each: two done by 0.25 s
  run_until(d, 1);
  auto done = d.rec.of(ev::Process);
  REQUIRE(done.size() == 4);
  for (std::size_t i = 0; i < done.size(); ++i) {
    CHECK(done[i].tag == static_cast<std::int64_t>(3 + i));
    CHECK(done[i].msg == 10 + i);
    CHECK(done[i].queue == "orders/0");
    CHECK(done[i].text == "g");
  }
  // The next fetch continues after the last record fetched.
  auto next = d.take<FetchRequest>(kBroker);
  REQUIRE_FALSE(next.empty());
  CHECK(next.back().partitions[0].offset == 7);
}

TEST_CASE("commit after processing (at-least-once) commits only what was processed", "[log][consumer][commit]") {
  Consumer c(config(CommitMode::AfterProcessing, 2, 0.1));
  Driver d(c, kSelf);
  join(d, {kP0});
  auto f = d.take<FetchRequest>(kBroker);
  d.packet(kBroker, response(f[0], kP0, 0, 5, 1));
  CHECK(committed_offsets(d).empty());  // nothing processed, nothing committed
  run_until(d, 0.45);                    // four processed: two commits
  CHECK(committed_offsets(d) == std::vector<std::int64_t>{2, 4});
  d.crash();  // record 5 is lost with the consumer; offset 4 stays committed: it is read again
  CHECK(c.buffered() == 0);
}

TEST_CASE("commit before processing (at-most-once) commits what was fetched before processing it", "[log][consumer][commit]") {
  Consumer c(config(CommitMode::BeforeProcessing, 1, 0.1));
  Driver d(c, kSelf);
  join(d, {kP0});
  auto f = d.take<FetchRequest>(kBroker);
  d.packet(kBroker, response(f[0], kP0, 0, 5, 1));
  CHECK(committed_offsets(d) == std::vector<std::int64_t>{5});
  CHECK(d.rec.of(ev::Process).empty());  // committed, yet nothing processed yet
}

TEST_CASE("auto-commit commits processed positions on its interval", "[log][consumer][commit]") {
  auto cfg = config(CommitMode::Auto, 1, 0.1);
  cfg.auto_commit_interval_s = 1.0;
  Consumer c(cfg);
  Driver d(c, kSelf);
  join(d, {kP0});
  auto f = d.take<FetchRequest>(kBroker);
  d.packet(kBroker, response(f[0], kP0, 0, 3, 1));
  run_until(d, 0.9);
  CHECK(committed_offsets(d).empty());
  run_until(d, 1.05);
  CHECK(committed_offsets(d) == std::vector<std::int64_t>{3});
}

TEST_CASE("a seek to an offset drops fetched records and refetches from there", "[log][consumer][seek]") {
  auto cfg = config(CommitMode::AfterProcessing, 1, 0.0);
  cfg.seeks.push_back(SeekSpec{.at_s = 1.0, .to_offset = 1});
  Consumer c(cfg);
  Driver d(c, kSelf);
  join(d, {kP0});
  auto f = d.take<FetchRequest>(kBroker);
  d.packet(kBroker, response(f[0], kP0, 0, 4, 1));
  CHECK(d.rec.of(ev::Process).size() == 4);
  d.take<FetchRequest>(kBroker);
  run_until(d, 1.0);
  auto resets = d.rec.of(ev::OffsetReset);
  REQUIRE(resets.size() == 1);
  CHECK(resets[0].seq == 4);  // from: next offset to process
  CHECK(resets[0].tag == 1);  // to
  auto again = d.take<FetchRequest>(kBroker);
  REQUIRE_FALSE(again.empty());
  CHECK(again.back().partitions[0].offset == 1);
}

TEST_CASE("an evicted member forgets its partitions and rejoins", "[log][consumer]") {
  Consumer c(config(CommitMode::AfterProcessing));
  Driver d(c, kSelf);
  join(d, {kP0});
  CHECK(c.owned().size() == 1);
  d.packet(kBroker, UnknownMember{"g"});
  CHECK(c.owned().empty());
  CHECK(d.take<JoinGroup>(kBroker).size() == 1);
}

TEST_CASE("a seek to a timestamp asks the broker for offsetsForTimes and refetches from the answer", "[log][consumer][seek]") {
  auto cfg = config(CommitMode::AfterProcessing, 1, 0.0);
  cfg.seeks.push_back(SeekSpec{.at_s = 10.0, .back_s = 6.0});
  Consumer c(cfg);
  Driver d(c, kSelf);
  join(d, {kP0});
  auto f = d.take<FetchRequest>(kBroker);
  d.packet(kBroker, response(f[0], kP0, 0, 8, 1));
  d.take<FetchRequest>(kBroker);
  run_until(d, 10.0);
  auto lo = d.take<ListOffsets>(kBroker);
  REQUIRE(lo.size() == 1);
  CHECK(lo[0].timestamp_s == Approx(4.0));  // one "back_s" before now
  d.packet(kBroker, ListOffsetsResponse{lo[0].request_id, {FetchPartition{kP0, 3}}});
  auto again = d.take<FetchRequest>(kBroker);
  REQUIRE_FALSE(again.empty());
  CHECK(again.back().partitions[0].offset == 3);
  CHECK(c.processed_position(kP0) == 3);
}

TEST_CASE("an assignment arriving mid-record takes effect after that record", "[log][consumer]") {
  Consumer c(config(CommitMode::AfterProcessing, 1, 1.0));
  Driver d(c, kSelf);
  join(d, {kP0});
  auto f = d.take<FetchRequest>(kBroker);
  d.packet(kBroker, response(f[0], kP0, 0, 3, 1));
  d.now = 0.5;
  d.packet(kBroker, Assignment{"g", 2, {kP1}});
  CHECK(c.generation() == 1);  // still working on offset 0
  run_until(d, 1.0);
  CHECK(c.generation() == 2);
  CHECK(c.owned() == std::vector<TopicPartition>{kP1});
  CHECK(d.rec.of(ev::Process).size() == 1);  // offsets 1 and 2 were dropped, not processed
  // The finished record was committed (generation 1) before the partition went away.
  auto commits = d.take<OffsetCommit>(kBroker);
  REQUIRE_FALSE(commits.empty());
  CHECK(commits.front().generation == 1);
  CHECK(commits.front().offsets[0].offset == 1);
}
