// The lease model's service driven by hand: visibility timeouts, redrive, FIFO groups,
// deduplication, late settles, sessions, and topics with filter policies.
#include <catch2/catch.hpp>

#include "harness.hpp"
#include "lease/service.hpp"
#include "vocabulary/vocabulary.hpp"

using namespace bs;
using namespace bs::lease;
using bs::test::Driver;

namespace {
constexpr NodeId kSvc = 0, kP = 1, kW1 = 2, kW2 = 3;
enum : std::uint32_t { kLeaseDue = 1 };

QueueConfig queue(std::string name, double lease_s = 2) {
  QueueConfig q;
  q.name = std::move(name);
  q.lease_s = lease_s;
  return q;
}

LeaseMessage msg(MsgId id, std::string group = "", std::string dedup = "") {
  LeaseMessage m;
  m.base.id = id;
  m.base.producer = kP;
  m.group = std::move(group);
  m.deduplication_id = std::move(dedup);
  return m;
}

void send(Driver& d, const std::string& dest, LeaseMessage m, std::uint64_t seq = 1) {
  d.packet(kP, Send{System::Sqs, std::move(m), dest, seq});
}

/// The messages a short receive by `who` got, in order.
std::vector<Leased> receive(Driver& d, NodeId who, const std::string& q, std::uint32_t max = 10) {
  d.sent.clear();
  d.packet(who, Receive{System::Sqs, q, max, 0, 1, false});
  std::vector<Leased> out;
  for (const auto& r : d.take<Received>(who))
    if (r.count) out.push_back(r.leased);
  return out;
}
/// A started service and the driver around it.
struct Booted {
  Service s;
  Driver d;
  explicit Booted(const ServiceConfig& cfg) : s(cfg), d(s, kSvc) { d.start(); }
};

std::vector<MsgId> ids(const std::vector<Leased>& v) {
  std::vector<MsgId> out;
  for (const auto& l : v) out.push_back(l.msg.base.id);
  return out;
}
}  // namespace

TEST_CASE("SQS: a message not deleted within its visibility timeout is received again, with a higher receive count",
          "[lease][sqs]") {
  ServiceConfig cfg;
  cfg.queues = {queue("jobs", 2)};
  Booted booted(cfg);
  auto& [s, d] = booted;
  send(d, "jobs", msg(1));
  auto first = receive(d, kW1, "jobs");
  REQUIRE(ids(first) == std::vector<MsgId>{1});
  CHECK(receive(d, kW2, "jobs").empty());  // invisible to everyone else meanwhile
  d.run_until(2.0);
  auto again = receive(d, kW2, "jobs");
  REQUIRE(ids(again) == std::vector<MsgId>{1});
  CHECK(again[0].receive_count == 2);
  REQUIRE(d.rec.of(ev::Requeue).size() == 1);
  CHECK(d.rec.of(ev::Requeue)[0].text == "visibility_timeout");
  // The first receiver's DeleteMessage carries a receipt handle that is no longer the latest.
  d.packet(kW1, Settle{System::Sqs, "jobs", first[0].receipt, 1});
  CHECK(d.rec.of(ev::Ack).empty());
  CHECK(d.rec.of(ev::LateSettle).size() == 1);
  CHECK(s.depth("jobs") == 1);
  d.packet(kW2, Settle{System::Sqs, "jobs", again[0].receipt, 1});
  CHECK(s.depth("jobs") == 0);
}

TEST_CASE("SQS: ChangeMessageVisibility keeps a message hidden past its original timeout", "[lease][sqs]") {
  ServiceConfig cfg;
  cfg.queues = {queue("jobs", 2)};
  Booted booted(cfg);
  auto& [s, d] = booted;
  send(d, "jobs", msg(1));
  auto got = receive(d, kW1, "jobs");
  d.run_until(1.5);
  d.packet(kW1, Extend{System::Sqs, "jobs", got[0].receipt, 1, 5});
  d.run_until(6.0);
  CHECK(receive(d, kW2, "jobs").empty());
  d.run_until(6.6);  // 1.5 + 5
  CHECK(ids(receive(d, kW2, "jobs")) == std::vector<MsgId>{1});
}

TEST_CASE("SQS: a redrive policy moves a message to the dead-letter queue after maxReceiveCount receives",
          "[lease][sqs]") {
  ServiceConfig cfg;
  QueueConfig q = queue("orders", 1);
  q.max_receive_count = 3;
  q.dead_letter = "orders-dlq";
  cfg.queues = {q, queue("orders-dlq")};
  Booted booted(cfg);
  auto& [s, d] = booted;
  send(d, "orders", msg(7));
  for (int i = 0; i < 3; ++i) {
    CHECK(ids(receive(d, kW1, "orders")) == std::vector<MsgId>{7});
    d.run_until(d.now + 1.0);
  }
  CHECK(receive(d, kW1, "orders").empty());
  CHECK(s.depth("orders-dlq") == 1);
  REQUIRE(d.rec.of(ev::DeadLetter).size() == 1);
  CHECK(d.rec.of(ev::DeadLetter)[0].text == "orders-dlq");
}

TEST_CASE("SQS FIFO: a group with a message in flight gives out nothing else of that group", "[lease][sqs][fifo]") {
  ServiceConfig cfg;
  QueueConfig q = queue("pay.fifo", 30);
  q.fifo = true;
  cfg.queues = {q};
  Booted booted(cfg);
  auto& [s, d] = booted;
  send(d, "pay.fifo", msg(1, "alice"));
  send(d, "pay.fifo", msg(2, "alice"));
  send(d, "pay.fifo", msg(3, "bob"));
  auto a = receive(d, kW1, "pay.fifo", 1);
  CHECK(ids(a) == std::vector<MsgId>{1});
  // w2 gets bob's message, not alice's second one.
  CHECK(ids(receive(d, kW2, "pay.fifo", 10)) == std::vector<MsgId>{3});
  d.packet(kW1, Settle{System::Sqs, "pay.fifo", a[0].receipt, 1});
  CHECK(ids(receive(d, kW2, "pay.fifo", 10)) == std::vector<MsgId>{2});
}

TEST_CASE("SQS FIFO: one receive may return several messages of one group, in order", "[lease][sqs][fifo]") {
  ServiceConfig cfg;
  QueueConfig q = queue("pay.fifo", 30);
  q.fifo = true;
  cfg.queues = {q};
  Booted booted(cfg);
  auto& [s, d] = booted;
  for (MsgId i = 1; i <= 3; ++i) send(d, "pay.fifo", msg(i, "alice"));
  CHECK(ids(receive(d, kW1, "pay.fifo", 10)) == std::vector<MsgId>{1, 2, 3});
}

TEST_CASE("SQS FIFO: a deduplication id seen within 5 minutes is accepted and not stored again", "[lease][sqs][fifo]") {
  ServiceConfig cfg;
  QueueConfig q = queue("pay.fifo", 30);
  q.fifo = true;
  q.dedup_window_s = 300;
  cfg.queues = {q};
  Booted booted(cfg);
  auto& [s, d] = booted;
  send(d, "pay.fifo", msg(1, "alice", "m1"), 1);
  send(d, "pay.fifo", msg(1, "alice", "m1"), 2);
  CHECK(s.depth("pay.fifo") == 1);
  CHECK(d.rec.of(ev::Deduplicated).size() == 1);
  auto results = d.take<SendResult>(kP);
  REQUIRE(results.size() == 2);
  CHECK(results[1].ok);  // the retry is told it succeeded
  d.now = 301;
  send(d, "pay.fifo", msg(1, "alice", "m1"), 3);
  CHECK(s.depth("pay.fifo") == 2);  // after the interval it is a new message
}

TEST_CASE("Service Bus refuses Complete after the lock expired (MessageLockLost), SQS deletes with the latest receipt",
          "[lease][servicebus]") {
  for (const bool late_ok : {false, true}) {
    ServiceConfig cfg;
    cfg.system = late_ok ? System::Sqs : System::ServiceBus;
    QueueConfig q = queue("q", 5);
    q.late_settle_ok = late_ok;
    cfg.queues = {q};
    Service s(cfg);
    Driver d(s, kSvc);
    d.start();
    send(d, "q", msg(1));
    auto got = receive(d, kW1, "q");
    d.run_until(6);
    d.packet(kW1, Settle{cfg.system, "q", got[0].receipt, 1});
    CHECK(s.depth("q") == (late_ok ? 0u : 1u));
    CHECK(d.rec.of(ev::LateSettle).size() == (late_ok ? 0u : 1u));
  }
}

TEST_CASE("Service Bus sessions: a session's messages go to the receiver holding it", "[lease][servicebus]") {
  ServiceConfig cfg;
  cfg.system = System::ServiceBus;
  QueueConfig q = queue("orders", 30);
  q.sessions = true;
  cfg.queues = {q};
  Booted booted(cfg);
  auto& [s, d] = booted;
  send(d, "orders", msg(1, "alice"));
  send(d, "orders", msg(2, "bob"));
  send(d, "orders", msg(3, "alice"));
  CHECK(ids(receive(d, kW1, "orders", 1)) == std::vector<MsgId>{1});
  CHECK(ids(receive(d, kW2, "orders", 10)) == std::vector<MsgId>{2});  // bob's session, not alice's
  CHECK(ids(receive(d, kW1, "orders", 10)) == std::vector<MsgId>{3});  // w1 keeps alice
}

TEST_CASE("Service Bus ReceiveAndDelete: the message leaves the queue as it is handed out", "[lease][servicebus]") {
  ServiceConfig cfg;
  cfg.system = System::ServiceBus;
  cfg.queues = {queue("q", 30)};
  Booted booted(cfg);
  auto& [s, d] = booted;
  send(d, "q", msg(1));
  d.packet(kW1, Receive{System::ServiceBus, "q", 1, 0, 1, true});
  CHECK(s.depth("q") == 0);
  REQUIRE(d.rec.of(ev::Deliver).size() == 1);
  CHECK(d.rec.of(ev::Deliver)[0].text == "receive_and_delete");
}

TEST_CASE("SNS: a topic stores a copy in each queue whose filter policy matches", "[lease][sns]") {
  ServiceConfig cfg;
  cfg.queues = {queue("all"), queue("placed")};
  TopicConfig t;
  t.name = "orders";
  TopicConfig::Subscription everything{"all", {}, true};
  TopicConfig::Subscription placed{"placed", {}, true};
  Condition c;
  c.text = "placed";
  placed.filter.keys.emplace_back("event_type", std::vector<Condition>{c});
  t.subscriptions = {everything, placed};
  cfg.topics = {t};
  Booted booted(cfg);
  auto& [s, d] = booted;
  LeaseMessage a = msg(1), b = msg(2);
  a.attributes = {{"event_type", "placed", false}};
  b.attributes = {{"event_type", "paid", false}};
  send(d, "orders", a);
  send(d, "orders", b);
  CHECK(s.depth("all") == 2);
  CHECK(s.depth("placed") == 1);
  CHECK(d.rec.of(ev::Filtered).size() == 1);
}

TEST_CASE("SNS filter policy conditions: prefix, anything-but, numeric range, exists", "[lease][sns]") {
  using K = Condition::Kind;
  Condition prefix{K::Prefix, "eu-"};
  Condition but{K::AnythingBut};
  but.values = {"test"};
  Condition range{K::Numeric};
  range.range = {{">=", 100}, {"<", 500}};
  Condition absent{K::Exists};
  absent.exists = false;
  const Attribute eu{"region", "eu-west", false}, us{"region", "us-east", false};
  const Attribute big{"total", "250", true}, huge{"total", "900", true}, text_total{"total", "250", false};
  CHECK(prefix.matches(&eu));
  CHECK_FALSE(prefix.matches(&us));
  CHECK_FALSE(prefix.matches(nullptr));
  CHECK(but.matches(&eu));
  CHECK_FALSE(but.matches(nullptr));  // anything-but needs the attribute
  CHECK(range.matches(&big));
  CHECK_FALSE(range.matches(&huge));
  CHECK_FALSE(range.matches(&text_total));  // a String attribute never matches a numeric condition
  CHECK(absent.matches(nullptr));
  CHECK_FALSE(absent.matches(&eu));
}

TEST_CASE("Service Bus DeadLetter moves a received message to the dead-letter sub-queue at once", "[lease][servicebus]") {
  ServiceConfig cfg;
  cfg.system = System::ServiceBus;
  QueueConfig q = queue("q", 30);
  q.dead_letter = "q/$DeadLetterQueue";
  cfg.queues = {q, queue("q/$DeadLetterQueue")};
  Booted booted(cfg);
  auto& [s, d] = booted;
  send(d, "q", msg(1));
  auto got = receive(d, kW1, "q");
  d.packet(kW1, Settle{System::ServiceBus, "q", got[0].receipt, 1, Settle::How::DeadLetter});
  CHECK(s.depth("q") == 0);
  CHECK(s.depth("q/$DeadLetterQueue") == 1);
  CHECK(d.rec.of(ev::DeadLetter).size() == 1);
  CHECK(d.rec.of(ev::Ack).empty());
}

TEST_CASE("Pub/Sub Seek to a time redelivers retained acknowledged messages received after it", "[lease][pubsub]") {
  ServiceConfig cfg;
  cfg.system = System::PubSub;
  QueueConfig q = queue("billing", 10);
  q.retain_acked = true;
  cfg.queues = {q};
  cfg.seeks = {SeekConfig{5, "billing", 1.5}};
  Booted booted(cfg);
  auto& [s, d] = booted;
  for (MsgId i = 1; i <= 3; ++i) {
    d.now = static_cast<double>(i);  // stored at 1, 2 and 3 s
    send(d, "billing", msg(i));
    auto got = receive(d, kW1, "billing");
    d.packet(kW1, Settle{System::PubSub, "billing", got[0].receipt, i});
  }
  CHECK(s.depth("billing") == 0);
  d.run_until(5);
  CHECK(ids(receive(d, kW1, "billing")) == std::vector<MsgId>{2, 3});
  REQUIRE(d.rec.of(ev::LeaseSeek).size() == 1);
  CHECK(d.rec.of(ev::LeaseSeek)[0].tag == 2);
}

TEST_CASE("Service Bus Defer sets a message aside: no receive gets it, a receive by sequence number does", "[lease][servicebus]") {
  ServiceConfig cfg;
  cfg.system = System::ServiceBus;
  cfg.queues = {queue("q", 30)};
  Booted booted(cfg);
  auto& [s, d] = booted;
  send(d, "q", msg(1));
  send(d, "q", msg(2), 2);
  auto got = receive(d, kW1, "q", 1);
  REQUIRE(ids(got) == std::vector<MsgId>{1});
  d.packet(kW1, Settle{System::ServiceBus, "q", got[0].receipt, 1, Settle::How::Defer});
  REQUIRE(d.rec.of(ev::LeaseDeferred).size() == 1);
  CHECK(s.depth("q") == 2);                                   // still in the queue
  auto second = receive(d, kW2, "q");
  CHECK(ids(second) == std::vector<MsgId>{2});  // but set aside
  CHECK(receive(d, kW2, "q").empty());
  d.packet(kW2, Settle{System::ServiceBus, "q", second[0].receipt, 2});
  d.run_until(60);  // neither its lock nor anything else brings it back
  CHECK(receive(d, kW2, "q").empty());
  d.sent.clear();
  d.packet(kW1, ReceiveDeferred{System::ServiceBus, "q", {got[0].sequence_number, 99}});
  auto back = d.take<Received>(kW1);
  REQUIRE(back.size() == 1);  // 99 names no deferred message
  CHECK(back[0].deferred);
  CHECK(back[0].leased.msg.base.id == 1);
  CHECK(back[0].leased.receive_count == 1);  // deferring does not raise DeliveryCount
  d.packet(kW1, Settle{System::ServiceBus, "q", back[0].leased.receipt, 1});
  CHECK(s.depth("q") == 0);
}

TEST_CASE("Service Bus: a deferred message received by sequence number and abandoned stays deferred", "[lease][servicebus]") {
  ServiceConfig cfg;
  cfg.system = System::ServiceBus;
  cfg.queues = {queue("q", 30)};
  Booted booted(cfg);
  auto& [s, d] = booted;
  send(d, "q", msg(1));
  auto got = receive(d, kW1, "q");
  d.packet(kW1, Settle{System::ServiceBus, "q", got[0].receipt, 1, Settle::How::Defer});
  d.sent.clear();
  d.packet(kW1, ReceiveDeferred{System::ServiceBus, "q", {got[0].sequence_number}});
  auto back = d.take<Received>(kW1);
  REQUIRE(back.size() == 1);
  d.packet(kW1, Extend{System::ServiceBus, "q", back[0].leased.receipt, 1, 0});  // Abandon
  CHECK(d.rec.of(ev::LeaseDeferred).size() == 2);
  CHECK(d.rec.of(ev::Requeue).empty());
  CHECK(receive(d, kW2, "q").empty());
}

TEST_CASE("Pub/Sub Seek to a snapshot replays what was unacknowledged at its creation, without retained messages",
          "[lease][pubsub]") {
  ServiceConfig cfg;
  cfg.system = System::PubSub;
  cfg.queues = {queue("billing", 10)};  // retain_acked_messages off
  cfg.snapshots = {SnapshotConfig{"before", "billing", 2.5}};
  cfg.seeks = {SeekConfig{10, "billing", 0, "before"}};
  Booted booted(cfg);
  auto& [s, d] = booted;
  auto& driver = d;  // clang 14 cannot capture a structured binding in a lambda
  const auto publish = [&](MsgId i) {
    driver.now = static_cast<double>(i);  // published at i s
    send(driver, "billing", msg(i), i);
  };
  publish(1);
  publish(2);
  // By the snapshot at 2.5 s message 1 was acknowledged, 2 was not; 3 and 4 come after.
  d.now = 2.2;
  auto first = receive(d, kW1, "billing", 1);
  REQUIRE(ids(first) == std::vector<MsgId>{1});
  d.packet(kW1, Settle{System::PubSub, "billing", first[0].receipt, 1});
  d.run_until(2.5);
  publish(3);
  publish(4);
  REQUIRE(d.rec.of(ev::LeaseSnapshot).size() == 1);
  d.now = 5;
  for (const auto& l : receive(d, kW1, "billing"))
    d.packet(kW1, Settle{System::PubSub, "billing", l.receipt, l.msg.base.id});
  CHECK(s.depth("billing") == 0);
  d.run_until(10);
  CHECK(ids(receive(d, kW1, "billing")) == std::vector<MsgId>{2, 3, 4});
  REQUIRE(d.rec.of(ev::LeaseSeek).size() == 1);
  CHECK(d.rec.of(ev::LeaseSeek)[0].tag == 3);
  CHECK(d.rec.of(ev::LeaseSeek)[0].text == "before");
}
