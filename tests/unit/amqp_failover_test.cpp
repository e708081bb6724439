// Queue-model clients with a bootstrap list: the order in which they try brokers, the
// reconnect delay, and what they do with a broker they have left.
#include <algorithm>

#include <catch2/catch.hpp>

#include "amqp/consumer.hpp"
#include "amqp/producer.hpp"
#include "harness.hpp"
#include "amqp/broker.hpp"
#include "vocabulary/vocabulary.hpp"

using namespace bs;
using namespace bs::amqp;
using bs::test::Driver;

namespace {
constexpr NodeId kB1 = 0, kB2 = 1, kClient = 2;

ConsumerConfig consumer_config(double reconnect_s) {
  ConsumerConfig c;
  c.bootstrap = {kB1, kB2};
  c.bootstrap_names = {"b1", "b2"};
  c.reconnect_s = reconnect_s;
  c.queue = "orders";
  c.heartbeat_s = 1.0;
  c.processing.a = 0.1;
  return c;
}

/// Brokers that received a basic.consume, in order, with the time it was sent.
std::vector<std::pair<NodeId, std::uint32_t>> consumes(Driver& d) {
  std::vector<std::pair<NodeId, std::uint32_t>> out;
  std::vector<std::pair<NodeId, Packet>> rest;
  for (auto& [to, p] : d.sent) {
    if (auto* c = p.as<Consume>()) out.emplace_back(to, c->connection);
    else rest.emplace_back(to, std::move(p));
  }
  d.sent = std::move(rest);
  return out;
}
}  // namespace

TEST_CASE("failover: a consumer tries its bootstrap brokers in order, cycling, after the reconnect delay", "[queue][failover]") {
  Consumer c(consumer_config(0.5));
  Driver d(c, kClient);
  d.start();
  d.run_until(0);
  auto first = consumes(d);
  REQUIRE(first.size() == 1);
  CHECK(first[0].first == kB1);
  // b1 never answers: at the heartbeat tick after two silent intervals (3 s) the consumer
  // gives up on it, and only reconnect_s later does it ask b2.
  d.run_until(3.4);
  CHECK(consumes(d).empty());
  auto fo = d.rec.of(ev::Failover);
  REQUIRE(fo.size() == 1);
  CHECK(fo[0].t == Approx(3.0));
  CHECK(fo[0].peer == kB2);
  CHECK(fo[0].queue == "b1");
  CHECK(fo[0].text == "missed_heartbeats");
  CHECK(fo[0].seq == 1);
  d.run_until(3.5);
  auto second = consumes(d);
  REQUIRE(second.size() == 1);
  CHECK(second[0].first == kB2);
  CHECK(second[0].second == first[0].second + 1);  // a new connection
  // b2 is silent too: back to b1, the list cycles.
  d.run_until(10);
  auto later = consumes(d);
  REQUIRE(later.size() >= 1);
  CHECK(later[0].first == kB1);
  fo = d.rec.of(ev::Failover);
  REQUIRE(fo.size() >= 2);
  CHECK(fo[1].peer == kB1);
  CHECK(fo[1].queue == "b2");
  CHECK(fo[1].seq == 2);
}

TEST_CASE("failover: a broker without the queue answers 404 and the consumer moves on", "[queue][failover]") {
  Consumer c(consumer_config(0.25));
  Driver d(c, kClient);
  d.start();
  d.run_until(0);
  auto first = consumes(d);
  REQUIRE(first.size() == 1);
  d.now = 0.01;
  d.packet(kB1, ConnectionClose{first[0].second, kNotFound});
  auto fo = d.rec.of(ev::Failover);
  REQUIRE(fo.size() == 1);
  CHECK(fo[0].text == "not_found");
  CHECK(fo[0].peer == kB2);
  d.run_until(0.2);
  CHECK(consumes(d).empty());  // still waiting out the reconnect delay
  d.run_until(0.26);
  auto second = consumes(d);
  REQUIRE(second.size() == 1);
  CHECK(second[0].first == kB2);
  d.packet(kB2, ConsumeOk{second[0].second});
  CHECK(c.connected());
  CHECK(c.broker() == kB2);
  // Heartbeats from b1, which we left, do not keep the connection to b2 alive.
  for (double t = 1; t <= 4; t += 1) {
    d.run_until(t);
    d.packet(kB1, Heartbeat{});
  }
  CHECK(d.rec.of(ev::Failover).size() == 2);
}

TEST_CASE("failover: an ack for a delivery of the broker left goes back to that broker", "[queue][failover]") {
  ConsumerConfig cfg = consumer_config(0.5);
  cfg.processing.a = 3.2;  // message 7 is still in hand when b1 is given up
  Consumer c(cfg);
  Driver d(c, kClient);
  d.start();
  d.run_until(0);
  auto first = consumes(d);
  AmqpMessage m;
  m.id = 7;
  d.now = 0.01;
  d.packet(kB1, Deliver{m, "b1/orders", 1, false, first[0].second});
  d.run_until(3.0);
  REQUIRE(d.rec.of(ev::Failover).size() == 1);
  CHECK(d.take<Ack>().empty());
  // Processed at 3.21 s, during the reconnect wait: the ack goes to b1, on the old
  // connection (b1 answers connection.close if it is alive: the message was requeued).
  d.run_until(3.3);
  auto acks = d.take<Ack>(kB1);
  REQUIRE(acks.size() == 1);
  CHECK(acks[0].connection == first[0].second);
  CHECK(d.take<Ack>(kB2).empty());
  REQUIRE(d.rec.of(ev::Process).size() == 1);
  CHECK(d.rec.of(ev::Process)[0].queue == "b1/orders");
}

TEST_CASE("failover: a producer with recovery publishes only on an open connection and re-sends what the lost one left unconfirmed",
          "[queue][failover]") {
  ProducerConfig cfg;
  cfg.bootstrap = {kB1, kB2};
  cfg.bootstrap_names = {"b1", "b2"};
  cfg.recovery = true;
  cfg.reconnect_s = 0.5;
  cfg.routing_keys = {"orders"};
  cfg.count = 100;
  cfg.interval_s = 0.1;
  cfg.retry_s = 10;  // long: only the failover re-sends here
  Producer p(cfg);
  Driver d(p, kClient);
  d.start();
  auto opens = d.take<Open>(kB1);
  REQUIRE(opens.size() == 1);
  d.run_until(0.25);
  CHECK(d.take<Publish>().empty());  // no open-ok yet: the schedule waits
  d.packet(kB1, OpenOk{opens[0].connection});
  auto pubs = d.take<Publish>(kB1);
  REQUIRE(pubs.size() == 1);  // the batch that was due
  CHECK(pubs[0].seq == 1);
  d.run_until(0.95);
  pubs = d.take<Publish>(kB1);
  REQUIRE(pubs.size() == 7);  // 0.35 .. 0.95
  d.packet(kB1, Confirm{pubs[1].seq, true, true, pubs[1].msg.id});  // seqs 1..3 confirmed
  // b1 dies: the last heard was the confirm at 0.95; at 3 s it has been silent for two
  // intervals, publishing stops, and 0.5 s later the producer opens b2.
  d.run_until(3.0);
  auto fo = d.rec.of(ev::Failover);
  REQUIRE(fo.size() == 1);
  CHECK(fo[0].peer == kB2);
  CHECK_FALSE(p.connected());
  const auto lost_count = d.take<Publish>(kB1).size();  // published into the void before the producer knew
  CHECK(lost_count == 20);
  d.run_until(3.45);
  CHECK(d.take<Publish>().empty());
  CHECK(d.take<Open>(kB2).empty());
  d.run_until(3.5);
  auto open2 = d.take<Open>(kB2);
  REQUIRE(open2.size() == 1);
  CHECK(open2[0].connection == opens[0].connection + 1);
  d.packet(kB2, OpenOk{open2[0].connection});
  pubs = d.take<Publish>(kB2);
  // Unconfirmed on b1: 8 publishes up to 0.95 minus 3 confirmed, plus the 20 after; then
  // the batch that was waiting. The new channel numbers them from 1.
  REQUIRE(pubs.size() == 5 + 20 + 1);
  CHECK(pubs[0].seq == 1);
  CHECK(pubs[0].msg.id == 4);
  CHECK(pubs.back().seq == 26);
  // A late confirm from b1 (the broker left) is ignored.
  d.packet(kB1, Confirm{1, false, true, 0});
  CHECK(d.rec.of(ev::Confirm).size() == 3);
}

TEST_CASE("failover: a broker names a queue by its trace name in events and deliveries", "[queue][failover][broker]") {
  BrokerConfig cfg;
  QueueConfig q;
  q.name = "orders";
  q.trace_name = "b1/orders";
  cfg.queues.push_back(q);
  QueueBroker b(cfg);
  Driver d(b, kB1);
  d.start();
  d.packet(kClient, Consume{"orders", 1, false, 1});
  AmqpMessage m;
  m.id = 1;
  m.key = "orders";
  d.packet(3, Publish{m, 1, false, true});
  auto del = d.take<Deliver>(kClient);
  REQUIRE(del.size() == 1);
  CHECK(del[0].queue == "b1/orders");
  for (EventKind k : {ev::ConsumerUp, ev::Enqueue, ev::Deliver}) {
    auto ev = d.rec.of(k);
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].queue == "b1/orders");
  }
  // basic.consume on a queue this broker does not hold: 404 NOT_FOUND.
  d.packet(4, Consume{"payments", 1, false, 1});
  auto close = d.take<ConnectionClose>(4);
  REQUIRE(close.size() == 1);
  CHECK(close[0].reply_code == kNotFound);
}

TEST_CASE("failover: a broker heartbeats a publisher that opened its connection, and forgets it when silent",
          "[queue][failover][broker]") {
  BrokerConfig cfg;
  cfg.queues.push_back(QueueConfig{"q"});
  cfg.heartbeat_s = 1.0;
  QueueBroker b(cfg);
  Driver d(b, kB1);
  d.start();
  d.packet(kClient, Open{5});
  auto ok = d.take<OpenOk>(kClient);
  REQUIRE(ok.size() == 1);
  CHECK(ok[0].connection == 5);
  // An implicit publisher connection (a publish without connection.open) gets no heartbeats.
  AmqpMessage m;
  m.id = 1;
  m.key = "q";
  d.packet(3, Publish{m, 1, false, false});
  d.run_until(1.0);
  CHECK(d.take<Heartbeat>(kClient).size() == 1);
  CHECK(d.take<Heartbeat>(3).empty());
  d.run_until(3.0);
  auto lost = d.rec.of(ev::ConnectionLost);
  REQUIRE(lost.size() == 1);
  CHECK(lost[0].peer == kClient);
  CHECK(lost[0].text == "missed_heartbeats");
}
