// The ActiveMQ Classic profile of the queue model, driven by hand: durable and
// non-durable topic subscriptions, the client's RedeliveryPolicy ending in a poison ack
// and ActiveMQ.DLQ, and message groups (docs/activemq.md).
#include <algorithm>
#include <memory>

#include <catch2/catch.hpp>

#include "activemq/events.hpp"
#include "amqp/broker.hpp"
#include "amqp/consumer.hpp"
#include "harness.hpp"
#include "vocabulary/vocabulary.hpp"

using namespace bs;
using namespace bs::amqp;
using bs::test::Driver;

namespace {
constexpr NodeId kB = 0, kP = 1, kC1 = 2, kC2 = 3;

struct Rig {
  std::unique_ptr<QueueBroker> broker;
  std::unique_ptr<Driver> d;
  explicit Rig(BrokerConfig cfg) : broker(std::make_unique<QueueBroker>(std::move(cfg))) {
    d = std::make_unique<Driver>(*broker, kB);
    d->start();
  }
  void publish(MsgId id, std::string exchange, std::string key = "", Headers h = {}) {
    AmqpMessage m;
    m.id = id;
    m.producer = kP;
    m.exchange = std::move(exchange);
    m.key = std::move(key);
    m.headers = std::move(h);
    m.persistent = true;
    d->packet(kP, Publish{m, id, false, true});
  }
  std::vector<MsgId> delivered(NodeId c) {
    std::vector<MsgId> out;
    for (const auto& x : d->take<Deliver>(c)) out.push_back(x.msg.id);
    return out;
  }
  std::vector<MsgId> events(EventKind k, const std::string& queue = "") const {
    std::vector<MsgId> out;
    for (const auto& e : d->rec.events)
      if (e.kind == k && (queue.empty() || e.queue == queue)) out.push_back(e.msg);
    return out;
  }
};

/// Topic "prices" (a fanout exchange) with a durable subscription "audit" and a
/// non-durable one "live", as the activemq loader declares them.
BrokerConfig topic_with_two_subscriptions() {
  BrokerConfig cfg;
  cfg.heartbeat_s = 1.0;
  QueueConfig audit{"audit"}, live{"live"};
  audit.durable = true;
  audit.subscription = QueueConfig::Subscription::Durable;
  live.subscription = QueueConfig::Subscription::NonDurable;
  audit.topic = live.topic = "prices";
  cfg.queues = {audit, live};
  cfg.exchanges.push_back(Exchange{"prices", ExchangeType::Fanout, {}});
  cfg.bindings.push_back(BindingConfig{"prices", Binding{"audit", "", {}, true}});
  cfg.bindings.push_back(BindingConfig{"prices", Binding{"live", "", {}, true}});
  return cfg;
}
}  // namespace

TEST_CASE("activemq: a durable subscriber receives what was published while it was away, a non-durable one misses it") {
  Rig r(topic_with_two_subscriptions());
  r.d->packet(kC1, Consume{"live", 100, false, 1});
  r.d->packet(kC2, Consume{"audit", 100, false, 1});
  r.publish(1, "prices");
  CHECK(r.delivered(kC1) == std::vector<MsgId>{1});
  CHECK(r.delivered(kC2) == std::vector<MsgId>{1});
  r.d->packet(kC1, Ack{1, false, 1, 1});
  r.d->packet(kC2, Ack{1, false, 1, 1});
  // Both subscribers fall silent: after two heartbeat intervals the broker drops them.
  r.d->run_until(3.0);
  r.publish(2, "prices");
  r.publish(3, "prices");
  CHECK(r.events(ev::SubscriberMissed, "live") == std::vector<MsgId>{2, 3});
  CHECK(r.events(ev::SubscriberMissed, "audit").empty());
  // They come back on new connections.
  r.d->packet(kC1, Consume{"live", 100, false, 2});
  r.d->packet(kC2, Consume{"audit", 100, false, 2});
  CHECK(r.delivered(kC1).empty());
  CHECK(r.delivered(kC2) == std::vector<MsgId>{2, 3});
  r.publish(4, "prices");
  CHECK(r.delivered(kC1) == std::vector<MsgId>{4});
  CHECK(r.delivered(kC2) == std::vector<MsgId>{4});
}

TEST_CASE("activemq: a non-durable subscription that closes takes its unacknowledged messages with it") {
  Rig r(topic_with_two_subscriptions());
  r.d->packet(kC1, Consume{"live", 100, false, 1});
  r.publish(1, "prices");
  r.publish(2, "prices");
  CHECK(r.delivered(kC1) == std::vector<MsgId>{1, 2});
  r.d->packet(kC1, Ack{1, false, 1, 1});
  // A reconnect closes the old subscription: message 2 was never acknowledged.
  r.d->packet(kC1, Consume{"live", 100, false, 2});
  CHECK(r.events(ev::SubscriberMissed, "live") == std::vector<MsgId>{2});
  CHECK(r.events(ev::Requeue, "live").empty());
  CHECK(r.delivered(kC1).empty());
  CHECK(r.broker->queue("live")->empty());
}

TEST_CASE("activemq: the RedeliveryPolicy redelivers a failing message, then a poison ack sends it to ActiveMQ.DLQ") {
  ConsumerConfig c;
  c.broker = kB;
  c.queue = std::string("orders");
  c.prefetch = 10;
  c.processing.a = 0.1;
  c.redelivery.enabled = true;
  c.redelivery.maximum_redeliveries = 2;
  c.redelivery.initial_redelivery_delay_s = 1.0;
  c.redelivery.redelivery_delay_s = 2.0;
  c.fail_keys = {"poison"};
  Consumer consumer(c);
  Driver d(consumer, kC1);
  d.start();
  d.run_until(0);
  d.packet(kB, ConsumeOk{1});
  AmqpMessage m;
  m.id = 7;
  m.headers = {{"JMSType", HeaderValue("poison")}};
  d.packet(kB, Deliver{m, "orders", 1, false, 1});
  // onMessage fails at 0.1 s; redelivered at 1.1 s (initialRedeliveryDelay), fails at
  // 1.2 s; redelivered at 3.2 s (redeliveryDelay), fails at 3.3 s: maximumRedeliveries
  // (2) used up, the poison ack goes out.
  d.run_until(3.25);
  CHECK(d.take<Nack>(kB).empty());
  std::vector<std::int64_t> counters;
  std::vector<double> at;
  for (const auto& e : d.rec.events)
    if (e.kind == ev::ClientRedelivery) counters.push_back(e.seq), at.push_back(e.t);
  CHECK(counters == std::vector<std::int64_t>{1, 2});
  REQUIRE(at.size() == 2);
  CHECK(at[0] == Approx(1.1));
  CHECK(at[1] == Approx(3.2));
  d.run_until(3.4);
  const auto nacks = d.take<Nack>(kB);
  REQUIRE(nacks.size() == 1);
  CHECK(nacks[0].poison);
  CHECK_FALSE(nacks[0].requeue);
  for (const auto& e : d.rec.events) CHECK(e.kind != ev::Process);  // never processed
  CHECK(d.take<Ack>(kB).empty());

  // The broker's side of the poison ack.
  BrokerConfig cfg;
  QueueConfig q{"orders"};
  q.dead_letter_exchange = "ActiveMQ.DLQ";
  cfg.queues = {q, QueueConfig{"ActiveMQ.DLQ"}};
  cfg.exchanges.push_back(Exchange{"ActiveMQ.DLQ", ExchangeType::Fanout, {}});
  cfg.bindings.push_back(BindingConfig{"ActiveMQ.DLQ", Binding{"ActiveMQ.DLQ", "", {}, true}});
  Rig r(cfg);
  r.d->packet(kC1, Consume{"orders", 10, false, 1});
  r.publish(7, "", "orders");
  REQUIRE(r.delivered(kC1) == std::vector<MsgId>{7});
  r.d->packet(kC1, nacks[0]);
  bool dead_lettered = false;
  for (const auto& e : r.d->rec.events)
    if (e.kind == ev::DeadLetter) dead_lettered = e.msg == 7 && e.text == "ActiveMQ.DLQ:poison_ack";
  CHECK(dead_lettered);
  REQUIRE(r.broker->queue("ActiveMQ.DLQ")->size() == 1);
  CHECK(r.broker->queue("ActiveMQ.DLQ")->front().msg.id == 7);
  CHECK(r.broker->queue("orders")->empty());
}

TEST_CASE("activemq: the RedeliveryPolicy's exponential back-off multiplies the delay and stops at its maximum") {
  ConsumerConfig::RedeliveryPolicy p;
  p.initial_redelivery_delay_s = 0.5;
  p.use_exponential_back_off = true;
  p.back_off_multiplier = 2;
  CHECK(p.delay(1) == Approx(0.5));
  CHECK(p.delay(2) == Approx(1.0));
  CHECK(p.delay(3) == Approx(2.0));
  p.maximum_redelivery_delay_s = 1.5;
  CHECK(p.delay(3) == Approx(1.5));
}

TEST_CASE("activemq: message groups go to one consumer each, and move when it goes away") {
  BrokerConfig cfg;
  QueueConfig q{"orders"};
  q.message_groups = true;
  cfg.queues = {q};
  Rig r(cfg);
  r.d->packet(kC1, Consume{"orders", 10, false, 1});
  r.d->packet(kC2, Consume{"orders", 10, false, 1});
  const Headers a = {{"JMSXGroupID", HeaderValue("A")}}, b = {{"JMSXGroupID", HeaderValue("B")}};
  r.publish(1, "", "orders", a);
  r.publish(2, "", "orders", b);
  r.publish(3, "", "orders", a);
  r.publish(4, "", "orders", a);
  r.publish(5, "", "orders", b);
  CHECK(r.delivered(kC1) == std::vector<MsgId>{1, 3, 4});
  CHECK(r.delivered(kC2) == std::vector<MsgId>{2, 5});
  // Without groups, round-robin would have given message 3 to c2.
  // c1 goes away holding group A's messages unacknowledged: they and the group move to c2.
  r.d->packet(kC1, Consume{"orders", 10, false, 2});  // a new connection closes the old one
  std::vector<bool> reassigned;
  for (const auto& e : r.d->rec.events)
    if (e.kind == ev::GroupAssigned) reassigned.push_back(e.flag);
  // A to c1, B to c2, then A again, to whoever took the requeued messages.
  REQUIRE(reassigned.size() == 3);
  CHECK(reassigned == std::vector<bool>{false, false, true});
  const auto again = r.delivered(kC1), to_c2 = r.delivered(kC2);
  // The group went to exactly one consumer, with its messages in order.
  CHECK(again.size() + to_c2.size() == 3);
  CHECK((again == std::vector<MsgId>{1, 3, 4} || to_c2 == std::vector<MsgId>{1, 3, 4}));
}

TEST_CASE("activemq: a group whose consumer is at its prefetch limit waits while other groups go on") {
  BrokerConfig cfg;
  QueueConfig q{"orders"};
  q.message_groups = true;
  cfg.queues = {q};
  Rig r(cfg);
  r.d->packet(kC1, Consume{"orders", 1, false, 1});
  r.d->packet(kC2, Consume{"orders", 1, false, 1});
  const Headers a = {{"JMSXGroupID", HeaderValue("A")}}, b = {{"JMSXGroupID", HeaderValue("B")}};
  r.publish(1, "", "orders", a);
  r.publish(2, "", "orders", a);
  r.publish(3, "", "orders", b);
  CHECK(r.delivered(kC1) == std::vector<MsgId>{1});
  CHECK(r.delivered(kC2) == std::vector<MsgId>{3});  // past message 2, which waits for c1
  r.d->packet(kC1, Ack{1, false, 1, 1});
  CHECK(r.delivered(kC1) == std::vector<MsgId>{2});
}
