// The queue-model consumer client, driven by hand: processing, acks, dedupe, crashes.
#include <algorithm>

#include <catch2/catch.hpp>

#include "amqp/consumer.hpp"
#include "harness.hpp"
#include "vocabulary/vocabulary.hpp"

using namespace bs;
using namespace bs::amqp;
using bs::test::Driver;

namespace {
constexpr NodeId kB = 0, kC = 2;
enum : std::uint32_t { kStart = 1, kWorkDone = 2, kHeartbeat = 3 };

ConsumerConfig config(double processing_s = 0.1) {
  ConsumerConfig c;
  c.broker = kB;
  c.queue = std::string("q");  // move-assign: GCC 12 warns (-Wrestrict) on assigning the literal
  c.prefetch = 10;
  c.processing.a = processing_s;
  return c;
}

Deliver deliver(MsgId id, std::uint64_t tag, std::uint32_t conn = 1, bool redelivered = false, std::string key = "") {
  AmqpMessage m;
  m.id = id;
  m.producer = 1;
  m.key = std::move(key);
  return Deliver{m, "q", tag, redelivered, conn};
}

/// Boot the consumer and fire its start timer: it subscribes on connection 1.
void boot(Driver& d) {
  d.start();
  d.timer(Timer{kStart, 0});
  d.packet(kB, ConsumeOk{1});
}

/// The work-done timers set so far, as (time, generation).
std::vector<std::pair<double, std::uint64_t>> work_timers(const Driver& d) {
  std::vector<std::pair<double, std::uint64_t>> out;
  for (const auto& [at, t] : d.timers)
    if (t.kind == kWorkDone) out.emplace_back(at, t.arg);
  return out;
}

/// Fire the most recent work-done timer at its time.
void finish_work(Driver& d) {
  auto w = work_timers(d);
  REQUIRE_FALSE(w.empty());
  d.now = w.back().first;
  d.timer(Timer{kWorkDone, w.back().second});
}

std::vector<MsgId> processed(const Driver& d) {
  std::vector<MsgId> out;
  for (const auto& e : d.rec.of(ev::Process)) out.push_back(e.msg);
  return out;
}
using Ids = std::vector<MsgId>;
}  // namespace

TEST_CASE("consumer: subscribes with its queue, prefetch and ack mode at its start time", "[queue][consumer]") {
  ConsumerConfig cfg = config();
  cfg.prefetch = 3;
  cfg.auto_ack = true;
  cfg.start_s = 2.5;
  Consumer c(cfg);
  Driver d(c, kC);
  d.start();
  REQUIRE(d.timers.size() == 1);
  CHECK(d.timers[0].first == 2.5);
  CHECK(d.take<Consume>(kB).empty());
  d.now = 2.5;
  d.timer(Timer{kStart, 0});
  auto cs = d.take<Consume>(kB);
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].queue == "q");
  CHECK(cs[0].prefetch == 3);
  CHECK(cs[0].auto_ack);
  CHECK(cs[0].connection == 1);
  d.packet(kB, ConsumeOk{1});
  CHECK(c.connected());
}

TEST_CASE("consumer: processes deliveries one at a time, in arrival order, taking its processing time",
          "[queue][consumer]") {
  Consumer c(config(0.1));
  Driver d(c, kC);
  boot(d);
  d.packet(kB, deliver(7, 1));
  d.packet(kB, deliver(5, 2));
  d.packet(kB, deliver(9, 3));
  // One message in hand, two buffered; one work timer, due after the processing time.
  auto w = work_timers(d);
  REQUIRE(w.size() == 1);
  CHECK(w[0].first == Approx(0.1));
  CHECK(c.buffered() == 2);
  CHECK(processed(d).empty());
  finish_work(d);
  CHECK(processed(d) == Ids{7});
  w = work_timers(d);
  REQUIRE(w.size() == 2);
  CHECK(w[1].first == Approx(0.2));
  CHECK(w[1].second != w[0].second);  // a new work generation
  finish_work(d);
  finish_work(d);
  CHECK(processed(d) == Ids{7, 5, 9});
  auto ev = d.rec.of(ev::Process);
  CHECK(ev[0].t == Approx(0.1));
  CHECK(ev[1].t == Approx(0.2));
  CHECK(ev[2].t == Approx(0.3));
  CHECK(ev[0].queue == "q");
  CHECK(ev[0].tag == 1);
  CHECK(c.buffered() == 0);
}

TEST_CASE("consumer: acks each message after processing it, not before", "[queue][consumer][ack]") {
  Consumer c(config(0.1));
  Driver d(c, kC);
  boot(d);
  d.packet(kB, deliver(1, 1));
  d.packet(kB, deliver(2, 2));
  CHECK(d.take<Ack>(kB).empty());
  finish_work(d);
  auto acks = d.take<Ack>(kB);
  REQUIRE(acks.size() == 1);
  CHECK(acks[0].tag == 1);
  CHECK_FALSE(acks[0].multiple);
  CHECK(acks[0].connection == 1);
  CHECK(acks[0].msg == 1);
  finish_work(d);
  acks = d.take<Ack>(kB);
  REQUIRE(acks.size() == 1);
  CHECK(acks[0].tag == 2);
}

TEST_CASE("consumer: a stale work timer does nothing", "[queue][consumer]") {
  Consumer c(config(0.1));
  Driver d(c, kC);
  boot(d);
  d.packet(kB, deliver(1, 1));
  const auto gen = work_timers(d).back().second;
  d.now = 0.05;
  d.timer(Timer{kWorkDone, gen + 100});
  CHECK(processed(d).empty());
  d.timer(Timer{kWorkDone, gen});
  CHECK(processed(d) == Ids{1});
  d.timer(Timer{kWorkDone, gen});  // the same timer twice: not processed twice
  CHECK(processed(d) == Ids{1});
}

TEST_CASE("consumer: auto-ack mode sends no acks", "[queue][consumer][ack]") {
  ConsumerConfig cfg = config(0.1);
  cfg.auto_ack = true;
  Consumer c(cfg);
  Driver d(c, kC);
  boot(d);
  d.packet(kB, deliver(1, 1));
  d.packet(kB, deliver(2, 2));
  finish_work(d);
  finish_work(d);
  CHECK(processed(d) == Ids{1, 2});
  CHECK(d.take<Ack>(kB).empty());
}

TEST_CASE("consumer: ack_every N sends one multiple ack per N messages", "[queue][consumer][ack]") {
  ConsumerConfig cfg = config(0.1);
  cfg.ack_every = 3;
  Consumer c(cfg);
  Driver d(c, kC);
  boot(d);
  for (MsgId i = 1; i <= 4; ++i) d.packet(kB, deliver(i, i));
  finish_work(d);
  finish_work(d);
  CHECK(d.take<Ack>(kB).empty());
  finish_work(d);
  auto acks = d.take<Ack>(kB);
  REQUIRE(acks.size() == 1);
  CHECK(acks[0].tag == 3);
  CHECK(acks[0].multiple);
  finish_work(d);  // message 4: one pending, below the batch size
  CHECK(d.take<Ack>(kB).empty());
  // Idle at the next heartbeat: the leftover is flushed rather than held forever.
  d.packet(kB, Heartbeat{});
  d.timer(Timer{kHeartbeat, 0});
  acks = d.take<Ack>(kB);
  REQUIRE(acks.size() == 1);
  CHECK(acks[0].tag == 4);
  CHECK_FALSE(acks[0].multiple);
}

TEST_CASE("consumer: an idempotent consumer skips an id it has seen and still acks it", "[queue][consumer][dedupe]") {
  DedupeStore store;
  store.record(2);
  ConsumerConfig cfg = config(0.1);
  cfg.dedupe = &store;
  Consumer c(cfg);
  Driver d(c, kC);
  boot(d);
  d.packet(kB, deliver(1, 1));
  d.packet(kB, deliver(2, 2, 1, /*redelivered=*/true));
  d.packet(kB, deliver(3, 3));
  finish_work(d);  // 1 processed, 2 skipped at once, 3 started
  finish_work(d);
  CHECK(processed(d) == Ids{1, 3});
  auto skipped = d.rec.of(ev::DuplicateSkipped);
  REQUIRE(skipped.size() == 1);
  CHECK(skipped[0].msg == 2);
  CHECK(skipped[0].flag);  // it was a redelivery
  std::vector<std::uint64_t> acked;
  for (const auto& a : d.take<Ack>(kB)) acked.push_back(a.tag);
  CHECK(acked == std::vector<std::uint64_t>{1, 2, 3});
  // Processing recorded the ids: a later copy of 1 or 3 is skipped too.
  CHECK(store.seen(1));
  CHECK(store.seen(3));
}

TEST_CASE("consumer: consumers sharing a dedupe store do not process a redelivered message twice",
          "[queue][consumer][dedupe]") {
  DedupeStore store;
  ConsumerConfig cfg = config(0.1);
  cfg.dedupe = &store;
  Consumer c1(cfg), c2(cfg);
  Driver d1(c1, 2), d2(c2, 3);
  boot(d1);
  boot(d2);
  d1.packet(kB, deliver(4, 1));
  finish_work(d1);  // processed, but suppose the ack never made it
  d2.packet(kB, deliver(4, 1, 1, true));
  CHECK(work_timers(d2).empty());
  CHECK(processed(d2).empty());
  CHECK(d2.rec.of(ev::DuplicateSkipped).size() == 1);
  CHECK(d2.take<Ack>(kB).size() == 1);
}

TEST_CASE("consumer: without dedupe a redelivered message is processed again", "[queue][consumer][dedupe]") {
  Consumer c(config(0.1));
  Driver d(c, kC);
  boot(d);
  d.packet(kB, deliver(4, 1));
  finish_work(d);
  d.packet(kB, deliver(4, 2, 1, true));
  finish_work(d);
  CHECK(processed(d) == Ids{4, 4});
  CHECK(d.rec.of(ev::Process)[1].flag);
}

TEST_CASE("consumer: a crash forgets buffered deliveries and the message in hand", "[queue][consumer][crash]") {
  Consumer c(config(0.1));
  Driver d(c, kC);
  boot(d);
  d.packet(kB, deliver(1, 1));
  d.packet(kB, deliver(2, 2));
  d.packet(kB, deliver(3, 3));
  const auto gen = work_timers(d).back().second;
  d.now = 0.05;
  d.crash();
  CHECK(c.buffered() == 0);
  CHECK_FALSE(c.connected());
  d.sent.clear();
  // Even if the old work timer fired, nothing is processed or acked.
  d.now = 0.1;
  d.timer(Timer{kWorkDone, gen});
  CHECK(processed(d).empty());
  CHECK(d.take<Ack>(kB).empty());
  // Restart: a new connection (2); deliveries of the old one are ignored.
  d.now = 1;
  d.start();
  d.timer(Timer{kStart, 0});
  auto cs = d.take<Consume>(kB);
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].connection == 2);
  d.packet(kB, deliver(2, 2, /*conn=*/1));
  CHECK(c.buffered() == 0);
  CHECK(work_timers(d).size() == 1);  // only the one from before the crash
  d.packet(kB, deliver(1, 1, /*conn=*/2, true));
  finish_work(d);
  CHECK(processed(d) == Ids{1});
}

TEST_CASE("consumer: a delivery for a connection it gave up on is ignored", "[queue][consumer]") {
  Consumer c(config(0.1));
  Driver d(c, kC);
  boot(d);
  d.packet(kB, ConnectionClose{1});  // now on connection 2
  d.packet(kB, deliver(1, 1, /*conn=*/1));
  CHECK(c.buffered() == 0);
  CHECK(work_timers(d).empty());
  CHECK(processed(d).empty());
}

TEST_CASE("consumer: connection.close makes it drop its buffer and resubscribe", "[queue][consumer]") {
  Consumer c(config(0.1));
  Driver d(c, kC);
  boot(d);
  d.take<Consume>(kB);
  d.packet(kB, deliver(1, 1));
  d.packet(kB, deliver(2, 2));
  CHECK(c.buffered() == 1);
  d.packet(kB, ConnectionClose{7});  // some other connection: ignored
  CHECK(d.take<Consume>(kB).empty());
  CHECK(c.buffered() == 1);
  d.packet(kB, ConnectionClose{1});
  CHECK(c.buffered() == 0);
  CHECK_FALSE(c.connected());
  auto cs = d.take<Consume>(kB);
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].connection == 2);
  d.packet(kB, ConsumeOk{2});
  CHECK(c.connected());
  // The message in hand finishes; its ack names the old connection (the broker will
  // answer connection.close and has requeued it already).
  finish_work(d);
  auto acks = d.take<Ack>(kB);
  REQUIRE(acks.size() == 1);
  CHECK(acks[0].connection == 1);
}

TEST_CASE("consumer: a silent broker makes it reconnect after two heartbeats", "[queue][consumer][heartbeat]") {
  Consumer c(config(0.1));
  Driver d(c, kC);
  boot(d);
  d.take<Consume>(kB);
  d.now = 1;
  d.timer(Timer{kHeartbeat, 0});
  CHECK(d.take<Heartbeat>(kB).size() == 1);  // it keeps its side of the connection alive
  CHECK(d.take<Consume>(kB).empty());
  d.now = 2;
  d.timer(Timer{kHeartbeat, 0});
  CHECK(d.take<Consume>(kB).empty());
  d.now = 3;
  d.timer(Timer{kHeartbeat, 0});
  auto cs = d.take<Consume>(kB);
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].connection == 2);
}

TEST_CASE("consumer: rejects poison routing keys with the configured requeue flag", "[queue][consumer][nack]") {
  ConsumerConfig cfg = config(0.1);
  cfg.reject_keys = {"poison"};
  cfg.reject_requeue = false;
  Consumer c(cfg);
  Driver d(c, kC);
  boot(d);
  d.packet(kB, deliver(1, 1, 1, false, "poison"));
  d.packet(kB, deliver(2, 2, 1, false, "fine"));
  auto n = d.take<Nack>(kB);
  REQUIRE(n.size() == 1);
  CHECK(n[0].tag == 1);
  CHECK_FALSE(n[0].requeue);
  CHECK_FALSE(n[0].multiple);
  finish_work(d);
  CHECK(processed(d) == Ids{2});
}

TEST_CASE("consumer: processing times from a seeded distribution stay in range and repeat with the seed",
          "[queue][consumer]") {
  ProcessingTime u{ProcessingTime::Kind::Uniform, 0.1, 0.3};
  Rng a(42), b(42);
  for (int i = 0; i < 1000; ++i) {
    const double x = u.draw(a);
    CHECK(x >= 0.1);
    CHECK(x < 0.3);
    CHECK(x == u.draw(b));
  }
  ProcessingTime e{ProcessingTime::Kind::Exponential, 0.2, 0};
  Rng r(1);
  double sum = 0;
  for (int i = 0; i < 20000; ++i) {
    const double x = e.draw(r);
    CHECK(x >= 0);
    sum += x;
  }
  CHECK(sum / 20000 == Approx(0.2).epsilon(0.05));
  ProcessingTime f{ProcessingTime::Kind::Fixed, 0.25, 0};
  CHECK(f.draw(r) == 0.25);
}
