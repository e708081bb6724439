// The checker on log-model events: copies per group, duplicates, lost, missed, order, lag.
#include <catch2/catch.hpp>

#include "check/checker.hpp"
#include "vocabulary/vocabulary.hpp"

using namespace bs;

namespace {
constexpr NodeId kBroker = 0, kProducer = 1, kC1 = 2, kC2 = 3;

struct Feed {
  Checker checker{{"broker", "p", "c1", "c2"}, TopicGroups{{"orders", {"g1", "g2"}}}};
  double t = 0;
  void publish(MsgId id, const std::string& key = "") {
    checker.on_event(Event{.t = t += 0.01, .kind = ev::Publish, .node = kProducer, .msg = id, .seq = static_cast<std::int64_t>(id), .text = key});
  }
  void confirm(MsgId id) { checker.on_event(Event{.t = t += 0.01, .kind = ev::Confirm, .node = kProducer, .msg = id, .flag = true}); }
  void append(MsgId id, const std::string& part, std::int64_t offset, const std::string& key = "") {
    checker.on_event(Event{.t = t += 0.01, .kind = ev::Append, .node = kBroker, .msg = id, .queue = part, .tag = offset, .text = key});
  }
  void process(NodeId who, MsgId id, const std::string& part, std::int64_t offset, const std::string& group) {
    checker.on_event(Event{.t = t += 0.01, .kind = ev::Process, .node = who, .msg = id, .queue = part, .tag = offset, .seq = offset, .text = group});
  }
  void commit(const std::string& part, std::int64_t offset, const std::string& group) {
    checker.on_event(Event{.t = t += 0.01, .kind = ev::Commit, .node = kBroker, .queue = part, .tag = offset, .text = group});
  }
  void reset(const std::string& part, std::int64_t from, std::int64_t to, const std::string& group) {
    checker.on_event(Event{.t = t += 0.01, .kind = ev::OffsetReset, .node = kBroker, .queue = part, .tag = to, .seq = from, .text = group});
  }
  /// Publish, confirm and append ids first..first+n-1 at offsets 0.. of `part`.
  void records(MsgId first, int n, const std::string& part) {
    for (int i = 0; i < n; ++i) {
      publish(first + i);
      append(first + i, part, i);
      confirm(first + i);
    }
  }
};
}  // namespace

TEST_CASE("every group subscribed to the topic must process each record", "[log][checker]") {
  Feed f;
  f.records(1, 3, "orders/0");
  for (MsgId id = 1; id <= 3; ++id) f.process(kC1, id, "orders/0", static_cast<std::int64_t>(id - 1), "g1");
  Totals t = f.checker.totals();
  CHECK(t.lost == 0);
  CHECK(t.pending == 3);  // g2 has not read them yet: still in the log, not lost
  CHECK(t.queues["orders/0"].max_lag == 3);
}

TEST_CASE("reprocessing within one group is a duplicate, across groups it is not", "[log][checker]") {
  Feed f;
  f.records(1, 2, "orders/0");
  f.process(kC1, 1, "orders/0", 0, "g1");
  f.process(kC2, 1, "orders/0", 0, "g2");
  CHECK(f.checker.totals().duplicates == 0);
  f.process(kC2, 1, "orders/0", 0, "g1");  // after a rebalance, from the committed offset
  CHECK(f.checker.totals().duplicates == 1);
  // Also after the record was committed and forgotten.
  f.process(kC1, 2, "orders/0", 1, "g1");
  f.commit("orders/0", 2, "g1");
  f.process(kC1, 2, "orders/0", 1, "g1");
  CHECK(f.checker.totals().duplicates == 2);
}

TEST_CASE("a commit past an unprocessed record loses it (at-most-once)", "[log][checker]") {
  Feed f;
  f.records(1, 3, "orders/0");
  f.commit("orders/0", 3, "g1");
  f.process(kC1, 1, "orders/0", 0, "g1");
  Totals t = f.checker.totals();
  CHECK(t.lost == 2);
  CHECK(t.queues["orders/0"].lost == 2);
}

TEST_CASE("an offset reset skips records: missed, not lost", "[log][checker]") {
  Feed f;
  f.records(1, 5, "orders/0");
  f.process(kC1, 1, "orders/0", 0, "g1");
  f.reset("orders/0", 1, 4, "g1");
  Totals t = f.checker.totals();
  CHECK(t.missed == 3);
  CHECK(t.lost == 0);
}

TEST_CASE("order is checked per partition and per key, not across partitions", "[log][checker]") {
  Feed f;
  // ids 1 and 3 in partition 0 (key a), id 2 in partition 1 (key b).
  f.publish(1, "a");
  f.append(1, "orders/0", 0, "a");
  f.publish(2, "b");
  f.append(2, "orders/1", 0, "b");
  f.publish(3, "a");
  f.append(3, "orders/0", 1, "a");
  f.process(kC2, 2, "orders/1", 0, "g1");
  f.process(kC1, 1, "orders/0", 0, "g1");
  f.process(kC1, 3, "orders/0", 1, "g1");
  Totals t = f.checker.totals();
  CHECK(t.reordered == 0);
  CHECK(t.reordered_per_key == 0);
  CHECK(t.reordered_across_partitions == 1);  // 2 before 1
  // Now g2 processes partition 0 out of offset order.
  f.process(kC1, 3, "orders/0", 1, "g2");
  f.process(kC1, 1, "orders/0", 0, "g2");
  t = f.checker.totals();
  CHECK(t.queues["orders/0"].reordered == 1);
  CHECK(t.reordered_per_key == 1);
}
