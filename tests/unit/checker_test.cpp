// The checker, fed hand-built event sequences (queue model).
#include <catch2/catch.hpp>

#include "check/checker.hpp"
#include "check/expect.hpp"
#include "vocabulary/vocabulary.hpp"

using namespace bs;

namespace {
constexpr NodeId kB = 0, kP = 1, kC1 = 2, kC2 = 3;

/// Builds a trace by hand and feeds it to a checker. Times advance 1 ms per event
/// unless set.
struct Feed {
  Checker checker{{"broker", "p1", "c1", "c2"}};
  double t = 0;

  void emit(Event e) {
    e.t = t;
    t += 0.001;
    checker.on_event(e);
  }
  void publish(MsgId id, bool confirm = true) {
    emit(Event{.kind = ev::Publish, .node = kP, .msg = id, .peer = kB, .seq = confirm ? static_cast<std::int64_t>(id) : -1});
  }
  void enqueue(MsgId id, std::int64_t pos, const std::string& q = "q") {
    emit(Event{.kind = ev::Enqueue, .node = kB, .msg = id, .queue = q, .seq = pos});
  }
  void confirm(MsgId id, bool ack = true) {
    emit(Event{.kind = ev::Confirm, .node = kP, .msg = id, .peer = kB, .seq = static_cast<std::int64_t>(id), .flag = ack});
  }
  void deliver(MsgId id, NodeId c, std::int64_t pos, bool redelivered = false, bool auto_ack = false,
               const std::string& q = "q", std::int64_t tag = 1) {
    emit(Event{.kind = ev::Deliver, .node = kB, .msg = id, .peer = c, .queue = q, .tag = tag, .seq = pos,
               .flag = redelivered, .text = auto_ack ? "auto_ack" : ""});
  }
  void process(MsgId id, NodeId c, const std::string& q = "q", std::int64_t tag = 1) {
    emit(Event{.kind = ev::Process, .node = c, .msg = id, .peer = kP, .queue = q, .tag = tag});
  }
  void ack(MsgId id, NodeId c, const std::string& q = "q", std::int64_t tag = 1) {
    emit(Event{.kind = ev::Ack, .node = kB, .msg = id, .peer = c, .queue = q, .tag = tag});
  }
  void requeue(MsgId id, NodeId c, std::int64_t pos, const std::string& q = "q") {
    emit(Event{.kind = ev::Requeue, .node = kB, .msg = id, .peer = c, .queue = q, .seq = pos, .flag = true,
               .text = "connection_lost"});
  }
  void drop(MsgId id, const std::string& reason, const std::string& q = "q") {
    emit(Event{.kind = ev::Drop, .node = kB, .msg = id, .queue = q, .text = reason});
  }
  void crash(NodeId n) { emit(Event{.kind = ev::Crash, .node = n}); }
  /// Publish, enqueue at position id, confirm.
  void accepted(MsgId id, const std::string& q = "q") {
    publish(id);
    enqueue(id, static_cast<std::int64_t>(id), q);
    confirm(id);
  }
  /// Deliver, process and ack in one go.
  void handle(MsgId id, NodeId c, const std::string& q = "q") {
    deliver(id, c, static_cast<std::int64_t>(id), false, false, q);
    process(id, c, q);
    ack(id, c, q);
  }
  Totals totals() const { return checker.totals(); }
};
}  // namespace

TEST_CASE("checker: a clean run has nothing lost, duplicated, reordered or pending", "[checker]") {
  Feed f;
  for (MsgId i = 1; i <= 5; ++i) f.accepted(i);
  for (MsgId i = 1; i <= 5; ++i) f.handle(i, i % 2 ? kC1 : kC2);
  const Totals t = f.totals();
  CHECK(t.published == 5);
  CHECK(t.routed == 5);
  CHECK(t.confirmed == 5);
  CHECK(t.delivered == 5);
  CHECK(t.processed == 5);
  CHECK(t.acked == 5);
  CHECK(t.lost == 0);
  CHECK(t.duplicates == 0);
  CHECK(t.reordered == 0);
  CHECK(t.reordered_across_consumers == 0);
  CHECK(t.pending == 0);
  CHECK(t.consumers.at("c1").processed == 3);
  CHECK(t.consumers.at("c2").processed == 2);
  CHECK(t.queues.at("q").routed == 5);
  CHECK(t.queues.at("q").processed == 5);
}

TEST_CASE("checker: an auto-ack consumer's crash loses the confirmed messages in its hands", "[checker][lost]") {
  Feed f;
  for (MsgId i = 1; i <= 4; ++i) f.accepted(i);
  f.deliver(1, kC1, 1, false, true);
  f.process(1, kC1);
  f.deliver(2, kC1, 2, false, true);
  f.deliver(3, kC1, 3, false, true);
  f.crash(kC1);
  const Totals t = f.totals();
  CHECK(t.lost == 2);  // 2 and 3 were in c1's hands; 1 was processed
  CHECK(t.queues.at("q").lost == 2);
  CHECK(t.pending == 1);  // 4 still in the queue
}

TEST_CASE("checker: an auto-ack delivery to a consumer already down is lost", "[checker][lost]") {
  Feed f;
  f.accepted(1);
  f.crash(kC1);
  f.deliver(1, kC1, 1, false, true);
  CHECK(f.totals().lost == 1);
}

TEST_CASE("checker: a manual-ack consumer's crash loses nothing: the broker requeues", "[checker][lost]") {
  Feed f;
  for (MsgId i = 1; i <= 3; ++i) f.accepted(i);
  f.deliver(1, kC1, 1);
  f.deliver(2, kC1, 2);
  f.crash(kC1);
  f.requeue(1, kC1, 1);
  f.requeue(2, kC1, 2);
  Totals t = f.totals();
  CHECK(t.lost == 0);
  CHECK(t.pending == 3);
  CHECK(t.requeued == 2);
  f.deliver(1, kC2, 1, true);
  f.process(1, kC2);
  f.ack(1, kC2);
  t = f.totals();
  CHECK(t.redelivered == 1);
  CHECK(t.consumers.at("c2").redelivered == 1);
  CHECK(t.lost == 0);
  CHECK(t.pending == 2);
}

TEST_CASE("checker: a broker_crash drop of a confirmed message is a loss", "[checker][lost]") {
  Feed f;
  f.accepted(1);
  f.accepted(2);
  f.handle(1, kC1);
  f.drop(2, "broker_crash");
  const Totals t = f.totals();
  CHECK(t.lost == 1);
  CHECK(t.dropped == 1);
  CHECK(t.pending == 0);
}

TEST_CASE("checker: rejected, expired and dead-lettered messages are not lost", "[checker][lost]") {
  Feed f;
  for (MsgId i = 1; i <= 3; ++i) f.accepted(i);
  f.deliver(1, kC1, 1);
  f.emit(Event{.kind = ev::Nack, .node = kB, .msg = 1, .peer = kC1, .queue = "q", .tag = 1, .flag = false});
  f.drop(1, "rejected");
  f.drop(2, "expired");
  f.emit(Event{.kind = ev::DeadLetter, .node = kB, .msg = 3, .queue = "q", .text = "dlx:expired"});
  const Totals t = f.totals();
  CHECK(t.lost == 0);
  CHECK(t.dropped == 2);
  CHECK(t.dead_lettered == 1);
  CHECK(t.nacked == 1);
  CHECK(t.pending == 0);
}

TEST_CASE("checker: an unconfirmed message dropped by a broker crash is not counted lost", "[checker][lost]") {
  Feed f;
  f.publish(1);
  f.enqueue(1, 1);
  f.drop(1, "broker_crash");  // the confirm never went out: the producer knows it is not safe
  CHECK(f.totals().lost == 0);
}

TEST_CASE("checker: without confirms, an enqueued message dropped by a crash is lost", "[checker][lost]") {
  Feed f;
  f.publish(1, /*confirm=*/false);
  f.enqueue(1, 1);
  f.drop(1, "broker_crash");
  CHECK(f.totals().lost == 1);
}

TEST_CASE("checker: a loss counted after the message is retired is still reported", "[checker][lost]") {
  // The confirm arrives after the crash drop: the message is retired at the confirm.
  Feed f;
  f.publish(1);
  f.enqueue(1, 1);
  f.drop(1, "broker_crash");
  f.confirm(1);
  CHECK(f.totals().lost == 1);
  f.accepted(2);
  f.handle(2, kC1);
  CHECK(f.totals().lost == 1);
}

TEST_CASE("checker: a message processed twice within one queue is one duplicate", "[checker][duplicates]") {
  Feed f;
  f.accepted(1);
  f.accepted(2);
  f.deliver(1, kC1, 1);
  f.process(1, kC1);  // processed, ack lost with the crash
  f.crash(kC1);
  f.requeue(1, kC1, 1);
  f.deliver(1, kC2, 1, true);
  f.process(1, kC2);
  f.ack(1, kC2);
  f.handle(2, kC2);
  const Totals t = f.totals();
  CHECK(t.duplicates == 1);
  CHECK(t.consumers.at("c2").duplicates == 1);
  CHECK(t.consumers.at("c1").duplicates == 0);
  CHECK(t.processed == 3);
  CHECK(t.lost == 0);
}

TEST_CASE("checker: a repeat processing after the message settled is still a duplicate", "[checker][duplicates]") {
  Feed f;
  f.accepted(1);
  f.handle(1, kC1);
  f.process(1, kC1);  // e.g. a republished copy processed again
  CHECK(f.totals().duplicates == 1);
}

TEST_CASE("checker: fan-out copies processed once per queue are not duplicates", "[checker][duplicates]") {
  Feed f;
  f.publish(1);
  f.enqueue(1, 1, "qa");
  f.enqueue(1, 1, "qb");
  f.confirm(1);
  f.handle(1, kC1, "qa");
  f.handle(1, kC2, "qb");
  const Totals t = f.totals();
  CHECK(t.routed == 1);
  CHECK(t.processed == 2);
  CHECK(t.duplicates == 0);
  CHECK(t.lost == 0);
  CHECK(t.queues.at("qa").processed == 1);
  CHECK(t.queues.at("qb").processed == 1);
}

TEST_CASE("checker: a skipped duplicate is counted as skipped, not as a duplicate", "[checker][duplicates]") {
  Feed f;
  f.accepted(1);
  f.deliver(1, kC1, 1);
  f.process(1, kC1);
  f.crash(kC1);
  f.requeue(1, kC1, 1);
  f.deliver(1, kC2, 1, true);
  f.emit(Event{.kind = ev::DuplicateSkipped, .node = kC2, .msg = 1, .queue = "q", .tag = 1, .flag = true});
  f.ack(1, kC2);
  const Totals t = f.totals();
  CHECK(t.duplicates == 0);
  CHECK(t.duplicates_skipped == 1);
  CHECK(t.consumers.at("c2").duplicates_skipped == 1);
  CHECK(t.lost == 0);
  CHECK(t.pending == 0);
}

TEST_CASE("checker: positions processed 1, 3, 4, 2 by one consumer are 2 inversions", "[checker][reorder]") {
  Feed f;
  for (MsgId i = 1; i <= 4; ++i) f.accepted(i);
  for (MsgId i = 1; i <= 4; ++i) f.deliver(i, kC1, static_cast<std::int64_t>(i));
  for (MsgId id : {1, 3, 4, 2}) {
    f.process(id, kC1);
    f.ack(id, kC1);
  }
  const Totals t = f.totals();
  CHECK(t.reordered == 2);
  CHECK(t.consumers.at("c1").reordered == 2);
  CHECK(t.reordered_across_consumers == 2);
  CHECK(t.queues.at("q").reordered == 2);
  CHECK(t.consumers.at("c1").order == std::vector<std::uint64_t>{1, 3, 4, 2});
}

TEST_CASE("checker: the classic 4, 3, 5 after a redelivery is one inversion", "[checker][reorder]") {
  Feed f;
  for (MsgId i = 1; i <= 5; ++i) f.accepted(i);
  f.handle(1, kC1);
  f.handle(2, kC2);
  f.deliver(3, kC2, 3);
  f.deliver(4, kC1, 4);
  f.crash(kC2);
  f.requeue(3, kC2, 3);
  f.process(4, kC1);
  f.ack(4, kC1);
  f.deliver(3, kC1, 3, true);
  f.process(3, kC1);
  f.ack(3, kC1);
  f.handle(5, kC1);
  const Totals t = f.totals();
  CHECK(t.consumers.at("c1").order == std::vector<std::uint64_t>{1, 4, 3, 5});
  CHECK(t.consumers.at("c1").reordered == 1);
  CHECK(t.reordered == 1);
  CHECK(t.lost == 0);
  CHECK(t.duplicates == 0);
}

TEST_CASE("checker: inversions across consumers count in the queue, not per consumer", "[checker][reorder]") {
  Feed f;
  for (MsgId i = 1; i <= 3; ++i) f.accepted(i);
  f.deliver(1, kC1, 1);
  f.deliver(2, kC2, 2);
  f.deliver(3, kC2, 3);
  f.process(2, kC2);
  f.process(3, kC2);
  f.process(1, kC1);  // slow c1 finishes message 1 last
  const Totals t = f.totals();
  CHECK(t.reordered == 0);  // each consumer saw its own messages in order
  CHECK(t.reordered_across_consumers == 2);
  CHECK(t.queues.at("q").reordered == 2);
}

TEST_CASE("checker: reordering is per queue, and two queues never compare", "[checker][reorder]") {
  Feed f;
  f.publish(1);
  f.enqueue(1, 1, "qa");
  f.confirm(1);
  f.publish(2);
  f.enqueue(2, 1, "qb");
  f.confirm(2);
  f.handle(2, kC1, "qb");
  f.handle(1, kC1, "qa");
  const Totals t = f.totals();
  CHECK(t.reordered == 0);
  CHECK(t.reordered_across_consumers == 0);
}

TEST_CASE("checker: messages still queued or unacked are pending", "[checker]") {
  Feed f;
  for (MsgId i = 1; i <= 4; ++i) f.accepted(i);
  f.handle(1, kC1);
  f.deliver(2, kC1, 2);  // unacked, unprocessed
  const Totals t = f.totals();
  CHECK(t.pending == 3);
  CHECK(t.lost == 0);
}

TEST_CASE("checker: unroutable and returned messages are counted", "[checker]") {
  Feed f;
  f.publish(1);
  f.emit(Event{.kind = ev::Unroutable, .node = kB, .msg = 1, .peer = kP, .flag = true});
  f.emit(Event{.kind = ev::Returned, .node = kP, .msg = 1, .peer = kB});
  f.confirm(1);
  f.publish(2);
  f.emit(Event{.kind = ev::Unroutable, .node = kB, .msg = 2, .peer = kP});
  f.confirm(2);
  const Totals t = f.totals();
  CHECK(t.unroutable == 2);
  CHECK(t.returned == 1);
  CHECK(t.routed == 0);
  CHECK(t.lost == 0);  // nothing should have received them
  CHECK(t.pending == 0);
}

TEST_CASE("checker: latency percentiles are end-to-end in simulated milliseconds", "[checker][latency]") {
  Checker c({"broker", "p1", "c1"});
  // Message i is published at t = i and processed i * 10 ms later: latencies 10..100 ms.
  for (MsgId i = 1; i <= 10; ++i) {
    const double t0 = static_cast<double>(i);
    c.on_event(Event{.t = t0, .kind = ev::Publish, .node = kP, .msg = i, .peer = kB, .seq = -1});
    c.on_event(Event{.t = t0, .kind = ev::Enqueue, .node = kB, .msg = i, .queue = "q", .seq = static_cast<std::int64_t>(i)});
    c.on_event(Event{.t = t0, .kind = ev::Deliver, .node = kB, .msg = i, .peer = kC1, .queue = "q", .tag = 1,
                     .seq = static_cast<std::int64_t>(i)});
    c.on_event(Event{.t = t0 + 0.010 * static_cast<double>(i), .kind = ev::Process, .node = kC1, .msg = i,
                     .queue = "q", .tag = 1});
  }
  const Totals t = c.totals();
  CHECK(t.latency_p50_ms == Approx(50).epsilon(0.02));
  CHECK(t.latency_p95_ms == Approx(100).epsilon(0.02));
  CHECK(t.latency_p99_ms == Approx(100).epsilon(0.02));
  CHECK(t.latency_max_ms == Approx(100).epsilon(1e-9));
  // Throughput: 10 first processings between t = 1 (first publish) and t = 10.1.
  CHECK(t.throughput_per_s == Approx(10 / 9.1).epsilon(1e-6));
}

TEST_CASE("checker: latency counts the first processing only", "[checker][latency]") {
  Feed f;
  f.accepted(1);
  f.t = 0.019;
  f.deliver(1, kC1, 1);  // processed at t = 0.020, 20 ms after its publish at t = 0
  f.process(1, kC1);
  f.t = 5.0;
  f.process(1, kC1);
  const Totals t = f.totals();
  CHECK(t.latency_max_ms == Approx(20).epsilon(0.01));
  CHECK(t.duplicates == 1);
}

TEST_CASE("checker: totals are found by name for expect blocks", "[checker][expect]") {
  Feed f;
  for (MsgId i = 1; i <= 2; ++i) f.accepted(i);
  f.handle(2, kC1);
  f.handle(1, kC1);
  const Totals t = f.totals();
  double v = -1;
  CHECK(total_by_name(t, "reordered", v));
  CHECK(v == 1);
  CHECK(total_by_name(t, "consumers.c1.processed", v));
  CHECK(v == 2);
  CHECK(total_by_name(t, "queues.q.routed", v));
  CHECK(v == 2);
  CHECK_FALSE(total_by_name(t, "nonsense", v));
  CHECK_FALSE(total_by_name(t, "consumers.c1.nonsense", v));
  Expectation ok{"lost", std::nullopt, std::nullopt, 0.0, "$.expect.lost"};
  Expectation bad{"reordered", std::nullopt, 0.0, std::nullopt, "$.expect.reordered"};
  auto res = check_expectations({ok, bad}, t);
  REQUIRE(res.size() == 2);
  CHECK(res[0].pass);
  CHECK_FALSE(res[1].pass);
  CHECK(res[1].observed == 1);
  CHECK(res[1].describe().find("reordered") != std::string::npos);
  CHECK(res[1].describe().find("observed 1") != std::string::npos);
}

TEST_CASE("checker: a republished message processed from both of its copies is a duplicate", "[checker][duplicates]") {
  // The producer retried message 1 (same id): the queue holds it at positions 1 and 2.
  Feed f;
  f.publish(1);
  f.enqueue(1, 1);
  f.publish(1);
  f.enqueue(1, 2);
  f.confirm(1);
  f.deliver(1, kC1, 1);
  f.process(1, kC1);
  f.ack(1, kC1);
  f.deliver(1, kC1, 2);
  f.process(1, kC1);
  f.ack(1, kC1);
  const Totals t = f.totals();
  CHECK(t.published == 1);  // one message id
  CHECK(t.retries == 1);
  CHECK(t.routed == 1);
  CHECK(t.processed == 2);
  CHECK(t.duplicates == 1);
  CHECK(t.consumers.at("c1").duplicates == 1);
  CHECK(t.queues.at("q").processed == 1);  // distinct messages
  CHECK(t.lost == 0);
  CHECK(t.pending == 0);
}

TEST_CASE("checker: a republished message processed once is neither lost nor pending", "[checker][duplicates]") {
  // Both copies delivered; the consumer is idempotent and skips the second one.
  Feed f;
  f.publish(1);
  f.enqueue(1, 1);
  f.publish(1);
  f.enqueue(1, 2);
  f.confirm(1);
  f.handle(1, kC1);
  f.deliver(1, kC1, 2);
  f.emit(Event{.kind = ev::DuplicateSkipped, .node = kC1, .msg = 1, .queue = "q", .tag = 1});
  f.ack(1, kC1);
  const Totals t = f.totals();
  CHECK(t.duplicates == 0);
  CHECK(t.duplicates_skipped == 1);
  CHECK(t.lost == 0);
  CHECK(t.pending == 0);
}

TEST_CASE("checker: a copy lost in a broker crash is not a loss when the retried copy is processed",
          "[checker][lost]") {
  // Message 1 is enqueued, the broker crashes before confirming it, the producer
  // republishes it and the new copy is confirmed and processed: nothing was lost.
  Feed f;
  f.publish(1);
  f.enqueue(1, 1);
  f.drop(1, "broker_crash");
  f.publish(1);
  f.enqueue(1, 2);  // the queue's positions go on counting across the crash
  f.confirm(1);
  f.deliver(1, kC1, 2);
  f.process(1, kC1);
  f.ack(1, kC1);
  Totals t = f.totals();
  CHECK(t.lost == 0);
  CHECK(t.pending == 0);
  CHECK(t.duplicates == 0);
  // And while the retried copy is still queued, the message is pending, not lost.
  Feed g;
  g.publish(1);
  g.enqueue(1, 1);
  g.drop(1, "broker_crash");
  g.publish(1);
  g.enqueue(1, 2);
  g.confirm(1);
  t = g.totals();
  CHECK(t.lost == 0);
  CHECK(t.pending == 1);
}

TEST_CASE("an ack settles the copy the consumer holds under that delivery tag, not another copy of a republished message",
          "[checker]") {
  // Found by the fault soak: a producer retry put message 5 in the queue twice; c1 acked
  // its copy while c2 still held the other, and the checker settled c2's instead.
  Feed f;
  f.publish(5);
  f.enqueue(5, 5);
  f.publish(5);
  f.enqueue(5, 6);
  f.confirm(5);
  f.deliver(5, kC2, 5, false, false, "q", /*tag=*/3);
  f.deliver(5, kC1, 6, false, false, "q", /*tag=*/7);
  f.process(5, kC1, "q", 7);
  f.ack(5, kC1, "q", 7);
  f.crash(kC2);
  f.requeue(5, kC2, 5);
  f.deliver(5, kC1, 5, true, false, "q", /*tag=*/8);
  f.process(5, kC1, "q", 8);
  f.ack(5, kC1, "q", 8);
  const Totals t = f.checker.totals();
  CHECK(t.pending == 0);
  CHECK(t.lost == 0);
  CHECK(t.duplicates == 1);
}

TEST_CASE("published counts message ids, retries count re-sends, unconfirmed what the producer never saw confirmed",
          "[checker]") {
  Feed f;
  f.publish(1);
  f.publish(1);  // retried: the confirm did not come in time
  f.enqueue(1, 1);
  f.confirm(1);
  f.handle(1, kC1);
  f.publish(2);  // sent to a broker that was down: never enqueued, never confirmed
  f.publish(2);
  const Totals t = f.checker.totals();
  CHECK(t.published == 2);
  CHECK(t.retries == 2);
  CHECK(t.unconfirmed == 1);
  CHECK(t.lost == 0);  // the producer knows about 2: it is unconfirmed, not silently lost
}

TEST_CASE("a fire-and-forget message that never reached a broker is lost, and an unroutable one is not", "[checker]") {
  Feed f;
  f.publish(1, false);  // on the wire when the broker crashes: the connection reset kills it
  f.publish(2, false);
  f.emit(Event{.kind = ev::Unroutable, .node = kB, .msg = 2, .peer = kP, .text = "x"});
  f.publish(3, false);
  f.enqueue(3, 3);
  f.handle(3, kC1);
  f.crash(kB);
  CHECK(f.checker.last_verdict().lost == std::vector<MsgId>{1});  // marked when it happens
  f.publish(4, false);  // sent to the dead broker
  CHECK(f.checker.last_verdict().lost == std::vector<MsgId>{4});
  f.emit(Event{.kind = ev::Restart, .node = kB});
  f.publish(5, false);  // still on the wire when the trace ends
  const Totals t = f.checker.totals();
  CHECK(t.published == 5);
  CHECK(t.lost == 2);
  CHECK(t.pending == 1);
  CHECK(t.unconfirmed == 0);
}
