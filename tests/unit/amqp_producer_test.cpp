// The queue-model producer client, driven by hand: batches, confirms, retries.
#include <catch2/catch.hpp>

#include "amqp/producer.hpp"
#include "harness.hpp"
#include "vocabulary/vocabulary.hpp"

using namespace bs;
using namespace bs::amqp;
using bs::test::Driver;

namespace {
constexpr NodeId kB = 0, kP = 1;
enum : std::uint32_t { kTick = 1, kRetry = 2 };

ProducerConfig config(std::uint64_t count, std::uint32_t batch = 1, double interval = 0.1) {
  ProducerConfig c;
  c.broker = kB;
  c.routing_keys = {"q"};
  c.count = count;
  c.batch = batch;
  c.interval_s = interval;
  return c;
}

/// Fire the latest tick timer at its time.
bool tick(Driver& d) {
  for (auto it = d.timers.rbegin(); it != d.timers.rend(); ++it) {
    if (it->second.kind != kTick) continue;
    const auto t = *it;
    d.timers.erase(std::next(it).base());
    d.now = t.first;
    d.timer(t.second);
    return true;
  }
  return false;
}
}  // namespace

TEST_CASE("producer: publishes count messages in batches, one batch per interval", "[queue][producer]") {
  ProducerConfig cfg = config(5, 2, 0.1);
  cfg.start_s = 1.0;
  Producer p(cfg);
  Driver d(p, kP);
  d.start();
  REQUIRE(d.timers.size() == 1);
  CHECK(d.timers[0].first == 1.0);
  std::vector<std::size_t> per_tick;
  std::vector<double> at;
  while (tick(d)) {
    per_tick.push_back(d.take<Publish>(kB).size());
    at.push_back(d.now);
  }
  CHECK(per_tick == std::vector<std::size_t>{2, 2, 1});
  REQUIRE(at.size() == 3);
  CHECK(at[1] == Approx(1.1));
  CHECK(at[2] == Approx(1.2));
  CHECK(p.published() == 5);
  // Global message ids 1..5 and confirm sequence numbers 1..5, in publish order.
  auto ev = d.rec.of(ev::Publish);
  REQUIRE(ev.size() == 5);
  for (int i = 0; i < 5; ++i) {
    CHECK(ev[i].msg == static_cast<MsgId>(i + 1));
    CHECK(ev[i].seq == i + 1);
    CHECK(ev[i].peer == kB);
  }
}

TEST_CASE("producer: fills in the message from its configuration", "[queue][producer]") {
  ProducerConfig cfg = config(4);
  cfg.exchange = "ex";
  cfg.routing_keys = {"a", "b", "c"};
  cfg.headers = {{{"h", "1"}}, {{"h", "2"}}};
  cfg.persistent = true;
  cfg.mandatory = true;
  cfg.ttl_s = 3;
  cfg.size_bytes = 77;
  Producer p(cfg);
  Driver d(p, kP);
  d.start();
  std::vector<Publish> pubs;
  while (tick(d))
    for (auto& x : d.take<Publish>(kB)) pubs.push_back(x);
  REQUIRE(pubs.size() == 4);
  CHECK(pubs[0].msg.key == "a");
  CHECK(pubs[1].msg.key == "b");
  CHECK(pubs[2].msg.key == "c");
  CHECK(pubs[3].msg.key == "a");
  CHECK(pubs[0].msg.headers == Headers{{"h", "1"}});
  CHECK(pubs[1].msg.headers == Headers{{"h", "2"}});
  CHECK(pubs[2].msg.headers == Headers{{"h", "1"}});
  for (const auto& x : pubs) {
    CHECK(x.msg.exchange == "ex");
    CHECK(x.msg.persistent);
    CHECK(x.msg.ttl_s == 3);
    CHECK(x.msg.size_bytes == 77);
    CHECK(x.msg.producer == kP);
    CHECK(x.mandatory);
    CHECK(x.confirm);
    CHECK(x.msg.published_at == d.rec.of(ev::Publish)[x.msg.id - 1].t);
  }
}

TEST_CASE("producer: publisher confirms settle unconfirmed messages, singly or multiple", "[queue][producer][confirm]") {
  Producer p(config(5, 5));
  Driver d(p, kP);
  d.start();
  tick(d);
  CHECK(p.unconfirmed() == 5);
  d.packet(kB, Confirm{2, false, true, 2});
  CHECK(p.unconfirmed() == 4);
  d.packet(kB, Confirm{4, true, true, 4});  // 1, 3, 4
  CHECK(p.unconfirmed() == 1);
  d.packet(kB, Confirm{4, false, true, 4});  // already settled: ignored
  d.packet(kB, Confirm{99, false, true, 0});  // unknown: ignored
  CHECK(p.unconfirmed() == 1);
  std::vector<MsgId> confirmed;
  for (const auto& e : d.rec.of(ev::Confirm)) {
    confirmed.push_back(e.msg);
    CHECK(e.flag);
  }
  CHECK(confirmed == std::vector<MsgId>{2, 1, 3, 4});
  d.packet(kB, Confirm{5, false, false, 5});  // a broker nack also settles it, flagged
  CHECK(p.unconfirmed() == 0);
  CHECK_FALSE(d.rec.of(ev::Confirm).back().flag);
}

TEST_CASE("producer: without confirm mode nothing is tracked", "[queue][producer][confirm]") {
  ProducerConfig cfg = config(3, 3);
  cfg.confirm = false;
  Producer p(cfg);
  Driver d(p, kP);
  d.start();
  tick(d);
  CHECK(p.unconfirmed() == 0);
  for (const auto& x : d.take<Publish>(kB)) CHECK_FALSE(x.confirm);
  for (const auto& e : d.rec.of(ev::Publish)) CHECK(e.seq == -1);
}

TEST_CASE("producer: a basic.return is recorded", "[queue][producer][confirm]") {
  Producer p(config(1));
  Driver d(p, kP);
  d.start();
  tick(d);
  AmqpMessage m;
  m.id = 1;
  m.key = "q";
  d.packet(kB, Return{m});
  auto r = d.rec.of(ev::Returned);
  REQUIRE(r.size() == 1);
  CHECK(r[0].msg == 1);
  CHECK(r[0].text == "q");
}

TEST_CASE("producer: retry republishes unconfirmed messages under the same id", "[queue][producer][retry]") {
  ProducerConfig cfg = config(3, 3);
  cfg.retry_s = 1.0;
  Producer p(cfg);
  Driver d(p, kP);
  d.start();
  tick(d);
  d.take<Publish>(kB);
  d.packet(kB, Confirm{2, false, true, 2});
  d.now = 1.0;
  d.timer(Timer{kRetry, 0});
  auto again = d.take<Publish>(kB);
  REQUIRE(again.size() == 2);
  CHECK(again[0].msg.id == 1);
  CHECK(again[1].msg.id == 3);
  CHECK(again[0].seq == 4);  // new sequence numbers on the channel
  CHECK(again[1].seq == 5);
  CHECK(p.published() == 3);  // no new messages
  CHECK(p.unconfirmed() == 2);
  // A late confirm of the old sequence number is ignored; the new one settles it.
  d.packet(kB, Confirm{1, false, true, 1});
  CHECK(p.unconfirmed() == 2);
  d.packet(kB, Confirm{5, true, true, 3});
  CHECK(p.unconfirmed() == 0);
  // Republished messages appear as new publish events with the same ids.
  std::vector<MsgId> ids;
  for (const auto& e : d.rec.of(ev::Publish)) ids.push_back(e.msg);
  CHECK(ids == std::vector<MsgId>{1, 2, 3, 1, 3});
  // Nothing left: the next retry round republishes nothing.
  d.now = 2.0;
  d.timer(Timer{kRetry, 0});
  CHECK(d.take<Publish>(kB).empty());
}

TEST_CASE("producer: retry waits retry_s after the last send", "[queue][producer][retry]") {
  ProducerConfig cfg = config(2, 1, 0.5);
  cfg.retry_s = 1.0;
  Producer p(cfg);
  Driver d(p, kP);
  d.start();
  tick(d);  // message 1 at t=0
  tick(d);  // message 2 at t=0.5
  d.take<Publish>(kB);
  d.now = 1.0;
  d.timer(Timer{kRetry, 0});
  auto again = d.take<Publish>(kB);
  REQUIRE(again.size() == 1);
  CHECK(again[0].msg.id == 1);
}

TEST_CASE("producer: a crash forgets unconfirmed messages, and the restart continues the count", "[queue][producer][crash]") {
  Producer p(config(4, 2));
  Driver d(p, kP);
  d.start();
  tick(d);
  d.take<Publish>(kB);
  d.crash();
  CHECK(p.unconfirmed() == 0);
  d.timers.clear();
  d.now = 5;
  d.start();
  while (tick(d)) {}
  auto pubs = d.take<Publish>(kB);
  REQUIRE(pubs.size() == 2);
  CHECK(pubs[0].msg.id == 3);
  CHECK(pubs[0].seq == 1);  // a new channel numbers from 1
  CHECK(pubs[1].seq == 2);
  CHECK(p.published() == 4);
}

TEST_CASE("producer: connection.blocked holds publishing until connection.unblocked", "[queue][producer][memory]") {
  Producer p(config(4, 1, 0.1));
  Driver d(p, kP);
  d.start();
  REQUIRE(tick(d));
  CHECK(d.take<Publish>(kB).size() == 1);
  d.packet(kB, ConnectionBlocked{});
  while (tick(d)) {}  // the schedule runs on, but nothing is sent while blocked
  CHECK(d.take<Publish>(kB).empty());
  REQUIRE(d.rec.of(ev::Blocked).size() == 1);
  CHECK(d.rec.of(ev::Blocked)[0].flag);
  d.packet(kB, ConnectionUnblocked{});
  CHECK(d.take<Publish>(kB).size() == 1);  // the batch that waited goes out at once
  while (tick(d)) {}
  CHECK(p.published() == 4);
  CHECK(d.rec.of(ev::Blocked).size() == 2);
}
