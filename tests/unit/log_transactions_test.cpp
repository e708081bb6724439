// Kafka transactions (KIP-98): the partition's transaction index, the coordinator's
// fencing and markers, read_committed fetches, and the checker's reading of them.
#include <catch2/catch.hpp>

#include "check/checker.hpp"
#include "kafka/log_broker.hpp"
#include "kafka/offsets_topic.hpp"
#include "log_harness.hpp"
#include "vocabulary/vocabulary.hpp"

using namespace bs;
using namespace bs::kafka;
using bs::test::Driver;
using bs::test::record;
using bs::test::run_until;

namespace {
constexpr NodeId kBroker = 0, kAppA = 1, kAppB = 2, kReader = 3;
const TopicPartition kOut{"totals", 0};

StoredRecord txn_record(MsgId id, std::int64_t pid, std::int8_t control = 0) {
  StoredRecord r;
  r.msg = record(id);
  r.producer_id = pid;
  r.transactional = control == 0;
  r.control = control;
  return r;
}

/// A lone broker with the output topic, one group and __transaction_state.
LogBrokerConfig config() {
  LogBrokerConfig c;
  c.topics.push_back(TopicConfig{"totals", 1, {}});
  c.topics.push_back(TopicConfig{std::string(kTxnStateTopic), 1, {}});
  c.groups.push_back(GroupConfig{"app", AssignorKind::Range});
  c.txn_partitions = 1;
  return c;
}

TxnResponse init(Driver& d, NodeId who, std::uint64_t id) {
  d.packet(who, InitTxnProducerId{"payments", 60, id});
  auto r = d.take<TxnResponse>(who);
  REQUIRE(r.size() == 1);
  return r[0];
}

FetchRequest fetch(bool read_committed) {
  FetchRequest r{.group = "reader", .fetch_id = 1};
  r.partitions.push_back(FetchPartition{kOut, 0});
  r.max_wait_s = 0;
  r.read_committed = read_committed;
  return r;
}
}  // namespace

TEST_CASE("the last stable offset stops at the oldest open transaction and moves with its marker", "[log][txn]") {
  PartitionLog log;
  TxnIndex idx;
  auto add = [&](StoredRecord r) { idx.on_append(r, log.append(r)); };
  add(txn_record(1, -1));        // 0: an ordinary record
  add(txn_record(2, 7));         // 1: producer 7 opens a transaction
  add(txn_record(3, 8));         // 2: producer 8 opens one
  CHECK(idx.last_stable_offset(3) == 1);
  add(txn_record(0, 7, 2));      // 3: producer 7 aborts
  CHECK(idx.last_stable_offset(4) == 2);
  CHECK(idx.aborted(7, 1));
  CHECK_FALSE(idx.aborted(8, 2));
  add(txn_record(0, 8, 1));      // 4: producer 8 commits
  CHECK(idx.last_stable_offset(5) == 5);
  REQUIRE(idx.aborted_between(0, 5).size() == 1);
  CHECK(idx.aborted_between(0, 5)[0].first_offset == 1);
  // A replica that truncates rebuilds the same view from its log.
  TxnIndex again;
  again.rebuild(log);
  CHECK(again.last_stable_offset(5) == 5);
  CHECK(again.aborted(7, 1));
}

TEST_CASE("a second initTransactions() bumps the epoch and fences the first instance", "[log][txn]") {
  LogBroker b(config());
  Driver d(b, kBroker);
  d.start();
  const TxnResponse a = init(d, kAppA, 1);
  CHECK(a.error == ErrorCode::None);
  CHECK(a.producer_epoch == 0);
  const TxnResponse bb = init(d, kAppB, 2);
  CHECK(bb.producer_id == a.producer_id);
  CHECK(bb.producer_epoch == 1);
  // The zombie's next request carries epoch 0: PRODUCER_FENCED, traced.
  d.packet(kAppA, AddPartitionsToTxn{TxnIdentity{"payments", a.producer_id, 0}, {kOut}, 3});
  auto r = d.take<TxnResponse>(kAppA);
  REQUIRE(r.size() == 1);
  CHECK(r[0].error == ErrorCode::ProducerFenced);
  CHECK(d.rec.of(ev::TxnFenced).size() == 1);
}

TEST_CASE("an open transaction hides its records from read_committed until its abort marker drops them",
          "[log][txn][fetch]") {
  LogBroker b(config());
  Driver d(b, kBroker);
  d.start();
  const TxnResponse a = init(d, kAppA, 1);
  const TxnIdentity who{"payments", a.producer_id, a.producer_epoch};
  d.packet(kAppA, AddPartitionsToTxn{who, {kOut}, 2});
  CHECK(d.take<TxnResponse>(kAppA).at(0).error == ErrorCode::None);
  ProduceRequest p{"totals", {PartitionBatch{0, {record(11), record(12)}, -1}}, -1, 3, a.producer_id, a.producer_epoch};
  p.transactional = true;
  d.packet(kAppA, p);
  d.take<ProduceResponse>(kAppA);

  d.packet(kReader, fetch(true));
  auto committed = d.take<FetchResponse>(kReader);
  REQUIRE(committed.size() == 1);
  CHECK(committed[0].parts.at(0).records.empty());  // the LSO is offset 0
  d.packet(kReader, fetch(false));
  CHECK(d.take<FetchResponse>(kReader).at(0).parts.at(0).records.size() == 2);  // read_uncommitted sees them

  d.packet(kAppA, EndTxn{who, false, 4});  // abortTransaction()
  CHECK(d.take<TxnResponse>(kAppA).at(0).error == ErrorCode::None);
  REQUIRE(d.rec.of(ev::TxnMarker).size() == 1);
  CHECK_FALSE(d.rec.of(ev::TxnMarker)[0].flag);
  d.packet(kReader, fetch(true));
  const FetchPartitionData data = d.take<FetchResponse>(kReader).at(0).parts.at(0);
  REQUIRE(data.records.size() == 3);  // two records and the marker, readable now
  REQUIRE(data.aborted.size() == 1);  // which the consumer drops
  CHECK(data.aborted[0].second == 0);
  CHECK(data.control == std::vector<std::int8_t>{0, 0, 2});
}

TEST_CASE("offsets sent to a transaction are committed by its commit marker, and unstable until then",
          "[log][txn][commit]") {
  LogBroker b(config());
  Driver d(b, kBroker);
  d.start();
  const TxnResponse a = init(d, kAppA, 1);
  const TxnIdentity who{"payments", a.producer_id, a.producer_epoch};
  d.packet(kAppA, JoinGroup{"app", {"totals"}, 10});
  run_until(d, 0.1);  // the rebalance: generation 1
  REQUIRE(d.take<Assignment>(kAppA).size() == 1);
  d.packet(kAppA, AddOffsetsToTxn{who, "app", 2});
  // KIP-447: offsets from an older generation are refused.
  d.packet(kAppA, TxnOffsetCommit{who, "app", 0, {FetchPartition{TopicPartition{"orders", 0}, 5}}, 3});
  auto stale = d.take<TxnResponse>(kAppA);
  REQUIRE(stale.size() == 2);
  CHECK(stale[1].error == ErrorCode::IllegalGeneration);
  d.packet(kAppA, TxnOffsetCommit{who, "app", 1, {FetchPartition{TopicPartition{"orders", 0}, 5}}, 4});
  CHECK(d.take<TxnResponse>(kAppA).at(0).error == ErrorCode::None);
  CHECK(b.committed("app", TopicPartition{"orders", 0}) == -1);
  d.packet(kReader, OffsetFetch{"app", {TopicPartition{"orders", 0}}, 9});
  auto of = d.take<OffsetFetchResponse>(kReader);
  REQUIRE(of.size() == 1);
  CHECK(of[0].unstable.size() == 1);  // KIP-447: UNSTABLE_OFFSET_COMMIT
  d.packet(kAppA, EndTxn{who, true, 5});
  CHECK(b.committed("app", TopicPartition{"orders", 0}) == 5);
  // KIP-890: the transaction ended with a new epoch; its old one is fenced now.
  const auto end = d.take<TxnResponse>(kAppA);
  REQUIRE(end.size() == 1);
  CHECK(end[0].producer_epoch == who.producer_epoch + 1);
  d.packet(kAppA, TxnOffsetCommit{who, "app", 1, {FetchPartition{TopicPartition{"orders", 0}, 9}}, 6});
  CHECK(d.take<TxnResponse>(kAppA).at(0).error == ErrorCode::ProducerFenced);
}

TEST_CASE("the checker: an aborted transaction's records are neither lost nor pending, and reading them counts",
          "[log][txn][checker]") {
  Checker c{{"broker", "app", "audit", "dashboard"}, TopicGroups{{"totals", {"audit", "dashboard"}}}};
  double t = 0;
  auto ev = [&](Event e) {
    e.t = t += 0.01;
    c.on_event(e);
  };
  constexpr NodeId kApp = 1, kAudit = 2, kDash = 3;
  ev(Event{.kind = ev::TxnState, .node = kBroker, .peer = kApp, .queue = "payments", .tag = 42, .seq = 0, .text = "Empty"});
  for (MsgId id : {1, 2}) {
    ev(Event{.kind = ev::Publish, .node = kApp, .msg = id, .tag = 100 + static_cast<std::int64_t>(id), .seq = static_cast<std::int64_t>(id)});
    ev(Event{.kind = ev::Append, .node = kBroker, .msg = id, .peer = kApp, .queue = "totals/0", .tag = static_cast<std::int64_t>(id - 1)});
    ev(Event{.kind = ev::Confirm, .node = kApp, .msg = id, .seq = static_cast<std::int64_t>(id), .flag = true});
  }
  CHECK(c.txn_record(1) == Checker::TxnRecord::Open);
  ev(Event{.kind = ev::Process, .node = kDash, .msg = 1, .queue = "totals/0", .tag = 0, .seq = 0, .text = "dashboard"});
  ev(Event{.kind = ev::TxnMarker, .node = kBroker, .peer = kBroker, .queue = "totals/0", .tag = 2, .seq = 42, .flag = false,
           .text = "payments"});
  CHECK(c.txn_record(1) == Checker::TxnRecord::Aborted);
  // The retry of input 101 writes output 3, committed, and both groups read it.
  ev(Event{.kind = ev::Publish, .node = kApp, .msg = 3, .tag = 101, .seq = 3});
  ev(Event{.kind = ev::Append, .node = kBroker, .msg = 3, .peer = kApp, .queue = "totals/0", .tag = 3});
  ev(Event{.kind = ev::Confirm, .node = kApp, .msg = 3, .seq = 3, .flag = true});
  ev(Event{.kind = ev::TxnMarker, .node = kBroker, .peer = kBroker, .queue = "totals/0", .tag = 4, .seq = 42, .flag = true,
           .text = "payments"});
  ev(Event{.kind = ev::Process, .node = kDash, .msg = 3, .queue = "totals/0", .tag = 3, .seq = 3, .text = "dashboard"});
  ev(Event{.kind = ev::Process, .node = kAudit, .msg = 3, .queue = "totals/0", .tag = 3, .seq = 3, .text = "audit"});
  const Totals tot = c.totals();
  CHECK(tot.lost == 0);
  CHECK(tot.pending == 0);
  CHECK(tot.aborted_records == 2);
  CHECK(tot.consumers.at("dashboard").aborted_read == 1);
  CHECK(tot.consumers.at("dashboard").duplicate_outputs == 1);  // outputs 1 and 3 were both made from input 101
  CHECK(tot.consumers.at("audit").duplicate_outputs == 0);
}
