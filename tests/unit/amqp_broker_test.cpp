// The queue-model broker (AMQP 0-9-1 / RabbitMQ semantics), driven by hand.
#include <algorithm>
#include <memory>

#include <catch2/catch.hpp>

#include "harness.hpp"
#include "amqp/broker.hpp"
#include "vocabulary/vocabulary.hpp"

using namespace bs;
using namespace bs::amqp;
using bs::test::Driver;

namespace {
constexpr NodeId kB = 0, kP = 1, kC1 = 2, kC2 = 3, kC3 = 4;

/// A broker and its driver, kept together (the driver refers to the broker).
struct Rig {
  std::unique_ptr<QueueBroker> broker;
  std::unique_ptr<Driver> d;
  explicit Rig(BrokerConfig cfg) : broker(std::make_unique<QueueBroker>(std::move(cfg))) {
    d = std::make_unique<Driver>(*broker, kB);
    d->start();
  }
  QueueBroker& b() { return *broker; }
  Driver& drv() { return *d; }

  void publish(MsgId id, std::string key = "q", std::string exchange = "", bool mandatory = false,
               bool confirm = true, bool persistent = false, double ttl = -1, std::uint64_t seq = 0) {
    AmqpMessage m;
    m.id = id;
    m.producer = kP;
    m.exchange = std::move(exchange);
    m.key = std::move(key);
    m.persistent = persistent;
    m.ttl_s = ttl;
    d->packet(kP, Publish{m, seq ? seq : id, mandatory, confirm});
  }
  void consume(NodeId c, std::uint32_t prefetch, bool auto_ack = false, std::string queue = "q",
               std::uint32_t conn = 1) {
    d->packet(c, Consume{std::move(queue), prefetch, auto_ack, conn});
  }
  std::vector<Deliver> deliveries(NodeId c) { return d->take<Deliver>(c); }
  void ack(NodeId c, std::uint64_t tag, bool multiple = false, std::uint32_t conn = 1) {
    d->packet(c, Ack{tag, multiple, conn, 0});
  }
  void nack(NodeId c, std::uint64_t tag, bool requeue, bool multiple = false, std::uint32_t conn = 1) {
    d->packet(c, Nack{tag, multiple, requeue, conn, 0});
  }
  std::vector<MsgId> ready_ids(const std::string& q = "q") {
    std::vector<MsgId> out;
    for (const auto& qm : b().queue(q)->ready()) out.push_back(qm.msg.id);
    return out;
  }
};

BrokerConfig one_queue(QueueConfig q = QueueConfig{"q"}) {
  BrokerConfig cfg;
  cfg.queues.push_back(std::move(q));
  return cfg;
}

/// Queue "q" dead-letters into fanout exchange "dlx", bound to queue "dead".
BrokerConfig with_dlx(double ttl_s = -1, std::string dl_key = "") {
  BrokerConfig cfg;
  QueueConfig q{"q"};
  q.message_ttl_s = ttl_s;
  q.dead_letter_exchange = "dlx";
  q.dead_letter_routing_key = std::move(dl_key);
  cfg.queues.push_back(q);
  cfg.queues.push_back(QueueConfig{"dead"});
  cfg.exchanges.push_back(Exchange{"dlx", ExchangeType::Fanout, {}});
  cfg.bindings.push_back(BindingConfig{"dlx", Binding{"dead", "", {}, true}});
  return cfg;
}

std::vector<MsgId> ids(const std::vector<Deliver>& ds) {
  std::vector<MsgId> out;
  for (const auto& d : ds) out.push_back(d.msg.id);
  return out;
}
std::vector<std::uint64_t> tags(const std::vector<Deliver>& ds) {
  std::vector<std::uint64_t> out;
  for (const auto& d : ds) out.push_back(d.tag);
  return out;
}
std::vector<MsgId> ev_ids(const std::vector<Event>& es) {
  std::vector<MsgId> out;
  for (const auto& e : es) out.push_back(e.msg);
  return out;
}
using Ids = std::vector<MsgId>;
using Tags = std::vector<std::uint64_t>;

/// Position in d.sent of the first packet of type T for `to`, or -1.
template <class T>
long index_of(const Driver& d, NodeId to) {
  for (std::size_t i = 0; i < d.sent.size(); ++i)
    if (d.sent[i].first == to && d.sent[i].second.template is<T>()) return static_cast<long>(i);
  return -1;
}
}  // namespace

// --- Competing consumers, prefetch ------------------------------------------------------

TEST_CASE("broker: competing consumers are served round-robin", "[queue][broker]") {
  Rig r(one_queue());
  r.consume(kC1, 0);
  r.consume(kC2, 0);
  r.consume(kC3, 0);
  for (MsgId i = 1; i <= 7; ++i) r.publish(i);
  CHECK(ids(r.deliveries(kC1)) == Ids{1, 4, 7});
  CHECK(ids(r.deliveries(kC2)) == Ids{2, 5});
  CHECK(ids(r.deliveries(kC3)) == Ids{3, 6});
  CHECK(r.b().queue("q")->empty());
}

TEST_CASE("broker: messages already waiting are spread round-robin as consumers join", "[queue][broker]") {
  Rig r(one_queue());
  for (MsgId i = 1; i <= 4; ++i) r.publish(i);
  r.consume(kC1, 1);  // takes 1 and is then full
  r.consume(kC2, 1);  // takes 2
  CHECK(ids(r.deliveries(kC1)) == Ids{1});
  CHECK(ids(r.deliveries(kC2)) == Ids{2});
  CHECK(r.ready_ids() == Ids{3, 4});
}

TEST_CASE("broker: prefetch 1 skips a consumer at its limit", "[queue][broker][prefetch]") {
  Rig r(one_queue());
  r.consume(kC1, 1);
  r.consume(kC2, 1);
  for (MsgId i = 1; i <= 4; ++i) r.publish(i);
  CHECK(ids(r.deliveries(kC1)) == Ids{1});
  CHECK(ids(r.deliveries(kC2)) == Ids{2});
  CHECK(r.ready_ids() == Ids{3, 4});
  CHECK(r.b().unacked_count(kC1) == 1);
  // c2 acks first: it gets the next message although it is c1's turn (c1 is full).
  r.ack(kC2, 1);
  CHECK(r.deliveries(kC1).empty());
  CHECK(ids(r.deliveries(kC2)) == Ids{3});
  r.ack(kC2, 2);
  CHECK(r.deliveries(kC1).empty());
  CHECK(ids(r.deliveries(kC2)) == Ids{4});
  CHECK(r.b().queue("q")->empty());
}

TEST_CASE("broker: a consumer at its prefetch limit leaves the rotation and rejoins at the back", "[queue][broker][prefetch]") {
  // RabbitMQ (rabbit_queue_consumers): a consumer found at its limit is blocked, out of
  // the rotation; the ack that frees a slot puts it back at the end. So after c2 then c1
  // free a slot, c2 is served before c1 -- a fixed round-robin pointer would pick c1.
  Rig r(one_queue());
  r.consume(kC1, 1);
  r.consume(kC2, 1);
  r.consume(kC3, 1);
  for (MsgId i = 1; i <= 4; ++i) r.publish(i);
  CHECK(ids(r.deliveries(kC1)) == Ids{1});
  CHECK(ids(r.deliveries(kC2)) == Ids{2});
  CHECK(ids(r.deliveries(kC3)) == Ids{3});
  CHECK(r.ready_ids() == Ids{4});  // everyone is full: all three are blocked now
  r.ack(kC3, 1);
  CHECK(ids(r.deliveries(kC3)) == Ids{4});
  r.ack(kC2, 1);  // c2 rejoins first ...
  r.ack(kC1, 1);  // ... then c1
  r.publish(5);
  r.publish(6);
  CHECK(ids(r.deliveries(kC2)) == Ids{5});
  CHECK(ids(r.deliveries(kC1)) == Ids{6});
  CHECK(r.deliveries(kC3).empty());  // still holds 4
}

TEST_CASE("broker: prefetch N holds up to N unacked deliveries per consumer", "[queue][broker][prefetch]") {
  Rig r(one_queue());
  r.consume(kC1, 3);
  for (MsgId i = 1; i <= 5; ++i) r.publish(i);
  CHECK(ids(r.deliveries(kC1)) == Ids{1, 2, 3});
  CHECK(r.b().unacked_count(kC1) == 3);
  CHECK(r.ready_ids() == Ids{4, 5});
  r.ack(kC1, 2);
  CHECK(ids(r.deliveries(kC1)) == Ids{4});
  CHECK(r.ready_ids() == Ids{5});
}

TEST_CASE("broker: prefetch 1 vs prefetch N with two consumers", "[queue][broker][prefetch]") {
  Rig r(one_queue());
  r.consume(kC1, 1);
  r.consume(kC2, 4);
  for (MsgId i = 1; i <= 8; ++i) r.publish(i);
  // c1 takes one; c2 fills its window of four; the rest waits.
  CHECK(ids(r.deliveries(kC1)) == Ids{1});
  CHECK(ids(r.deliveries(kC2)) == Ids{2, 3, 4, 5});
  CHECK(r.ready_ids() == Ids{6, 7, 8});
}

TEST_CASE("broker: prefetch 0 means unlimited", "[queue][broker][prefetch]") {
  Rig r(one_queue());
  r.consume(kC1, 0);
  for (MsgId i = 1; i <= 100; ++i) r.publish(i);
  CHECK(r.deliveries(kC1).size() == 100);
  CHECK(r.b().unacked_count(kC1) == 100);
  CHECK(r.b().queue("q")->empty());
}

// --- Acknowledgements ---------------------------------------------------------------

TEST_CASE("broker: auto-ack delivery removes the message and ignores prefetch", "[queue][broker][ack]") {
  Rig r(one_queue());
  r.consume(kC1, 1, /*auto_ack=*/true);
  for (MsgId i = 1; i <= 5; ++i) r.publish(i);
  CHECK(ids(r.deliveries(kC1)) == Ids{1, 2, 3, 4, 5});
  CHECK(r.b().unacked_count(kC1) == 0);
  CHECK(r.b().queue("q")->empty());
  auto dv = r.drv().rec.of(ev::Deliver);
  REQUIRE(dv.size() == 5);
  for (const auto& e : dv) CHECK(e.text == "auto_ack");
  // The consumer's connection dies: nothing comes back, the broker kept no copy.
  r.drv().now = 10;
  r.drv().timer(Timer{1, 0});
  CHECK(r.drv().rec.of(ev::ConnectionLost).size() == 1);
  CHECK(r.drv().rec.of(ev::Requeue).empty());
  CHECK(r.b().queue("q")->empty());
}

TEST_CASE("broker: a manual ack removes the message for good", "[queue][broker][ack]") {
  Rig r(one_queue());
  r.consume(kC1, 0);
  r.publish(1);
  r.publish(2);
  REQUIRE(tags(r.deliveries(kC1)) == Tags{1, 2});
  r.ack(kC1, 1);
  CHECK(r.b().unacked_count(kC1) == 1);
  auto acks = r.drv().rec.of(ev::Ack);
  REQUIRE(acks.size() == 1);
  CHECK(acks[0].msg == 1);
  CHECK(acks[0].queue == "q");
  CHECK(acks[0].peer == kC1);
  // The connection dies: only the unacked message 2 comes back.
  r.drv().now = 10;
  r.drv().timer(Timer{1, 0});
  CHECK(r.ready_ids() == Ids{2});
}

TEST_CASE("broker: ack multiple settles every unacked tag up to the given one", "[queue][broker][ack]") {
  Rig r(one_queue());
  r.consume(kC1, 0);
  for (MsgId i = 1; i <= 5; ++i) r.publish(i);
  REQUIRE(tags(r.deliveries(kC1)) == Tags{1, 2, 3, 4, 5});
  r.ack(kC1, 2);  // single
  r.ack(kC1, 4, /*multiple=*/true);
  CHECK(ev_ids(r.drv().rec.of(ev::Ack)) == Ids{2, 1, 3, 4});
  CHECK(r.b().unacked_count(kC1) == 1);
  r.drv().now = 10;
  r.drv().timer(Timer{1, 0});
  CHECK(r.ready_ids() == Ids{5});
}

TEST_CASE("broker: an ack of an unknown delivery tag closes the channel and requeues", "[queue][broker][ack]") {
  Rig r(one_queue());
  r.consume(kC1, 0);
  r.publish(1);
  r.deliveries(kC1);
  r.ack(kC1, 42);
  CHECK(r.drv().take<ConnectionClose>(kC1).size() == 1);
  CHECK(r.ready_ids() == Ids{1});
  CHECK(r.b().queue("q")->front().redelivered);
}

TEST_CASE("broker: an ack on a closed connection is refused with connection.close", "[queue][broker][ack]") {
  Rig r(one_queue());
  r.consume(kC1, 0);
  r.publish(1);
  r.deliveries(kC1);
  r.drv().now = 3;
  r.drv().timer(Timer{1, 0});  // c1 silent since t=0: lost, message 1 requeued
  r.ack(kC1, 1);               // too late
  auto closes = r.drv().take<ConnectionClose>(kC1);
  REQUIRE(closes.size() == 1);
  CHECK(closes[0].connection == 1);
  auto drops = r.drv().rec.of(ev::Drop);
  REQUIRE(drops.size() == 1);
  CHECK(drops[0].text == "stale_ack");
  CHECK(r.ready_ids() == Ids{1});  // still waiting for a live consumer
}

// --- Nack / reject ------------------------------------------------------------------

TEST_CASE("broker: nack with requeue puts the message back at its original position, redelivered",
          "[queue][broker][nack]") {
  Rig r(one_queue());
  r.consume(kC1, 1);
  for (MsgId i = 1; i <= 3; ++i) r.publish(i);
  CHECK(ids(r.deliveries(kC1)) == Ids{1});
  CHECK(r.ready_ids() == Ids{2, 3});
  r.nack(kC1, 1, /*requeue=*/true);
  auto rq = r.drv().rec.of(ev::Requeue);
  REQUIRE(rq.size() == 1);
  CHECK(rq[0].msg == 1);
  CHECK(rq[0].seq == 1);  // its original position
  // AmqpMessage 1 is ahead of 2 and 3: it is delivered again first, flagged redelivered.
  auto again = r.deliveries(kC1);
  REQUIRE(again.size() == 1);
  CHECK(again[0].msg.id == 1);
  CHECK(again[0].redelivered);
  CHECK(again[0].tag == 2);  // a new delivery tag on the same channel
  CHECK(r.ready_ids() == Ids{2, 3});
  auto dv = r.drv().rec.of(ev::Deliver);
  CHECK_FALSE(dv[0].flag);
  CHECK(dv[1].flag);
}

TEST_CASE("broker: requeued messages go ahead of later ones, in position order", "[queue][broker][nack]") {
  Rig r(one_queue());
  r.consume(kC1, 3);
  r.consume(kC2, 1);
  for (MsgId i = 1; i <= 6; ++i) r.publish(i);
  CHECK(ids(r.deliveries(kC1)) == Ids{1, 3, 4});
  CHECK(ids(r.deliveries(kC2)) == Ids{2});
  CHECK(r.ready_ids() == Ids{5, 6});
  // c1 rejects 4 then 1 (in that order); the queue keeps position order: 1, 4, 5, 6 ...
  // but c1 has room for two again, so 1 and 4 go straight back out to it.
  r.nack(kC1, 3, true);
  r.nack(kC1, 1, true);
  auto again = r.deliveries(kC1);
  // After the first nack (4 back ahead of 5) c1 takes 4; after the second, 1.
  CHECK(ids(again) == Ids{4, 1});
  for (const auto& d : again) CHECK(d.redelivered);
  CHECK(r.ready_ids() == Ids{5, 6});
}

TEST_CASE("broker: nack multiple with requeue restores every message in order", "[queue][broker][nack]") {
  Rig r(one_queue());
  r.consume(kC1, 2);
  r.consume(kC2, 1);
  for (MsgId i = 1; i <= 5; ++i) r.publish(i);
  CHECK(ids(r.deliveries(kC1)) == Ids{1, 3});
  CHECK(ids(r.deliveries(kC2)) == Ids{2});
  CHECK(r.ready_ids() == Ids{4, 5});
  // c2 acks: it takes 4. Then c1 rejects both of its messages at once.
  r.ack(kC2, 1);
  CHECK(ids(r.deliveries(kC2)) == Ids{4});
  r.nack(kC1, 2, true, /*multiple=*/true);
  CHECK(ev_ids(r.drv().rec.of(ev::Requeue)) == Ids{1, 3});
  // 1 and 3 are back ahead of 5; c1 (room for two) gets them back in queue order.
  auto again = r.deliveries(kC1);
  CHECK(ids(again) == Ids{1, 3});
  CHECK(again[0].redelivered);
  CHECK(again[1].redelivered);
  CHECK(r.ready_ids() == Ids{5});
}

TEST_CASE("broker: a requeued message waits at its position when nobody has room", "[queue][broker][nack]") {
  Rig r(one_queue());
  r.consume(kC1, 1);
  r.consume(kC2, 1);
  for (MsgId i = 1; i <= 4; ++i) r.publish(i);
  r.deliveries(kC1);
  r.deliveries(kC2);
  // c1's connection dies while c2 stays busy: message 1 goes back ahead of 3 and 4.
  r.drv().now = 2.0;
  r.drv().packet(kC2, Heartbeat{});
  r.drv().now = 2.5;
  r.drv().timer(Timer{1, 0});
  CHECK(r.ready_ids() == Ids{1, 3, 4});
  const auto& ready = r.b().queue("q")->ready();
  CHECK(ready[0].redelivered);
  CHECK_FALSE(ready[1].redelivered);
  CHECK(ready[0].position == 1);
  // c2 acks message 2: the next thing it gets is message 1, redelivered.
  r.ack(kC2, 1);
  auto d = r.deliveries(kC2);
  REQUIRE(d.size() == 1);
  CHECK(d[0].msg.id == 1);
  CHECK(d[0].redelivered);
}

TEST_CASE("broker: reject without requeue dead-letters to the queue's DLX", "[queue][broker][nack][dlx]") {
  Rig r(with_dlx());
  r.consume(kC1, 1);
  r.publish(1);
  r.publish(2);
  CHECK(ids(r.deliveries(kC1)) == Ids{1});
  r.nack(kC1, 1, /*requeue=*/false);
  auto dl = r.drv().rec.of(ev::DeadLetter);
  REQUIRE(dl.size() == 1);
  CHECK(dl[0].msg == 1);
  CHECK(dl[0].queue == "q");
  CHECK(dl[0].text.find("dlx") != std::string::npos);
  REQUIRE(r.b().queue("dead")->size() == 1);
  CHECK(r.b().queue("dead")->front().msg.id == 1);
  CHECK(r.drv().rec.of(ev::Drop).empty());
  CHECK(r.drv().rec.of(ev::Requeue).empty());
  // The consumer moves on to message 2; message 1 never comes back to q.
  CHECK(ids(r.deliveries(kC1)) == Ids{2});
}

TEST_CASE("broker: dead-lettering can replace the routing key", "[queue][broker][dlx]") {
  BrokerConfig cfg;
  QueueConfig q{"q"};
  q.dead_letter_exchange = "dlx";
  q.dead_letter_routing_key = "parking";
  cfg.queues.push_back(q);
  cfg.queues.push_back(QueueConfig{"parking"});
  cfg.queues.push_back(QueueConfig{"other"});
  cfg.exchanges.push_back(Exchange{"dlx", ExchangeType::Direct, {}});
  cfg.bindings.push_back(BindingConfig{"dlx", Binding{"parking", "parking", {}, true}});
  cfg.bindings.push_back(BindingConfig{"dlx", Binding{"other", "q", {}, true}});
  Rig r(cfg);
  r.consume(kC1, 1);
  r.publish(1);
  r.nack(kC1, 1, false);
  CHECK(r.b().queue("parking")->size() == 1);
  CHECK(r.b().queue("other")->empty());
}

TEST_CASE("broker: reject without requeue and without DLX drops the message", "[queue][broker][nack]") {
  Rig r(one_queue());
  r.consume(kC1, 1);
  r.publish(1);
  r.publish(2);
  r.deliveries(kC1);
  r.nack(kC1, 1, false);
  auto drops = r.drv().rec.of(ev::Drop);
  REQUIRE(drops.size() == 1);
  CHECK(drops[0].msg == 1);
  CHECK(drops[0].text == "rejected");
  auto nacks = r.drv().rec.of(ev::Nack);
  REQUIRE(nacks.size() == 1);
  CHECK_FALSE(nacks[0].flag);
  CHECK(ids(r.deliveries(kC1)) == Ids{2});
  r.drv().now = 10;
  r.drv().timer(Timer{1, 0});
  CHECK(r.ready_ids() == Ids{2});  // only 2 comes back; 1 is gone
}

TEST_CASE("broker: dead-lettering into an exchange with no matching binding drops", "[queue][broker][dlx]") {
  BrokerConfig cfg;
  QueueConfig q{"q"};
  q.dead_letter_exchange = "dlx";
  cfg.queues.push_back(q);
  cfg.exchanges.push_back(Exchange{"dlx", ExchangeType::Direct, {}});
  Rig r(cfg);
  r.consume(kC1, 1);
  r.publish(1);
  r.nack(kC1, 1, false);
  CHECK(r.drv().rec.of(ev::DeadLetter).size() == 1);
  auto drops = r.drv().rec.of(ev::Drop);
  REQUIRE(drops.size() == 1);
  CHECK(drops[0].text == "dead_letter_unroutable");
}

// --- Connection loss ------------------------------------------------------------------

TEST_CASE("broker: missed heartbeats requeue all unacked deliveries in order, redelivered",
          "[queue][broker][heartbeat]") {
  Rig r(one_queue());  // heartbeat 1 s: dead after 2 s of silence
  r.consume(kC1, 3);
  r.consume(kC2, 0);
  for (MsgId i = 1; i <= 8; ++i) r.publish(i);
  CHECK(ids(r.deliveries(kC1)) == Ids{1, 3, 5});
  CHECK(ids(r.deliveries(kC2)) == Ids{2, 4, 6, 7, 8});
  r.ack(kC2, 1);
  r.ack(kC2, 2);
  // c2 keeps talking, c1 falls silent.
  r.drv().now = 1.0;
  r.drv().packet(kC2, Heartbeat{});
  r.drv().timer(Timer{1, 0});
  r.drv().now = 2.0;
  r.drv().packet(kC2, Heartbeat{});
  r.drv().timer(Timer{1, 0});
  CHECK(r.drv().rec.of(ev::ConnectionLost).empty());  // 2 s exactly is not yet "past"
  r.drv().now = 2.5;
  r.drv().timer(Timer{1, 0});
  auto lost = r.drv().rec.of(ev::ConnectionLost);
  REQUIRE(lost.size() == 1);
  CHECK(lost[0].peer == kC1);
  CHECK(lost[0].text == "missed_heartbeats");
  auto rq = r.drv().rec.of(ev::Requeue);
  CHECK(ev_ids(rq) == Ids{1, 3, 5});
  for (const auto& e : rq) CHECK(e.flag);
  CHECK(r.b().unacked_count(kC1) == 0);
  // c2 has no limit: it gets them at once, in their original order, flagged.
  auto again = r.deliveries(kC2);
  CHECK(ids(again) == Ids{1, 3, 5});
  for (const auto& d : again) CHECK(d.redelivered);
  CHECK(tags(again) == Tags{6, 7, 8});
  // c1 no longer receives anything.
  r.publish(9);
  CHECK(r.deliveries(kC1).empty());
  CHECK(ids(r.deliveries(kC2)) == Ids{9});
}

TEST_CASE("broker: heartbeats are sent to quiet consumers", "[queue][broker][heartbeat]") {
  Rig r(one_queue());
  r.consume(kC1, 1);
  r.drv().take<ConsumeOk>(kC1);
  r.drv().now = 1.0;
  r.drv().packet(kC1, Heartbeat{});
  r.drv().timer(Timer{1, 0});
  CHECK(r.drv().take<Heartbeat>(kC1).size() == 1);
  CHECK(r.drv().rec.of(ev::ConnectionLost).empty());
  // The heartbeat timer re-arms itself.
  CHECK(std::count_if(r.drv().timers.begin(), r.drv().timers.end(),
                      [](const auto& t) { return t.second.kind == 1 && t.first == 2.0; }) == 1);
}

TEST_CASE("broker: a consumer reconnecting on a new connection gets its old deliveries back as redelivered",
          "[queue][broker][heartbeat]") {
  Rig r(one_queue());
  r.consume(kC1, 2);
  for (MsgId i = 1; i <= 3; ++i) r.publish(i);
  CHECK(tags(r.deliveries(kC1)) == Tags{1, 2});
  r.consume(kC1, 2, false, "q", /*conn=*/2);
  auto lost = r.drv().rec.of(ev::ConnectionLost);
  REQUIRE(lost.size() == 1);
  CHECK(lost[0].text == "reconnected");
  auto again = r.deliveries(kC1);
  CHECK(ids(again) == Ids{1, 2});
  CHECK(tags(again) == Tags{1, 2});  // a new channel numbers from 1 again
  for (const auto& d : again) {
    CHECK(d.redelivered);
    CHECK(d.connection == 2);
  }
  // A repeated basic.consume on the same connection changes nothing.
  r.consume(kC1, 2, false, "q", 2);
  CHECK(r.drv().rec.of(ev::ConnectionLost).size() == 1);
}

TEST_CASE("broker: consuming from an unknown queue closes the connection", "[queue][broker]") {
  Rig r(one_queue());
  r.consume(kC1, 1, false, "nope", 7);
  auto c = r.drv().take<ConnectionClose>(kC1);
  REQUIRE(c.size() == 1);
  CHECK(c[0].connection == 7);
  CHECK(r.drv().take<ConsumeOk>(kC1).empty());
}

// --- Delivery tags ----------------------------------------------------------------------

TEST_CASE("broker: delivery tags are per channel, start at 1 and increase", "[queue][broker]") {
  BrokerConfig cfg = one_queue();
  cfg.queues.push_back(QueueConfig{"other"});
  Rig r(cfg);
  r.consume(kC1, 0);
  r.consume(kC2, 0);
  r.consume(kC3, 0, false, "other");
  for (MsgId i = 1; i <= 6; ++i) r.publish(i);
  r.publish(7, "other");
  r.publish(8, "other");
  CHECK(tags(r.deliveries(kC1)) == Tags{1, 2, 3});
  CHECK(tags(r.deliveries(kC2)) == Tags{1, 2, 3});
  CHECK(tags(r.deliveries(kC3)) == Tags{1, 2});
  // Tags keep increasing after acks; they are never reused on a channel.
  r.ack(kC1, 3, true);
  r.publish(9);
  r.publish(10);
  CHECK(tags(r.deliveries(kC1)) == Tags{4});
  CHECK(tags(r.deliveries(kC2)) == Tags{4});
  auto ok = r.drv().take<ConsumeOk>(kC1);
  REQUIRE(ok.size() == 1);
  CHECK(ok[0].connection == 1);
}

// --- Publisher confirms, mandatory, unroutable -------------------------------------------

TEST_CASE("broker: publisher confirms routable and unroutable messages", "[queue][broker][confirm]") {
  Rig r(one_queue());
  r.publish(1, "q", "", false, true, false, -1, /*seq=*/1);
  r.publish(2, "no-such-queue", "", false, true, false, -1, 2);
  auto cs = r.drv().take<Confirm>(kP);
  REQUIRE(cs.size() == 2);
  CHECK(cs[0].seq == 1);
  CHECK(cs[0].ack);
  CHECK(cs[0].msg == 1);
  CHECK_FALSE(cs[0].multiple);
  CHECK(cs[1].seq == 2);
  CHECK(cs[1].ack);  // RabbitMQ confirms an unroutable message too
  CHECK(cs[1].msg == 2);
  CHECK(r.drv().take<Return>(kP).empty());  // not mandatory: silently dropped
}

TEST_CASE("broker: no confirms unless the channel is in confirm mode", "[queue][broker][confirm]") {
  Rig r(one_queue());
  r.publish(1, "q", "", false, /*confirm=*/false);
  CHECK(r.drv().take<Confirm>(kP).empty());
  CHECK(r.b().queue("q")->size() == 1);
}

TEST_CASE("broker: a mandatory unroutable message is returned before it is confirmed", "[queue][broker][confirm]") {
  Rig r(one_queue());
  r.publish(1, "nowhere", "", /*mandatory=*/true, true);
  const long ret = index_of<Return>(r.drv(), kP);
  const long conf = index_of<Confirm>(r.drv(), kP);
  REQUIRE(ret >= 0);
  REQUIRE(conf >= 0);
  CHECK(ret < conf);
  auto rs = r.drv().take<Return>(kP);
  REQUIRE(rs.size() == 1);
  CHECK(rs[0].msg.id == 1);
  CHECK(rs[0].msg.key == "nowhere");
  auto un = r.drv().rec.of(ev::Unroutable);
  REQUIRE(un.size() == 1);
  CHECK(un[0].flag);  // returned
  CHECK(un[0].peer == kP);
}

TEST_CASE("broker: a mandatory routable message is not returned", "[queue][broker][confirm]") {
  Rig r(one_queue());
  r.publish(1, "q", "", true, true);
  CHECK(r.drv().take<Return>(kP).empty());
  CHECK(r.drv().take<Confirm>(kP).size() == 1);
  CHECK(r.drv().rec.of(ev::Unroutable).empty());
}

TEST_CASE("broker: unroutable messages are counted whether returned or dropped", "[queue][broker][confirm]") {
  Rig r(one_queue());
  r.publish(1, "x", "", false);
  r.publish(2, "y", "", true);
  r.publish(3, "q", "", false);
  r.publish(4, "z", "", false, false);
  auto un = r.drv().rec.of(ev::Unroutable);
  CHECK(ev_ids(un) == Ids{1, 2, 4});
  CHECK_FALSE(un[0].flag);
  CHECK(un[1].flag);
  CHECK(r.drv().take<Return>(kP).size() == 1);
  CHECK(r.b().queue("q")->size() == 1);
}

// --- Persistence and broker crash ---------------------------------------------------------

TEST_CASE("broker: a crash keeps persistent messages of durable queues and drops the rest",
          "[queue][broker][crash]") {
  BrokerConfig cfg;
  QueueConfig dq{"durable"};
  dq.durable = true;
  cfg.queues.push_back(dq);
  cfg.queues.push_back(QueueConfig{"transient"});
  Rig r(cfg);
  r.consume(kC1, 1, false, "durable");
  // Into the durable queue: 1 persistent (delivered, unacked), 2 transient, 3 persistent.
  r.publish(1, "durable", "", false, true, true);
  r.publish(2, "durable", "", false, true, false);
  r.publish(3, "durable", "", false, true, true);
  // Into the transient queue: even a persistent message does not survive.
  r.publish(4, "transient", "", false, true, true);
  r.publish(5, "transient", "", false, true, false);
  CHECK(ids(r.deliveries(kC1)) == Ids{1});
  r.drv().crash();
  auto drops = r.drv().rec.of(ev::Drop);
  Ids dropped = ev_ids(drops);
  std::sort(dropped.begin(), dropped.end());
  CHECK(dropped == Ids{2, 4, 5});
  for (const auto& e : drops) CHECK(e.text == "broker_crash");
  CHECK(r.ready_ids("durable") == Ids{1, 3});
  // A crash is an unclean shutdown: the recovered queue cannot tell which messages had
  // been delivered, so 3, never delivered, comes back redelivered as well as 1.
  CHECK(r.b().queue("durable")->ready()[0].redelivered);
  CHECK(r.b().queue("durable")->ready()[1].redelivered);
  CHECK(r.b().queue("transient") == nullptr);  // a transient queue is not recovered
  CHECK(r.b().unacked_count(kC1) == 0);
  // After the restart a consumer gets the survivors in order; tags start again at 1.
  r.drv().now = 5;
  r.drv().start();
  r.consume(kC1, 0, false, "durable", 2);
  auto ds = r.deliveries(kC1);
  CHECK(ids(ds) == Ids{1, 3});
  CHECK(tags(ds) == Tags{1, 2});
  CHECK(ds[0].redelivered);
  CHECK(ds[1].redelivered);
}

TEST_CASE("broker: a transient queue and its bindings are gone after a restart: mandatory publishes come back", "[queue][broker][crash]") {
  BrokerConfig cfg;
  cfg.queues.push_back(QueueConfig{"t"});  // not durable
  cfg.exchanges.push_back(Exchange{"x", ExchangeType::Direct, {}});
  cfg.bindings.push_back(BindingConfig{"x", Binding{"t", "k", {}, true}});
  Rig r(cfg);
  r.publish(1, "k", "x", /*mandatory=*/true);
  CHECK(r.ready_ids("t") == Ids{1});
  r.drv().crash();
  r.drv().now = 2;
  r.drv().start();
  CHECK(r.b().queue("t") == nullptr);
  r.publish(2, "k", "x", /*mandatory=*/true);  // the binding went with the queue
  CHECK(r.drv().rec.of(ev::Unroutable).size() == 1);
  CHECK(r.drv().take<Return>(kP).size() == 1);
  r.consume(kC1, 1, false, "t", 2);  // basic.consume on a queue that no longer exists
  auto closed = r.drv().take<ConnectionClose>(kC1);
  REQUIRE(closed.size() == 1);
  CHECK(closed[0].reply_code == kNotFound);
}

TEST_CASE("broker: a crash drops unacked transient deliveries", "[queue][broker][crash]") {
  BrokerConfig cfg;
  QueueConfig dq{"q"};
  dq.durable = true;
  cfg.queues.push_back(dq);
  Rig r(cfg);
  r.consume(kC1, 0);
  r.publish(1, "q", "", false, true, false);
  r.deliveries(kC1);
  r.drv().crash();
  auto drops = r.drv().rec.of(ev::Drop);
  REQUIRE(drops.size() == 1);
  CHECK(drops[0].msg == 1);
  CHECK(drops[0].text == "broker_crash");
  CHECK(r.b().queue("q")->empty());
}

// --- TTL ----------------------------------------------------------------------------------

TEST_CASE("broker: an expired message is dead-lettered", "[queue][broker][ttl]") {
  Rig r(with_dlx(/*ttl_s=*/1.0));
  r.publish(1);
  r.drv().now = 0.5;
  r.publish(2);
  // Expiry timers were set for each message's TTL.
  CHECK(std::count_if(r.drv().timers.begin(), r.drv().timers.end(),
                      [](const auto& t) { return t.second.kind == 2; }) == 2);
  r.drv().now = 1.0;
  r.drv().timer(Timer{2, 0});
  auto dl = r.drv().rec.of(ev::DeadLetter);
  REQUIRE(dl.size() == 1);
  CHECK(dl[0].msg == 1);
  CHECK(dl[0].text.find("expired") != std::string::npos);
  CHECK(r.ready_ids("q") == Ids{2});
  CHECK(r.ready_ids("dead") == Ids{1});
  r.drv().now = 1.5;
  r.drv().timer(Timer{2, 0});
  CHECK(r.ready_ids("q").empty());
  CHECK(r.ready_ids("dead") == Ids{1, 2});
  // The dead-letter queue has no TTL of its own: the copies stay.
  r.drv().now = 100;
  r.drv().timer(Timer{2, 0});
  CHECK(r.ready_ids("dead") == Ids{1, 2});
}

TEST_CASE("broker: an expired message is not delivered to a late consumer", "[queue][broker][ttl]") {
  BrokerConfig cfg;
  QueueConfig q{"q"};
  q.message_ttl_s = 1.0;
  cfg.queues.push_back(q);
  Rig r(cfg);
  r.publish(1);
  r.drv().now = 0.9;
  r.publish(2);
  r.drv().now = 1.2;  // the expiry timer has not run yet
  r.consume(kC1, 0);
  CHECK(ids(r.deliveries(kC1)) == Ids{2});
  auto drops = r.drv().rec.of(ev::Drop);
  REQUIRE(drops.size() == 1);
  CHECK(drops[0].msg == 1);
  CHECK(drops[0].text == "expired");
}

TEST_CASE("broker: the lower of queue TTL and message TTL applies", "[queue][broker][ttl]") {
  BrokerConfig cfg;
  QueueConfig q{"q"};
  q.message_ttl_s = 10.0;
  cfg.queues.push_back(q);
  Rig r(cfg);
  r.publish(1, "q", "", false, true, false, /*ttl=*/0.5);
  r.publish(2, "q", "", false, true, false, /*ttl=*/50);
  r.drv().now = 0.5;
  r.drv().timer(Timer{2, 0});
  CHECK(r.ready_ids() == Ids{2});
  r.drv().now = 9.9;
  r.drv().timer(Timer{2, 0});
  CHECK(r.ready_ids() == Ids{2});
  r.drv().now = 10.0;
  r.drv().timer(Timer{2, 0});
  CHECK(r.ready_ids().empty());
}

TEST_CASE("broker: a delivered-and-acked message never expires later", "[queue][broker][ttl]") {
  Rig r(with_dlx(1.0));
  r.consume(kC1, 1);
  r.publish(1);
  r.ack(kC1, 1);
  r.drv().now = 2;
  r.drv().timer(Timer{2, 0});
  CHECK(r.drv().rec.of(ev::DeadLetter).empty());
}

TEST_CASE("broker: persistent messages with a TTL still expire after a broker restart", "[queue][broker][ttl][crash]") {
  BrokerConfig cfg = with_dlx(5.0);
  cfg.queues[0].durable = true;
  cfg.queues[1].durable = true;  // the dead-letter queue must survive the restart too
  Rig r(cfg);
  r.publish(1, "q", "", false, true, /*persistent=*/true);
  r.drv().now = 1;
  r.drv().crash();
  r.drv().now = 2;
  const std::size_t before = r.drv().timers.size();
  r.drv().start();
  REQUIRE(r.ready_ids() == Ids{1});
  // The broker must arm an expiry timer for the recovered message (timers die with it).
  double at = -1;
  for (std::size_t i = before; i < r.drv().timers.size(); ++i)
    if (r.drv().timers[i].second.kind == 2) at = r.drv().timers[i].first;
  REQUIRE(at >= 0);
  CHECK(at <= 5.0 + 1e-9);
  r.drv().now = std::max(at, 5.0);
  r.drv().timer(Timer{2, 0});
  CHECK(r.ready_ids().empty());
  CHECK(r.ready_ids("dead") == Ids{1});
}

// --- The ready queue on its own -----------------------------------------------------------

TEST_CASE("message queue: requeue restores the original position and marks redelivered", "[queue][mq]") {
  MessageQueue mq;
  for (MsgId i = 1; i <= 5; ++i) {
    AmqpMessage m;
    m.id = i;
    CHECK(mq.push_back(m, -1) == i);
  }
  QueuedMessage a = mq.pop_front();  // 1
  QueuedMessage b = mq.pop_front();  // 2
  QueuedMessage c = mq.pop_front();  // 3
  mq.requeue(c);
  mq.requeue(a);
  std::vector<MsgId> order;
  for (const auto& qm : mq.ready()) order.push_back(qm.msg.id);
  CHECK(order == Ids{1, 3, 4, 5});
  CHECK(mq.ready()[0].redelivered);
  CHECK(mq.ready()[1].redelivered);
  CHECK_FALSE(mq.ready()[2].redelivered);
  mq.restore(b);
  CHECK(mq.ready()[1].msg.id == 2);
  CHECK_FALSE(mq.ready()[1].redelivered);  // restore keeps the flags as they were
  CHECK(mq.next_position() == 6);
}

// --- Dead-letter cycles -------------------------------------------------------------------

namespace {
/// Queue "q" (TTL ttl_s) dead-letters into fanout exchange "dlx", which is bound back to "q".
BrokerConfig self_cycle(double ttl_s) {
  BrokerConfig cfg;
  QueueConfig q{"q"};
  q.message_ttl_s = ttl_s;
  q.dead_letter_exchange = "dlx";
  cfg.queues.push_back(q);
  cfg.exchanges.push_back(Exchange{"dlx", ExchangeType::Fanout, {}});
  cfg.bindings.push_back(BindingConfig{"dlx", Binding{"q", "", {}, true}});
  return cfg;
}
}  // namespace

TEST_CASE("broker: a message expiring around a dead-letter cycle is dropped, not looped forever",
          "[queue][broker][dlx][ttl]") {
  // RabbitMQ: a message that reaches the same queue twice through dead-lettering with no
  // rejection in the cycle is dropped. With a zero TTL a loop would never end.
  Rig r(self_cycle(0.0));
  r.publish(1);
  CHECK(r.ready_ids().empty());
  auto drops = r.drv().rec.of(ev::Drop);
  REQUIRE(drops.size() == 1);
  CHECK(drops[0].msg == 1);
  CHECK(drops[0].text == "dead_letter_cycle");
  CHECK(r.drv().rec.of(ev::DeadLetter).size() == 1);
}

TEST_CASE("broker: an expiry cycle through two queues is dropped on the second lap", "[queue][broker][dlx][ttl]") {
  BrokerConfig cfg;
  for (const char* name : {"a", "b"}) {
    QueueConfig q{name};
    q.message_ttl_s = 0.0;
    q.dead_letter_exchange = std::string("to-") + (name[0] == 'a' ? "b" : "a");
    cfg.queues.push_back(q);
  }
  cfg.exchanges.push_back(Exchange{"to-a", ExchangeType::Fanout, {}});
  cfg.exchanges.push_back(Exchange{"to-b", ExchangeType::Fanout, {}});
  cfg.bindings.push_back(BindingConfig{"to-a", Binding{"a", "", {}, true}});
  cfg.bindings.push_back(BindingConfig{"to-b", Binding{"b", "", {}, true}});
  Rig r(cfg);
  r.publish(1, "a");
  CHECK(r.ready_ids("a").empty());
  CHECK(r.ready_ids("b").empty());
  CHECK(r.drv().rec.of(ev::DeadLetter).size() == 2);  // a -> b, b -> (a: cycle)
  auto drops = r.drv().rec.of(ev::Drop);
  REQUIRE(drops.size() == 1);
  CHECK(drops[0].text == "dead_letter_cycle");
}

TEST_CASE("broker: a delayed-retry loop with a rejection in each lap keeps going", "[queue][broker][dlx][ttl]") {
  // work rejects -> retry-ex -> delay (TTL 1 s) -> work-ex -> work: the classic delayed retry.
  BrokerConfig cfg;
  QueueConfig work{"work"};
  work.dead_letter_exchange = "retry-ex";
  QueueConfig delay{"delay"};
  delay.message_ttl_s = 1.0;
  delay.dead_letter_exchange = "work-ex";
  cfg.queues = {work, delay};
  cfg.exchanges.push_back(Exchange{"retry-ex", ExchangeType::Fanout, {}});
  cfg.exchanges.push_back(Exchange{"work-ex", ExchangeType::Fanout, {}});
  cfg.bindings.push_back(BindingConfig{"retry-ex", Binding{"delay", "", {}, true}});
  cfg.bindings.push_back(BindingConfig{"work-ex", Binding{"work", "", {}, true}});
  Rig r(cfg);
  r.consume(kC1, 1, false, "work");
  r.publish(1, "work");
  for (int lap = 1; lap <= 3; ++lap) {
    auto d = r.deliveries(kC1);
    REQUIRE(d.size() == 1);
    CHECK(d[0].msg.id == 1);
    r.nack(kC1, d[0].tag, /*requeue=*/false);
    CHECK(r.ready_ids("delay") == Ids{1});
    r.drv().now += 1.0;
    r.drv().timer(Timer{2, 0});
    CHECK(r.ready_ids("delay").empty());
  }
  CHECK(r.drv().rec.of(ev::Drop).empty());
  CHECK(r.deliveries(kC1).size() == 1);
}

// --- Queue length limit (RabbitMQ x-max-length, x-overflow) -------------------------------

TEST_CASE("broker: at x-max-length, drop-head drops the oldest ready message", "[queue][broker][maxlen]") {
  QueueConfig q{"q"};
  q.max_length = 2;
  Rig r(one_queue(q));
  for (MsgId i = 1; i <= 4; ++i) r.publish(i);
  CHECK(r.ready_ids() == Ids{3, 4});
  const auto drops = r.drv().rec.of(ev::Drop);
  REQUIRE(drops.size() == 2);
  CHECK(drops[0].msg == 1);
  CHECK(drops[0].text == "maxlen");
  for (const auto& c : r.drv().take<Confirm>(kP)) CHECK(c.ack);  // drop-head confirms every publish
}

TEST_CASE("broker: unacknowledged messages do not count towards x-max-length", "[queue][broker][maxlen]") {
  QueueConfig q{"q"};
  q.max_length = 1;
  Rig r(one_queue(q));
  r.consume(kC1, 2);
  r.publish(1);
  r.publish(2);  // both delivered, unacked: the queue holds no ready message
  r.publish(3);
  CHECK(r.ready_ids() == Ids{3});
  CHECK(r.drv().rec.of(ev::Drop).empty());
}

TEST_CASE("broker: drop-head dead-letters the oldest when the queue has a dead-letter exchange", "[queue][broker][maxlen]") {
  BrokerConfig cfg = with_dlx();
  cfg.queues[0].max_length = 1;
  Rig r(cfg);
  r.publish(1);
  r.publish(2);
  CHECK(r.ready_ids() == Ids{2});
  CHECK(r.ready_ids("dead") == Ids{1});
  CHECK(r.drv().rec.of(ev::DeadLetter).front().text == "dlx:maxlen");
}

TEST_CASE("broker: reject-publish refuses the newest message and nacks its publisher", "[queue][broker][maxlen]") {
  QueueConfig q{"q"};
  q.max_length_bytes = 250;  // bodies of 100 bytes: two fit
  q.overflow = QueueConfig::Overflow::RejectPublish;
  Rig r(one_queue(q));
  for (MsgId i = 1; i <= 3; ++i) {
    AmqpMessage m;
    m.id = i;
    m.producer = kP;
    m.key = "q";
    m.size_bytes = 100;
    r.drv().packet(kP, Publish{m, i, false, true});
  }
  CHECK(r.ready_ids() == Ids{1, 2});
  const auto confirms = r.drv().take<Confirm>(kP);
  REQUIRE(confirms.size() == 3);
  CHECK(confirms[0].ack);
  CHECK(confirms[1].ack);
  CHECK_FALSE(confirms[2].ack);  // basic.nack: the publisher knows
}

TEST_CASE("broker: reject-publish-dlx dead-letters the refused message", "[queue][broker][maxlen]") {
  BrokerConfig cfg = with_dlx();
  cfg.queues[0].max_length = 1;
  cfg.queues[0].overflow = QueueConfig::Overflow::RejectPublishDlx;
  Rig r(cfg);
  r.publish(1);
  r.publish(2);
  CHECK(r.ready_ids() == Ids{1});
  CHECK(r.ready_ids("dead") == Ids{2});
  const auto confirms = r.drv().take<Confirm>(kP);
  REQUIRE(confirms.size() == 2);
  CHECK_FALSE(confirms[1].ack);
}

// --- Memory alarm (RabbitMQ Memory and Disk Alarms) ---------------------------------------

TEST_CASE("broker: above the memory watermark publishers are blocked, consumers are not", "[queue][broker][memory]") {
  BrokerConfig cfg = one_queue();
  cfg.total_memory_bytes = 1000;
  cfg.vm_memory_high_watermark = 0.5;  // the alarm goes off above 500 bytes
  cfg.memory_monitor_interval_s = 0.1;
  Rig r(cfg);
  r.consume(kC1, 1);
  for (MsgId i = 1; i <= 7; ++i) {
    AmqpMessage m;
    m.id = i;
    m.producer = kP;
    m.key = "q";
    m.size_bytes = 100;
    r.drv().packet(kP, Publish{m, i, false, true});
  }
  // 1 unacked + 6 ready = 700 bytes > 500: at the next memory check, blocked.
  r.drv().run_until(0.1);
  CHECK(r.drv().take<ConnectionBlocked>(kP).size() == 1);
  CHECK(r.drv().take<ConnectionBlocked>(kC1).empty());
  const auto alarms = r.drv().rec.of(ev::MemoryAlarm);
  REQUIRE(alarms.size() == 1);
  CHECK(alarms[0].flag);
  CHECK(alarms[0].tag == 700);
  // The consumer drains: acks bring use under the watermark, and the publisher is unblocked.
  for (std::uint64_t tag = 1; tag <= 3; ++tag) r.ack(kC1, tag);
  r.drv().run_until(0.2);
  CHECK(r.drv().take<ConnectionUnblocked>(kP).size() == 1);
  REQUIRE(r.drv().rec.of(ev::MemoryAlarm).size() == 2);
  CHECK_FALSE(r.drv().rec.of(ev::MemoryAlarm)[1].flag);
}
