// ActiveMQ Classic transacted sessions (SESSION_TRANSACTED), driven by hand: a consumer's
// commit acknowledges its transaction's messages together, a rollback redelivers them all
// and ends in one poison ack for all of them; a producer's sends reach the queue only at
// commit, a rollback or a dead producer discards them; the checker counts those as
// rolled back, never as lost (docs/activemq.md).
#include <algorithm>
#include <memory>

#include <catch2/catch.hpp>

#include "activemq/events.hpp"
#include "amqp/broker.hpp"
#include "amqp/consumer.hpp"
#include "amqp/producer.hpp"
#include "check/checker.hpp"
#include "harness.hpp"
#include "vocabulary/vocabulary.hpp"

using namespace bs;
using namespace bs::amqp;
using bs::test::Driver;

namespace {
constexpr NodeId kB = 0, kP = 1, kC = 2;

/// A transacted consumer of "orders": commits every 3 messages, 0.1 s of work each;
/// onMessage fails on JMSType "poison"; maximumRedeliveries 1, 1 s apart.
ConsumerConfig transacted_consumer() {
  ConsumerConfig c;
  c.broker = kB;
  c.queue = "orders";
  c.prefetch = 10;
  c.processing.a = 0.1;
  c.transacted = true;
  c.commit_every = 3;
  c.receive_timeout_s = 1.0;
  c.redelivery.enabled = true;
  c.redelivery.maximum_redeliveries = 1;
  c.redelivery.initial_redelivery_delay_s = 1.0;
  c.redelivery.redelivery_delay_s = 1.0;
  c.fail_keys = {"poison"};
  return c;
}

Deliver order(MsgId id, std::uint64_t tag, const char* type = "order") {
  AmqpMessage m;
  m.id = id;
  m.producer = kP;
  m.headers = {{"JMSType", HeaderValue(type)}};
  return Deliver{m, "orders", tag, false, 1};
}

std::vector<MsgId> events_of(const Driver& d, EventKind k) {
  std::vector<MsgId> out;
  for (const auto& e : d.rec.events)
    if (e.kind == k) out.push_back(e.msg);
  return out;
}

const Event* last_of(const Driver& d, EventKind k) {
  const Event* out = nullptr;
  for (const auto& e : d.rec.events)
    if (e.kind == k) out = &e;
  return out;
}

/// A broker with queue "orders" and a transacted producer's publish of message `id`.
BrokerConfig orders_broker() {
  BrokerConfig cfg;
  cfg.heartbeat_s = 1.0;
  QueueConfig q{"orders"};
  q.durable = true;
  cfg.queues = {q};
  return cfg;
}
Publish sent_in(MsgId id, std::uint64_t transaction) {
  AmqpMessage m;
  m.id = id;
  m.producer = kP;
  m.key = "orders";
  m.persistent = true;
  return Publish{m, id, false, true, transaction};
}
}  // namespace

TEST_CASE("activemq transactions: a consumer's commit acknowledges the transaction's messages together") {
  Consumer consumer(transacted_consumer());
  Driver d(consumer, kC);
  d.start();
  d.run_until(0);
  d.packet(kB, ConsumeOk{1});
  for (std::uint64_t i = 1; i <= 4; ++i) d.packet(kB, order(i, i));
  d.run_until(0.25);
  // Two processed, nothing final yet: no process event and no acknowledgement.
  CHECK(events_of(d, ev::Process).empty());
  CHECK(d.take<Ack>(kB).empty());
  d.run_until(0.35);
  // The third message ends the transaction: one ack of the range 1..3.
  CHECK(events_of(d, ev::Process) == std::vector<MsgId>{1, 2, 3});
  const auto acks = d.take<Ack>(kB);
  REQUIRE(acks.size() == 1);
  CHECK(acks[0].tag == 3);
  CHECK(acks[0].multiple);
  const Event* c = last_of(d, ev::TxCommit);
  REQUIRE(c);
  CHECK(c->seq == 3);
  // Message 4 is alone in the next transaction, processed at 0.4 s: receive(1 s) finds
  // nothing more, so the application commits it at 1.4 s.
  d.run_until(1.35);
  CHECK(d.take<Ack>(kB).empty());
  d.run_until(1.45);
  const auto late = d.take<Ack>(kB);
  REQUIRE(late.size() == 1);
  CHECK(late[0].tag == 4);
  CHECK_FALSE(late[0].multiple);
  CHECK(events_of(d, ev::Process) == std::vector<MsgId>{1, 2, 3, 4});
}

TEST_CASE("activemq transactions: a rollback redelivers every message of the transaction, then poison-acks them all") {
  Consumer consumer(transacted_consumer());
  Driver d(consumer, kC);
  d.start();
  d.run_until(0);
  d.packet(kB, ConsumeOk{1});
  d.packet(kB, order(1, 1));
  d.packet(kB, order(2, 2, "poison"));
  d.packet(kB, order(3, 3));
  // 1 is fine, 2 fails at 0.2 s: the application rolls back; message 3 was never in it.
  d.run_until(0.25);
  const Event* rb = last_of(d, ev::TxRollback);
  REQUIRE(rb);
  CHECK(rb->seq == 2);
  CHECK(rb->text == "onMessage_failed");
  // Nothing is delivered for the redelivery delay (1 s).
  d.run_until(1.15);
  CHECK(events_of(d, ev::ClientRedelivery).empty());
  d.run_until(1.25);
  CHECK(events_of(d, ev::ClientRedelivery) == std::vector<MsgId>{1, 2});
  for (const auto& e : d.rec.events)
    if (e.kind == ev::ClientRedelivery) CHECK(e.seq == 1);
  // 1 again, then 2 fails again at 1.4 s: its counter (2) passes maximumRedeliveries (1),
  // so the rollback sends the poison ack for both, the good message with the bad one.
  d.run_until(1.45);
  const auto nacks = d.take<Nack>(kB);
  REQUIRE(nacks.size() == 2);
  CHECK(nacks[0].tag == 1);
  CHECK(nacks[1].tag == 2);
  for (const auto& n : nacks) CHECK((n.poison && !n.requeue));
  CHECK(last_of(d, ev::TxRollback)->text == "poison_ack");
  CHECK(events_of(d, ev::Process).empty());  // nothing of it was ever committed
  // Message 3 starts a new transaction at once, committed when the session runs dry.
  d.run_until(2.6);
  CHECK(events_of(d, ev::Process) == std::vector<MsgId>{3});
  CHECK(d.take<Ack>(kB).size() == 1);
}

TEST_CASE("activemq transactions: a consumer that crashes before commit acknowledges nothing and the broker redelivers") {
  Consumer consumer(transacted_consumer());
  Driver d(consumer, kC);
  d.start();
  d.run_until(0);
  d.packet(kB, ConsumeOk{1});
  d.packet(kB, order(1, 1));
  d.packet(kB, order(2, 2));
  d.run_until(0.25);
  d.crash();
  d.timers.clear();  // a crashed process's timers die with it
  d.start();
  d.run_until(3.0);
  CHECK(d.take<Ack>(kB).empty());
  CHECK(events_of(d, ev::Process).empty());
  CHECK(events_of(d, ev::TxCommit).empty());

  // The broker's side: the dead consumer's transaction is requeued and redelivered.
  QueueBroker broker(orders_broker());
  Driver b(broker, kB);
  b.start();
  b.packet(kC, Consume{"orders", 10, false, 1});
  Publish p = sent_in(1, 0);
  b.packet(kP, p);
  REQUIRE(b.take<Deliver>(kC).size() == 1);
  b.run_until(3.0);  // two heartbeats of silence: the consumer is gone
  CHECK(events_of(b, ev::Requeue) == std::vector<MsgId>{1});
  b.packet(kC, Consume{"orders", 10, false, 2});
  const auto again = b.take<Deliver>(kC);
  REQUIRE(again.size() == 1);
  CHECK(again[0].redelivered);
}

TEST_CASE("activemq transactions: a producer's sends reach the queue only at commit and a rollback discards them") {
  QueueBroker broker(orders_broker());
  Driver b(broker, kB);
  b.start();
  b.packet(kP, sent_in(1, 1));
  b.packet(kP, sent_in(2, 1));
  CHECK(broker.queue("orders")->empty());
  CHECK(broker.held_in_transaction(kP) == 2);
  CHECK(b.take<Confirm>(kP).empty());
  b.packet(kP, TransactionEnd{1, false, 0});
  CHECK(events_of(b, ev::TxDiscarded) == std::vector<MsgId>{1, 2});
  CHECK(broker.held_in_transaction(kP) == 0);
  CHECK(broker.queue("orders")->empty());
  b.packet(kP, sent_in(3, 2));
  b.packet(kP, TransactionEnd{2, true, 0});
  REQUIRE(broker.queue("orders")->size() == 1);
  CHECK(broker.queue("orders")->front().msg.id == 3);
  const auto ok = b.take<TransactionEndOk>(kP);
  REQUIRE(ok.size() == 1);
  CHECK(ok[0].ok);
}

TEST_CASE("activemq transactions: a producer that dies before commit: its transaction is discarded, the commit fails") {
  QueueBroker broker(orders_broker());
  Driver b(broker, kB);
  b.start();
  b.packet(kP, Open{1});
  b.packet(kP, sent_in(1, 1));
  b.run_until(3.0);  // silent for two heartbeat intervals
  CHECK(events_of(b, ev::TxDiscarded) == std::vector<MsgId>{1});
  const Event* e = last_of(b, ev::TxDiscarded);
  CHECK(e->text == "connection_lost");
  b.packet(kP, TransactionEnd{1, true, 1});  // too late
  const auto ok = b.take<TransactionEndOk>(kP);
  REQUIRE(ok.size() == 1);
  CHECK_FALSE(ok[0].ok);
  CHECK(broker.queue("orders")->empty());
}

TEST_CASE("activemq transactions: a producer sends in transactions of commitEvery and rolls back the ones it is told to") {
  ProducerConfig c;
  c.broker = kB;
  c.routing_keys = {"orders"};
  c.count = 4;
  c.batch = 4;
  c.confirm = true;
  c.transacted = true;
  c.commit_every = 2;
  c.rollback_transactions = {1};
  Producer producer(c);
  Driver d(producer, kP);
  d.start();
  d.run_until(0);
  const auto pubs = d.take<Publish>(kB);
  REQUIRE(pubs.size() == 4);
  CHECK(pubs[0].transaction == 1);
  CHECK(pubs[3].transaction == 2);
  const auto ends = d.take<TransactionEnd>(kB);
  REQUIRE(ends.size() == 2);
  CHECK_FALSE(ends[0].commit);
  CHECK(ends[1].commit);
  CHECK(producer.unconfirmed() == 2);  // the rolled-back ones are not awaited
  d.packet(kB, TransactionEndOk{2, true});
  CHECK(producer.unconfirmed() == 0);
  std::vector<MsgId> confirmed = events_of(d, ev::Confirm);
  CHECK(confirmed == std::vector<MsgId>{pubs[2].msg.id, pubs[3].msg.id});
}

TEST_CASE("activemq transactions: the checker counts discarded sends as rolled back, not lost or unconfirmed") {
  Checker checker{{"b1", "p1", "c1"}};
  double t = 0;
  auto emit = [&](Event e) {
    e.t = t += 0.001;
    checker.on_event(e);
  };
  // Message 1 sent in a transaction, then the producer crashes before commit.
  emit(Event{.kind = ev::Publish, .node = kP, .msg = 1, .peer = kB, .seq = 1});
  emit(Event{.kind = ev::Crash, .node = kP});
  emit(Event{.kind = ev::TxDiscarded, .node = kB, .msg = 1, .peer = kP, .tag = 1, .text = "connection_lost"});
  // Message 2 committed and processed.
  emit(Event{.kind = ev::Publish, .node = kP, .msg = 2, .peer = kB, .seq = 1});
  emit(Event{.kind = ev::Enqueue, .node = kB, .msg = 2, .queue = "orders", .seq = 1});
  emit(Event{.kind = ev::Confirm, .node = kP, .msg = 2, .peer = kB, .seq = 1, .flag = true});
  emit(Event{.kind = ev::TxCommit, .node = kP, .peer = kB, .queue = "orders", .tag = 2, .seq = 1});
  const Totals tt = checker.totals();
  CHECK(tt.published == 2);
  CHECK(tt.rolled_back == 1);
  CHECK(tt.lost == 0);
  CHECK(tt.unconfirmed == 0);
  CHECK(tt.pending == 1);  // message 2 waits in the queue
  CHECK(tt.session_commits == 1);
  double v = -1;
  REQUIRE(total_by_name(tt, "rolled_back", v));
  CHECK(v == 1);
}
