// Two-phase commit driven by hand: the store and the broker as XA participants (prepare
// holds the lock / the message, durably), the consumer as coordinator (its log, its
// recovery after a crash), and the checker's time in doubt.
#include <catch2/catch.hpp>

#include "amqp/broker.hpp"
#include "amqp/consumer.hpp"
#include "check/checker.hpp"
#include "harness.hpp"
#include "store/store.hpp"
#include "vocabulary/vocabulary.hpp"

using namespace bs;
using bs::test::Driver;

namespace {
constexpr NodeId kB = 0, kP = 1, kC = 2, kDb = 3, kC2 = 4;
enum : std::uint32_t { kStart = 1, kWorkDone = 2 };

amqp::Deliver deliver(MsgId id, std::uint64_t tag, std::string key = "alice") {
  amqp::AmqpMessage m;
  m.id = id;
  m.producer = kP;
  m.key = std::move(key);
  return amqp::Deliver{m, "q", tag, false, 1};
}

amqp::ConsumerConfig coordinator() {
  amqp::ConsumerConfig c;
  c.broker = kB;
  c.queue = "q";
  c.prefetch = 1;
  c.processing.a = 0.1;
  c.store = kDb;
  c.effect_order = amqp::ConsumerConfig::EffectOrder::TwoPhase;
  return c;
}

void boot(Driver& d) {
  d.start();
  d.timer(Timer{kStart, 0});
  d.packet(kB, amqp::ConsumeOk{1});
}

void finish_work(Driver& d) {
  for (auto it = d.timers.begin(); it != d.timers.end(); ++it)
    if (it->second.kind == kWorkDone) {
      const auto due = *it;
      d.timers.erase(it);
      d.now = due.first;
      d.timer(due.second);
      return;
    }
  FAIL("no work timer");
}

std::vector<xa::Prepare> prepares(Driver& d, NodeId to) { return d.take<xa::Prepare>(to); }
}  // namespace

TEST_CASE("store as XA participant: a prepared effect locks its key until commit, and survives a crash", "[two_phase]") {
  store::Store db(store::StoreConfig{0.005});
  Driver d(db, kDb);
  d.start();
  d.packet(kC, xa::Prepare{1, 7, 0, 0, "alice"});
  d.run_until(0.01);
  REQUIRE(d.take<xa::Vote>(kC).size() == 1);
  CHECK(db.in_doubt() == 1);
  CHECK(db.lock_holder("alice") == kC);
  CHECK(d.rec.of(ev::Effect).empty());  // prepared, not visible
  // Another coordinator's transaction on the same account waits for the lock.
  d.packet(kC2, xa::Prepare{1, 8, 0, 0, "alice"});
  d.run_until(0.02);
  CHECK(d.take<xa::Vote>(kC2).empty());
  CHECK(d.rec.of(ev::XaLockWait).size() == 1);
  // A crash keeps the prepared transaction and its lock; the waiting prepare is forgotten.
  d.crash();
  d.start();
  CHECK(db.in_doubt() == 1);
  CHECK(db.lock_holder("alice") == kC);
  CHECK(db.lock_waiting() == 0);
  d.packet(kC, xa::Recover{});
  auto in_doubt = d.take<xa::InDoubt>(kC);
  REQUIRE(in_doubt.size() == 1);
  CHECK(in_doubt[0].xids == std::vector<std::uint64_t>{1});
  // The second transaction asks again and waits again; the commit releases the lock to it.
  d.packet(kC2, xa::Prepare{1, 8, 0, 0, "alice"});
  d.packet(kC, xa::Commit{1, 7});
  d.run_until(1.0);
  REQUIRE(d.rec.of(ev::Effect).size() == 1);
  CHECK(d.rec.of(ev::Effect)[0].msg == 7);
  CHECK(d.take<xa::Done>(kC).size() == 1);
  CHECK(d.take<xa::Vote>(kC2).size() == 1);
  CHECK(db.lock_holder("alice") == kC2);
  // Rollback discards: no effect, lock free; an outcome sent again is simply done.
  d.packet(kC2, xa::Rollback{1, 8});
  d.packet(kC2, xa::Rollback{1, 8});
  d.run_until(2.0);
  CHECK(d.rec.of(ev::Effect).size() == 1);
  CHECK(d.take<xa::Done>(kC2).size() == 2);
  CHECK(db.lock_holder("alice") == kNoNode);
  CHECK(db.in_doubt() == 0);
}

TEST_CASE("broker with XA: a prepared ack holds its message through a lost connection and a crash", "[two_phase]") {
  amqp::BrokerConfig cfg;
  amqp::QueueConfig q{"q"};
  q.durable = true;
  cfg.queues.push_back(q);
  cfg.xa = true;
  amqp::QueueBroker b(cfg);
  Driver d(b, kB);
  d.start();
  for (MsgId id : {1, 2}) {
    amqp::AmqpMessage m;
    m.id = id;
    m.producer = kP;
    m.key = "q";
    m.persistent = true;
    d.packet(kP, amqp::Publish{m, id, false, true});
  }
  d.packet(kC, amqp::Consume{"q", 1, false, 1});
  auto del = d.take<amqp::Deliver>(kC);
  REQUIRE(del.size() == 1);
  d.packet(kC, xa::Prepare{5, 1, del[0].tag, 1, {}});
  auto v = d.take<xa::Vote>(kC);
  REQUIRE(v.size() == 1);
  CHECK(v[0].yes);
  CHECK(b.prepared_count() == 1);
  CHECK(d.take<amqp::Deliver>(kC).size() == 1);  // its prefetch slot is free: message 2 comes
  // The consumer's connection dies: message 2 is requeued, message 1 is not (the transaction holds it).
  d.run_until(5.0);
  CHECK(b.queue("q")->size() == 1);
  CHECK(b.queue("q")->front().msg.id == 2);
  // A broker crash keeps the prepared ack of a persistent message in a durable queue.
  d.crash();
  d.start();
  CHECK(b.prepared_count() == 1);
  d.packet(kC, xa::Recover{});
  auto in_doubt = d.take<xa::InDoubt>(kC);
  REQUIRE(in_doubt.size() == 1);
  CHECK(in_doubt[0].msgs == std::vector<MsgId>{1});
  // Rollback: back to the queue, redelivered; a prepare on a channel that is gone votes no.
  d.packet(kC, xa::Rollback{5, 1});
  CHECK(d.rec.of(ev::Requeue).back().text == "xa_rollback");
  CHECK(b.queue("q")->size() == 2);
  CHECK(b.queue("q")->front().redelivered);
  d.packet(kC, xa::Prepare{6, 2, 2, 1, {}});
  REQUIRE(d.take<xa::Vote>(kC).size() == 1);
  CHECK_FALSE(d.rec.of(ev::XaPrepare).back().flag);
}

TEST_CASE("broker with XA: commit is the ack", "[two_phase]") {
  amqp::BrokerConfig cfg;
  cfg.queues.push_back(amqp::QueueConfig{"q"});
  cfg.xa = true;
  amqp::QueueBroker b(cfg);
  Driver d(b, kB);
  d.start();
  amqp::AmqpMessage m;
  m.id = 1;
  m.producer = kP;
  m.key = "q";
  d.packet(kP, amqp::Publish{m, 1, false, true});
  d.packet(kC, amqp::Consume{"q", 1, false, 1});
  auto del = d.take<amqp::Deliver>(kC);
  REQUIRE(del.size() == 1);
  d.packet(kC, xa::Prepare{1, 1, del[0].tag, 1, {}});
  CHECK(d.rec.of(ev::Ack).empty());
  d.packet(kC, xa::Commit{1, 1});
  REQUIRE(d.rec.of(ev::Ack).size() == 1);
  CHECK(d.rec.of(ev::Ack)[0].tag == static_cast<std::int64_t>(del[0].tag));
  CHECK(b.prepared_count() == 0);
  CHECK(b.queue("q")->empty());
  d.packet(kC, xa::Commit{1, 1});  // sent again after a coordinator's restart: done, nothing more
  CHECK(d.rec.of(ev::Ack).size() == 1);
  CHECK(d.take<xa::Done>(kC).size() == 2);
}

TEST_CASE("coordinator: prepare both, log the commit, commit both, process once the commit is decided", "[two_phase]") {
  amqp::Consumer c(coordinator());
  Driver d(c, kC);
  boot(d);
  d.packet(kB, deliver(5, 1));
  finish_work(d);
  auto pb = prepares(d, kB), ps = prepares(d, kDb);
  REQUIRE(pb.size() == 1);
  REQUIRE(ps.size() == 1);
  CHECK(pb[0].tag == 1);
  CHECK(ps[0].key == "alice");  // the routing key is the effect's key
  d.packet(kB, xa::Vote{pb[0].xid, 5, true});
  CHECK(d.take<xa::Commit>().empty());  // one vote is not enough
  CHECK(c.logged_commits() == 0);
  d.packet(kDb, xa::Vote{ps[0].xid, 5, true});
  CHECK(c.logged_commits() == 1);  // logged before anyone hears it
  CHECK(d.take<xa::Commit>(kB).size() == 1);
  CHECK(d.take<xa::Commit>(kDb).size() == 1);
  CHECK(d.rec.of(ev::Process).size() == 1);
  CHECK(d.take<amqp::Ack>(kB).empty());  // the ack is the transaction's, not basic.ack
  d.packet(kB, xa::Done{pb[0].xid, 5});
  d.packet(kDb, xa::Done{ps[0].xid, 5});
  CHECK(c.logged_commits() == 0);
  CHECK(c.transactions() == 0);
}

TEST_CASE("coordinator: a crash after the logged commit re-sends it, a crash before any decision rolls back", "[two_phase]") {
  amqp::Consumer c(coordinator());
  Driver d(c, kC);
  boot(d);
  d.packet(kB, deliver(5, 1));
  finish_work(d);
  const std::uint64_t x1 = prepares(d, kB)[0].xid;
  d.take<xa::Prepare>();
  d.packet(kB, xa::Vote{x1, 5, true});
  d.packet(kDb, xa::Vote{x1, 5, true});
  d.take<xa::Commit>();
  d.crash();  // the commits died on the wire
  CHECK(c.logged_commits() == 1);
  d.start();
  CHECK(d.take<xa::Recover>(kB).size() == 1);
  CHECK(d.take<xa::Recover>(kDb).size() == 1);
  d.packet(kDb, xa::InDoubt{{x1}, {5}});
  CHECK(d.take<xa::Commit>(kDb).size() == 1);
  CHECK(d.rec.of(ev::XaDecision).back().text == "log");
  d.packet(kDb, xa::Done{x1, 5});
  CHECK(c.logged_commits() == 1);  // the broker has not answered xa_recover yet
  d.packet(kB, xa::InDoubt{{x1}, {5}});
  CHECK(d.take<xa::Commit>(kB).size() == 1);
  d.packet(kB, xa::Done{x1, 5});
  CHECK(c.logged_commits() == 0);
  CHECK(d.rec.of(ev::Process).size() == 1);  // processed once, before the crash

  // Next message: a crash while the votes are on their way. No decision logged: rollback.
  d.timer(Timer{kStart, 0});
  d.packet(kB, amqp::ConsumeOk{2});
  amqp::Deliver del = deliver(6, 1);
  del.connection = 2;
  d.packet(kB, del);
  finish_work(d);
  const std::uint64_t x2 = prepares(d, kB)[0].xid;
  CHECK(x2 > x1);  // xids are never reused, across crashes
  d.crash();
  d.start();
  d.packet(kB, xa::InDoubt{{x2}, {6}});
  d.packet(kDb, xa::InDoubt{{x2}, {6}});
  CHECK(d.take<xa::Rollback>(kB).size() == 1);
  CHECK(d.take<xa::Rollback>(kDb).size() == 1);
  CHECK(d.rec.of(ev::XaDecision).back().text == "presumed_abort");
  CHECK(d.rec.of(ev::XaDecision).size() == 3);  // commit, its recovery, and this rollback: one each
}

TEST_CASE("coordinator: a no vote or a silent participant rolls both back", "[two_phase]") {
  amqp::Consumer c(coordinator());
  Driver d(c, kC);
  boot(d);
  d.packet(kB, deliver(5, 1));
  finish_work(d);
  const std::uint64_t x = prepares(d, kB)[0].xid;
  d.take<xa::Prepare>();
  d.packet(kB, xa::Vote{x, 5, false});
  CHECK(d.take<xa::Rollback>(kB).size() == 1);
  CHECK(d.take<xa::Rollback>(kDb).size() == 1);
  CHECK(d.rec.of(ev::XaDecision).back().text == "vote_no");
  d.run_until(d.now + 1.0);  // nobody acknowledged the rollback: sent again
  CHECK(d.take<xa::Rollback>().size() == 2);
  CHECK(c.logged_commits() == 0);  // presumed abort: a rollback is never logged
}

TEST_CASE("checker: time in doubt per participant, lock waits, and a broker commit against a store rollback", "[two_phase][checker]") {
  Checker ck{{"broker", "p1", "c1", "db", "c2"}};
  auto at = [&](double t, Event e) {
    e.t = t;
    ck.on_event(e);
  };
  at(0.0, Event{.kind = ev::Publish, .node = kP, .msg = 1, .peer = kB});
  at(0.0, Event{.kind = ev::Enqueue, .node = kB, .msg = 1, .queue = "q", .seq = 1});
  at(0.0, Event{.kind = ev::Deliver, .node = kB, .msg = 1, .peer = kC, .queue = "q", .tag = 1, .seq = 1});
  at(0.1, Event{.kind = ev::XaPrepare, .node = kB, .msg = 1, .peer = kC, .queue = "q", .tag = 1, .seq = 1, .flag = true});
  at(0.2, Event{.kind = ev::XaPrepare, .node = kDb, .msg = 1, .peer = kC, .tag = 1, .flag = true, .text = "alice"});
  at(0.3, Event{.kind = ev::XaLockWait, .node = kDb, .msg = 2, .peer = kC2, .tag = 1, .text = "alice"});
  at(1.0, Event{.kind = ev::Crash, .node = kC});
  Totals t = ck.totals();
  CHECK(t.two_phase);
  CHECK(t.in_doubt_max_s == Approx(0.9));  // open transactions count to the latest event
  CHECK(t.participants["db"].in_doubt == 1);
  CHECK(t.lost == 0);
  CHECK(t.pending == 1);  // held by the transaction, not lost
  at(4.0, Event{.kind = ev::XaCommit, .node = kB, .msg = 1, .peer = kC, .queue = "q", .tag = 1, .seq = 1, .flag = true});
  at(4.0, Event{.kind = ev::Ack, .node = kB, .msg = 1, .peer = kC, .queue = "q", .tag = 1});
  at(4.1, Event{.kind = ev::XaRollback, .node = kDb, .msg = 1, .peer = kC, .tag = 1, .flag = true, .text = "alice"});
  at(4.2, Event{.kind = ev::XaPrepare, .node = kDb, .msg = 2, .peer = kC2, .tag = 1, .flag = true, .text = "alice"});
  t = ck.totals();
  CHECK(t.participants["broker"].in_doubt_max_s == Approx(3.9));
  CHECK(t.participants["db"].in_doubt_max_s == Approx(3.9));
  CHECK(t.lock_wait_max_s == Approx(3.9));
  CHECK(t.effects_lost == 1);  // the message left the queue, its effect was rolled back
  double v = 0;
  REQUIRE(total_by_name(t, "participants.db.rolled_back", v));
  CHECK(v == 1);
  REQUIRE(total_by_name(t, "in_doubt_max_s", v));
  CHECK(v == Approx(3.9));
  CHECK(totals_json(t).contains("in_doubt_s"));
  CHECK_FALSE(totals_json(Totals{}).contains("in_doubt_s"));  // a run without 2PC writes nothing new
}
