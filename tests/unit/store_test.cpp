// The store node and a consumer that writes its effects there, driven by hand; and the
// checker's reading of effects (duplicate effects, effects lost).
#include <catch2/catch.hpp>

#include "amqp/consumer.hpp"
#include "amqp/producer.hpp"
#include "check/checker.hpp"
#include "harness.hpp"
#include "store/store.hpp"
#include "vocabulary/vocabulary.hpp"

using namespace bs;
using bs::test::Driver;

namespace {
constexpr NodeId kB = 0, kP = 1, kC = 2, kDb = 3;
enum : std::uint32_t { kStart = 1, kWorkDone = 2, kStoreTimeout = 5 };

amqp::Deliver deliver(MsgId id, std::uint64_t tag, bool redelivered = false) {
  amqp::AmqpMessage m;
  m.id = id;
  m.producer = kP;
  return amqp::Deliver{m, "q", tag, redelivered, 1};
}

amqp::ConsumerConfig store_consumer(amqp::ConsumerConfig::RecordId rid,
                                    amqp::ConsumerConfig::EffectOrder order = amqp::ConsumerConfig::EffectOrder::EffectThenAck) {
  amqp::ConsumerConfig c;
  c.broker = kB;
  c.queue = std::string("q");
  c.prefetch = 1;
  c.processing.a = 0.1;
  c.store = kDb;
  c.record_id = rid;
  c.effect_order = order;
  return c;
}

void boot(Driver& d) {
  d.start();
  d.timer(Timer{kStart, 0});
  d.packet(kB, amqp::ConsumeOk{1});
}

void finish_work(Driver& d) {
  for (auto it = d.timers.rbegin(); it != d.timers.rend(); ++it)
    if (it->second.kind == kWorkDone) {
      const auto due = *it;
      d.timers.erase(std::next(it).base());  // fired once, as the simulator would
      d.now = due.first;
      d.timer(due.second);
      return;
    }
  FAIL("no work timer");
}
}  // namespace

TEST_CASE("store: a transaction commits after commit_s, durably, and a crash forgets only what was not committed", "[store]") {
  store::Store db(store::StoreConfig{0.005});
  Driver d(db, kDb);
  d.start();
  d.packet(kC, store::StoreWrite{1, 7, true, true, true});
  d.packet(kC, store::StoreWrite{2, 8, true, true, true});
  d.run_until(0.0049);
  CHECK(d.rec.of(ev::Effect).empty());
  d.run_until(0.005);
  REQUIRE(d.rec.of(ev::Effect).size() == 1);  // one at a time
  CHECK(d.rec.of(ev::Effect)[0].msg == 7);
  CHECK(d.take<store::StoreWriteOk>(kC).size() == 1);
  // Crash with message 8's transaction half done: it never commits, 7's id stays.
  d.crash();
  d.run_until(1);
  CHECK(d.rec.of(ev::Effect).size() == 1);
  CHECK(db.has_id(7));
  CHECK_FALSE(db.has_id(8));
  d.start();
  // The same effect again, checked against the processed-ids table: refused, nothing applied.
  d.packet(kC, store::StoreWrite{3, 7, true, true, true});
  d.run_until(2);
  auto ok = d.take<store::StoreWriteOk>(kC);
  REQUIRE(ok.size() == 1);
  CHECK(ok[0].duplicate);
  CHECK(db.effects_applied() == 1);
  // Without the check, the effect is applied a second time.
  d.packet(kC, store::StoreWrite{4, 7, true, false, false});
  d.run_until(3);
  CHECK(db.effects_applied() == 2);
  CHECK(d.rec.of(ev::Effect).size() == 2);
}

TEST_CASE("store consumer: the effect is committed before the ack, with the id in the same transaction", "[store]") {
  amqp::Consumer c(store_consumer(amqp::ConsumerConfig::RecordId::WithEffect));
  Driver d(c, kC);
  boot(d);
  d.packet(kB, deliver(5, 1));
  finish_work(d);
  auto w = d.take<store::StoreWrite>(kDb);
  REQUIRE(w.size() == 1);
  CHECK(w[0].effect);
  CHECK(w[0].record_id);
  CHECK(w[0].check_id);
  CHECK(d.take<amqp::Ack>(kB).empty());     // not before the store answered
  CHECK(d.rec.of(ev::Process).empty());
  d.packet(kDb, store::StoreWriteOk{w[0].request, 5, false});
  CHECK(d.take<amqp::Ack>(kB).size() == 1);
  CHECK(d.rec.of(ev::Process).size() == 1);
  // A redelivery the store recognises: skipped, and acked.
  d.packet(kB, deliver(5, 2, true));
  finish_work(d);
  w = d.take<store::StoreWrite>(kDb);
  REQUIRE(w.size() == 1);
  d.packet(kDb, store::StoreWriteOk{w[0].request, 5, true});
  CHECK(d.rec.of(ev::DuplicateSkipped).size() == 1);
  CHECK(d.rec.of(ev::Process).size() == 1);
  CHECK(d.take<amqp::Ack>(kB).size() == 1);
}

TEST_CASE("store consumer: an unanswered transaction is sent again, and record_id after_ack writes the id after the ack", "[store]") {
  amqp::Consumer c(store_consumer(amqp::ConsumerConfig::RecordId::AfterAck));
  Driver d(c, kC);
  boot(d);
  d.packet(kB, deliver(9, 1));
  finish_work(d);
  auto w = d.take<store::StoreWrite>(kDb);
  REQUIRE(w.size() == 1);
  CHECK_FALSE(w[0].record_id);
  CHECK(w[0].check_id);
  d.run_until(d.now + 1.0);  // store_timeout_s: the same transaction again, flagged as a retry
  auto again = d.take<store::StoreWrite>(kDb);
  REQUIRE(again.size() == 1);
  CHECK(again[0].request == w[0].request);
  CHECK(d.rec.of(ev::StoreWrite).back().flag);
  d.packet(kDb, store::StoreWriteOk{w[0].request, 9, false});
  CHECK(d.take<amqp::Ack>(kB).size() == 1);
  auto id = d.take<store::StoreWrite>(kDb);
  REQUIRE(id.size() == 1);
  CHECK_FALSE(id[0].effect);
  CHECK(id[0].record_id);
}

TEST_CASE("store consumer: ack_then_effect acks when the work is done, then writes", "[store]") {
  amqp::Consumer c(store_consumer(amqp::ConsumerConfig::RecordId::WithEffect, amqp::ConsumerConfig::EffectOrder::AckThenEffect));
  Driver d(c, kC);
  boot(d);
  d.packet(kB, deliver(3, 1));
  finish_work(d);
  CHECK(d.take<amqp::Ack>(kB).size() == 1);
  CHECK(d.take<store::StoreWrite>(kDb).size() == 1);
  // A crash now: the consumer forgets the write; nothing is resent after a restart.
  d.crash();
  d.run_until(d.now + 5);
  CHECK(d.take<store::StoreWrite>(kDb).empty());
}

namespace {
struct EffectFeed {
  Checker checker{{"broker", "p1", "c1", "db"}};
  double t = 0;
  void emit(Event e) {
    e.t = t;
    t += 0.001;
    checker.on_event(e);
  }
  void write(MsgId id, NodeId c = kC) { emit(Event{.kind = ev::StoreWrite, .node = c, .msg = id, .peer = kDb, .text = "effect+id"}); }
  void effect(MsgId id, NodeId c = kC) { emit(Event{.kind = ev::Effect, .node = kDb, .msg = id, .peer = c}); }
  void ack(MsgId id, NodeId c = kC) { emit(Event{.kind = ev::Ack, .node = kB, .msg = id, .peer = c, .queue = "q", .tag = 1}); }
  void crash(NodeId n) { emit(Event{.kind = ev::Crash, .node = n}); }
};
}  // namespace

TEST_CASE("checker: an effect applied twice is a duplicate effect", "[store][checker]") {
  EffectFeed f;
  f.write(1);
  f.effect(1);
  CHECK_FALSE(f.checker.last_verdict().duplicate_effect);
  f.write(1);
  f.effect(1);
  CHECK(f.checker.last_verdict().duplicate_effect);
  const Totals t = f.checker.totals();
  CHECK(t.effects == 1);
  CHECK(t.duplicate_effects == 1);
}

TEST_CASE("checker: an acked message whose writer crashed before the commit is an effect lost", "[store][checker]") {
  EffectFeed f;
  f.write(1);
  f.ack(1);  // ack_then_effect: acked while the write is on its way
  f.crash(kC);
  CHECK(f.checker.last_verdict().effects_lost == std::vector<MsgId>{1});
  CHECK(f.checker.totals().effects_lost == 1);
  // The write was still on the wire and lands after all: not lost.
  f.effect(1);
  CHECK(f.checker.totals().effects_lost == 0);
  CHECK(f.checker.last_verdict().effects_found == std::vector<MsgId>{1});
  // Crash before the ack arrives: lost when the ack reaches the broker.
  f.write(2);
  f.crash(kC);
  CHECK(f.checker.totals().effects_lost == 0);
  f.ack(2);
  CHECK(f.checker.totals().effects_lost == 1);
  // Written, not acked, writer crashed: redelivered, not lost.
  f.write(3);
  f.crash(kC);
  CHECK(f.checker.totals().effects_lost == 1);
}

TEST_CASE("store: the outbox keeps a row until the relay marks it sent, across the store's crash", "[store][outbox]") {
  store::Store db(store::StoreConfig{0.005});
  Driver d(db, kDb);
  d.start();
  d.packet(kP, store::StateWrite{1, 4, "ship", 0.0, true});
  d.packet(kP, store::StateWrite{2, 5, "ship", 0.0, false});  // a dual write: no row
  d.run_until(0.1);
  CHECK(d.rec.of(ev::StateChange).size() == 2);
  CHECK(d.take<store::StoreWriteOk>(kP).size() == 2);
  d.crash();
  d.start();
  d.packet(kP, store::OutboxFetch{7});
  d.run_until(0.2);
  auto rows = d.take<store::OutboxRows>(kP);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].request == 7);
  REQUIRE(rows[0].rows.size() == 1);
  CHECK(rows[0].rows[0].msg == 4);
  d.packet(kP, store::OutboxMark{4});
  d.packet(kP, store::OutboxFetch{8});
  d.run_until(0.3);
  CHECK(d.rec.of(ev::OutboxSent).size() == 1);
  rows = d.take<store::OutboxRows>(kP);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].rows.empty());
}

TEST_CASE("outbox producer: orders go to the store, the relay publishes the rows and marks them on confirm", "[store][outbox]") {
  amqp::ProducerConfig cfg;
  cfg.broker = kB;
  cfg.routing_keys = {"ship"};
  cfg.count = 2;
  cfg.interval_s = 0.1;
  cfg.store = kDb;
  cfg.outbox = true;
  amqp::Producer p(cfg);
  Driver d(p, kP);
  d.start();
  d.run_until(0.15);  // two ticks: two orders, no publish yet
  auto writes = d.take<store::StateWrite>(kDb);
  REQUIRE(writes.size() == 2);
  CHECK(writes[0].outbox_row);
  CHECK(d.take<amqp::Publish>(kB).empty());
  // The relay's read, answered with both rows: both published.
  d.run_until(0.2);
  auto fetch = d.take<store::OutboxFetch>(kDb);
  REQUIRE(fetch.size() == 1);
  d.packet(kDb, store::OutboxRows{fetch[0].request, {{writes[0].msg, "ship", 0.0}, {writes[1].msg, "ship", 0.1}}});
  auto pubs = d.take<amqp::Publish>(kB);
  REQUIRE(pubs.size() == 2);
  // Confirmed: marked sent. The next read still lists row 2 (its mark not committed): not published again.
  d.packet(kB, amqp::Confirm{pubs[0].seq, false, true, pubs[0].msg.id});
  auto marks = d.take<store::OutboxMark>(kDb);
  REQUIRE(marks.size() == 1);
  CHECK(marks[0].msg == writes[0].msg);
  d.run_until(0.3);
  fetch = d.take<store::OutboxFetch>(kDb);
  REQUIRE(fetch.size() == 1);
  d.packet(kDb, store::OutboxRows{fetch[0].request, {{writes[1].msg, "ship", 0.1}}});
  CHECK(d.take<amqp::Publish>(kB).empty());
  // After a crash the relay has forgotten what it published: row 2 goes out again.
  d.crash();
  d.start();
  d.run_until(0.5);
  fetch = d.take<store::OutboxFetch>(kDb);
  REQUIRE_FALSE(fetch.empty());
  d.packet(kDb, store::OutboxRows{fetch.back().request, {{writes[1].msg, "ship", 0.1}}});
  pubs = d.take<amqp::Publish>(kB);
  REQUIRE(pubs.size() == 1);
  CHECK(pubs[0].msg.id == writes[1].msg);
}

TEST_CASE("checker: a state change never published is unpublished, and the outbox counts its unsent rows", "[store][checker]") {
  Checker c{{"broker", "p1", "c1", "db"}};
  double t = 0;
  auto emit = [&](Event e) {
    e.t = (t += 0.001);
    c.on_event(e);
  };
  emit(Event{.kind = ev::StateChange, .node = kDb, .msg = 1, .peer = kP, .flag = true});
  emit(Event{.kind = ev::StateChange, .node = kDb, .msg = 2, .peer = kP, .flag = false});
  CHECK(c.totals().unpublished == 2);
  emit(Event{.kind = ev::Publish, .node = kP, .msg = 1, .peer = kB, .seq = 1});
  Totals tot = c.totals();
  CHECK(tot.unpublished == 1);
  CHECK(tot.stores.at("db").state_changes == 2);
  CHECK(tot.stores.at("db").unpublished == 1);
  CHECK(tot.stores.at("db").outbox_unsent == 1);
  emit(Event{.kind = ev::OutboxSent, .node = kDb, .msg = 1, .peer = kP});
  CHECK(c.totals().stores.at("db").outbox_unsent == 0);
}
