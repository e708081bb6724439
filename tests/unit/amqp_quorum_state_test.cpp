// QuorumState, the replicated state machine of a quorum queue (RabbitMQ's rabbit_fifo),
// fed commands by hand with a recording sink: the rules a user of a quorum queue sees.
#include <string>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>

#include "amqp/events.hpp"
#include "amqp/quorum_state.hpp"

using namespace bs;
using namespace bs::amqp;

namespace {
constexpr NodeId kOrigin = 10;  // the node whose channel issues the commands
constexpr NodeId kVia = 10;     // the node relaying the consumers
constexpr NodeId kC1 = 2, kC2 = 3, kC3 = 4;

/// Everything a QuorumState tells its host.
struct FakeSink : QuorumSink {
  struct Delivery {
    NodeId consumer;
    std::uint64_t tag;
    MsgId msg;
    bool redelivered;
    std::uint32_t returns;
    bool resend;
    bool operator==(const Delivery&) const = default;
  };
  std::vector<Delivery> deliveries;
  std::vector<std::tuple<NodeId, std::uint64_t, std::uint64_t>> applied_;  // (origin, incarnation, seq)
  std::vector<Event> events;
  std::vector<std::pair<MsgId, std::string>> dead;  // (message, reason)
  std::vector<NodeId> attached_;

  void deliver(NodeId consumer, NodeId, std::uint32_t, std::uint64_t tag, const QueuedMessage& qm, bool, bool resend) override {
    deliveries.push_back(Delivery{consumer, tag, qm.msg.id, qm.redelivered, qm.returns, resend});
  }
  void attached(NodeId consumer, NodeId, std::uint32_t, std::uint32_t, bool) override { attached_.push_back(consumer); }
  void applied(NodeId origin, std::uint64_t incarnation, std::uint64_t seq) override {
    applied_.emplace_back(origin, incarnation, seq);
  }
  void event(Event e) override { events.push_back(std::move(e)); }
  void dead_letter(const AmqpMessage& m, const char* reason) override { dead.emplace_back(m.id, reason); }

  /// Message ids delivered to `c` (all consumers when kNoNode), then forgotten.
  std::vector<MsgId> take(NodeId c = kNoNode) {
    std::vector<MsgId> out;
    std::vector<Delivery> rest;
    for (const auto& d : deliveries) {
      if (c == kNoNode || d.consumer == c) out.push_back(d.msg);
      else rest.push_back(d);
    }
    deliveries = std::move(rest);
    return out;
  }
  std::size_t count(EventKind k) const {
    std::size_t n = 0;
    for (const auto& e : events) n += e.kind == k;
    return n;
  }
};

/// One origin's channel: numbers its commands 1, 2, ... and applies them to a state.
struct Channel {
  QuorumState& qs;
  FakeSink& sink;
  NodeId origin = kOrigin;
  std::uint64_t incarnation = 1;
  std::uint64_t seq = 0;

  QuorumOp op(QuorumOp::Kind k) {
    QuorumOp o;
    o.kind = k;
    o.origin = origin;
    o.incarnation = incarnation;
    o.seq = ++seq;
    return o;
  }
  void run(const QuorumOp& o) { qs.apply(o, sink); }
  QuorumOp enqueue(MsgId id) {
    QuorumOp o = op(QuorumOp::Kind::Enqueue);
    o.msg.id = id;
    o.msg.key = "q";
    run(o);
    return o;
  }
  void attach(NodeId c, std::uint32_t prefetch, std::uint32_t conn = 1) {
    QuorumOp o = op(QuorumOp::Kind::Attach);
    o.consumer = c;
    o.connection = conn;
    o.via = kVia;
    o.prefetch = prefetch;
    run(o);
  }
  void settle(NodeId c, std::uint64_t tag, bool multiple = false, std::uint32_t conn = 1) {
    QuorumOp o = op(QuorumOp::Kind::Settle);
    o.consumer = c;
    o.connection = conn;
    o.tag = tag;
    o.multiple = multiple;
    run(o);
  }
  void give_back(NodeId c, std::uint64_t tag, bool requeue = true, bool multiple = false, std::uint32_t conn = 1) {
    QuorumOp o = op(QuorumOp::Kind::Return);
    o.consumer = c;
    o.connection = conn;
    o.tag = tag;
    o.multiple = multiple;
    o.requeue = requeue;
    run(o);
  }
  void detach(NodeId c, std::uint32_t conn = 1) {
    QuorumOp o = op(QuorumOp::Kind::Detach);
    o.consumer = c;
    o.connection = conn;
    o.reason = "connection_lost";
    run(o);
  }
};

using Ids = std::vector<MsgId>;
}  // namespace

// --- (a) round-robin within prefetch ----------------------------------------------------

TEST_CASE("quorum queue: two consumers are served round-robin within their prefetch (RabbitMQ Quorum Queues, feature matrix: consumers as in classic queues)",
          "[quorum][quorum_state]") {
  QuorumState qs("q", -1);
  FakeSink sink;
  Channel ch{qs, sink};
  ch.attach(kC1, 2);
  ch.attach(kC2, 2);
  for (MsgId i = 1; i <= 5; ++i) ch.enqueue(i);
  CHECK(sink.take(kC1) == Ids{1, 3});
  CHECK(sink.take(kC2) == Ids{2, 4});
  // Both consumers hold their prefetch (2): message 5 waits.
  CHECK(qs.ready() == 1);
  CHECK(qs.checked_out() == 4);
}

TEST_CASE("quorum queue: a consumer at its prefetch limit gets nothing until it settles (RabbitMQ Consumer Prefetch)",
          "[quorum][quorum_state]") {
  QuorumState qs("q", -1);
  FakeSink sink;
  Channel ch{qs, sink};
  ch.attach(kC1, 1);
  ch.attach(kC2, 1);
  ch.enqueue(1);
  ch.enqueue(2);
  CHECK(sink.take(kC1) == Ids{1});
  CHECK(sink.take(kC2) == Ids{2});
  ch.enqueue(3);
  ch.enqueue(4);
  CHECK(sink.deliveries.empty());  // both at their limit
  CHECK(qs.ready() == 2);
  // C2 settles first: it (and only it) gets the next message.
  ch.settle(kC2, 1);
  REQUIRE(sink.deliveries.size() == 1);
  CHECK(sink.deliveries[0].consumer == kC2);
  CHECK(sink.deliveries[0].msg == 3);
  CHECK(sink.deliveries[0].tag == 2);  // delivery tags per consumer, increasing
  sink.deliveries.clear();
  ch.settle(kC1, 1);
  CHECK(sink.take(kC1) == Ids{4});
  CHECK(sink.take(kC2).empty());
  CHECK(qs.ready() == 0);
}

// --- (b) Detach ------------------------------------------------------------------------

TEST_CASE("quorum queue: a gone consumer's unacked messages return to their original positions and are redelivered in position order (RabbitMQ Consumer Acknowledgements, automatic requeueing)",
          "[quorum][quorum_state]") {
  QuorumState qs("q", -1);
  FakeSink sink;
  Channel ch{qs, sink};
  ch.attach(kC1, 2);
  ch.attach(kC2, 2);
  for (MsgId i = 1; i <= 5; ++i) ch.enqueue(i);
  CHECK(sink.take(kC1) == Ids{1, 3});
  CHECK(sink.take(kC2) == Ids{2, 4});
  ch.detach(kC1);
  CHECK_FALSE(qs.has_consumer(kC1));
  CHECK(qs.checked_out() == 2);  // C2's
  CHECK(qs.ready() == 3);        // 1, 3 back, ahead of 5
  CHECK(sink.count(ev::Requeue) == 2);
  // A new consumer gets them in position order: 1 and 3 (redelivered), then 5 (first delivery).
  ch.attach(kC3, 0);
  REQUIRE(sink.deliveries.size() == 3);
  CHECK(sink.deliveries[0].msg == 1);
  CHECK(sink.deliveries[0].redelivered);
  CHECK(sink.deliveries[1].msg == 3);
  CHECK(sink.deliveries[1].redelivered);
  CHECK(sink.deliveries[2].msg == 5);
  CHECK_FALSE(sink.deliveries[2].redelivered);
  for (const auto& d : sink.deliveries) CHECK(d.consumer == kC3);
}

TEST_CASE("quorum queue: the loss of a consumer's previous connection does not return what its current one holds (rabbit_fifo consumer down)",
          "[quorum][quorum_state]") {
  QuorumState qs("q", -1);
  FakeSink sink;
  Channel ch{qs, sink};
  ch.attach(kC1, 0, /*conn=*/2);
  ch.enqueue(1);
  CHECK(sink.take(kC1) == Ids{1});
  ch.detach(kC1, /*conn=*/1);  // the consumer's previous connection, already gone
  CHECK(qs.has_consumer(kC1));
  CHECK(qs.checked_out() == 1);
  CHECK(qs.ready() == 0);
}

// --- (c) x-delivery-limit --------------------------------------------------------------

TEST_CASE("quorum queue: a message returned more than x-delivery-limit times is dead-lettered and not delivered again (RabbitMQ Quorum Queues, poison message handling)",
          "[quorum][quorum_state][delivery_limit]") {
  QuorumState qs("q", /*delivery_limit=*/2);
  FakeSink sink;
  Channel ch{qs, sink};
  ch.attach(kC1, 1);
  ch.enqueue(7);
  ch.enqueue(8);
  // Delivered, returned (1), delivered again with x-delivery-count 1, returned (2), again
  // with count 2; returned a third time: more than the limit, so it is dead-lettered.
  std::uint64_t tag = 1;
  for (std::uint32_t returned = 0; returned < 3; ++returned) {
    REQUIRE(sink.deliveries.size() == 1);
    CHECK(sink.deliveries[0].msg == 7);
    CHECK(sink.deliveries[0].tag == tag);
    CHECK(sink.deliveries[0].returns == returned);
    CHECK(sink.deliveries[0].redelivered == (returned > 0));
    sink.deliveries.clear();
    CHECK(sink.dead.empty());
    ch.give_back(kC1, tag++);
  }
  REQUIRE(sink.dead.size() == 1);
  CHECK(sink.dead[0] == std::pair<MsgId, std::string>{7, "delivery_limit"});
  // It is not delivered again: the consumer's free slot goes to the next message.
  REQUIRE(sink.deliveries.size() == 1);
  CHECK(sink.deliveries[0].msg == 8);
  sink.deliveries.clear();
  ch.settle(kC1, tag);
  CHECK(sink.deliveries.empty());
  CHECK(qs.ready() == 0);
  CHECK(qs.checked_out() == 0);
}

TEST_CASE("quorum queue: a message returned exactly x-delivery-limit times is still delivered (RabbitMQ Quorum Queues, poison message handling)",
          "[quorum][quorum_state][delivery_limit]") {
  QuorumState qs("q", 2);
  FakeSink sink;
  Channel ch{qs, sink};
  ch.attach(kC1, 1);
  ch.enqueue(7);
  ch.give_back(kC1, 1);
  ch.give_back(kC1, 2);
  CHECK(sink.dead.empty());
  CHECK(sink.take(kC1) == Ids{7, 7, 7});
  ch.settle(kC1, 3);
  CHECK(sink.dead.empty());
  CHECK(sink.count(ev::Ack) == 1);
}

// --- (d) ordering of an origin's commands ---------------------------------------------

TEST_CASE("quorum queue: a resent command is applied once and answered again (rabbit_fifo enqueuer sequence numbers)",
          "[quorum][quorum_state][dedup]") {
  QuorumState qs("q", -1);
  FakeSink sink;
  Channel ch{qs, sink};
  const QuorumOp first = ch.enqueue(1);
  CHECK(qs.ready() == 1);
  REQUIRE(sink.applied_.size() == 1);
  CHECK(sink.applied_[0] == std::make_tuple(kOrigin, std::uint64_t{1}, std::uint64_t{1}));
  ch.run(first);  // resent after a leader change: a duplicate
  CHECK(qs.ready() == 1);
  CHECK(sink.count(ev::Enqueue) == 1);
  REQUIRE(sink.applied_.size() == 2);
  CHECK(sink.applied_[1] == std::make_tuple(kOrigin, std::uint64_t{1}, std::uint64_t{1}));
  // The same sequence number from a new incarnation of the origin is a new command.
  Channel restarted{qs, sink};
  restarted.incarnation = 2;
  restarted.enqueue(2);
  CHECK(qs.ready() == 2);
  CHECK(sink.count(ev::Enqueue) == 2);
}

TEST_CASE("quorum queue: a command that skips a sequence number is neither applied nor answered (rabbit_fifo enqueuer sequence numbers)",
          "[quorum][quorum_state][dedup]") {
  QuorumState qs("q", -1);
  FakeSink sink;
  Channel ch{qs, sink};
  ch.enqueue(1);
  sink.applied_.clear();
  QuorumOp second = ch.op(QuorumOp::Kind::Enqueue);  // seq 2: lost on its way
  second.msg.id = 2;
  QuorumOp third = ch.op(QuorumOp::Kind::Enqueue);   // seq 3: overtakes it
  third.msg.id = 3;
  ch.run(third);
  CHECK(qs.ready() == 1);
  CHECK(sink.applied_.empty());
  CHECK(sink.count(ev::Enqueue) == 1);
  // The origin resends both, in order: each is applied once, in sequence.
  ch.run(second);
  ch.run(third);
  CHECK(qs.ready() == 3);
  REQUIRE(sink.applied_.size() == 2);
  CHECK(std::get<2>(sink.applied_[0]) == 2);
  CHECK(std::get<2>(sink.applied_[1]) == 3);
  ch.attach(kC1, 0);
  CHECK(sink.take(kC1) == Ids{1, 2, 3});
}

// --- (e) settle multiple ----------------------------------------------------------------

TEST_CASE("quorum queue: a settlement with multiple settles every checked-out tag up to the given one (AMQP 0-9-1 basic.ack multiple)",
          "[quorum][quorum_state]") {
  QuorumState qs("q", -1);
  FakeSink sink;
  Channel ch{qs, sink};
  ch.attach(kC1, 0);
  for (MsgId i = 1; i <= 4; ++i) ch.enqueue(i);
  CHECK(sink.take(kC1) == Ids{1, 2, 3, 4});
  ch.settle(kC1, 3, /*multiple=*/true);
  CHECK(qs.checked_out() == 1);
  std::vector<MsgId> acked;
  for (const auto& e : sink.events)
    if (e.kind == ev::Ack) acked.push_back(e.msg);
  CHECK(acked == Ids{1, 2, 3});
  // Tag 4 is still checked out: returning it redelivers message 4, nothing else.
  ch.give_back(kC1, 4);
  REQUIRE(sink.deliveries.size() == 1);
  CHECK(sink.deliveries[0].msg == 4);
  CHECK(sink.deliveries[0].tag == 5);
  CHECK(sink.deliveries[0].redelivered);
}

TEST_CASE("quorum queue: a settlement without multiple settles only the given tag (AMQP 0-9-1 basic.ack)",
          "[quorum][quorum_state]") {
  QuorumState qs("q", -1);
  FakeSink sink;
  Channel ch{qs, sink};
  ch.attach(kC1, 0);
  for (MsgId i = 1; i <= 3; ++i) ch.enqueue(i);
  ch.settle(kC1, 2);
  CHECK(qs.checked_out() == 2);
  CHECK(sink.count(ev::Ack) == 1);
}

// --- (f) determinism --------------------------------------------------------------------

TEST_CASE("quorum queue: replicas applying the same log reach the same state with the same delivery tags (RabbitMQ Quorum Queues, Raft replicated state machine)",
          "[quorum][quorum_state][determinism]") {
  // One log of commands, from two origins, applied on two replicas.
  std::vector<QuorumOp> log;
  {
    QuorumState scratch;
    FakeSink s;
    Channel a{scratch, s, kOrigin};
    Channel b{scratch, s, 11};
    auto keep = [&](QuorumOp o) { log.push_back(std::move(o)); };
    auto attach = [&](Channel& ch, NodeId c, std::uint32_t prefetch) {
      QuorumOp o = ch.op(QuorumOp::Kind::Attach);
      o.consumer = c;
      o.connection = 1;
      o.via = ch.origin;
      o.prefetch = prefetch;
      keep(o);
    };
    auto enq = [&](Channel& ch, MsgId id) {
      QuorumOp o = ch.op(QuorumOp::Kind::Enqueue);
      o.msg.id = id;
      keep(o);
    };
    auto settle = [&](Channel& ch, QuorumOp::Kind k, NodeId c, std::uint64_t tag, bool multiple) {
      QuorumOp o = ch.op(k);
      o.consumer = c;
      o.connection = 1;
      o.tag = tag;
      o.multiple = multiple;
      keep(o);
    };
    attach(a, kC1, 3);
    attach(b, kC2, 2);
    for (MsgId i = 1; i <= 6; ++i) enq(i % 2 ? a : b, i);
    attach(a, kC3, 1);
    settle(b, QuorumOp::Kind::Return, kC2, 1, false);
    settle(a, QuorumOp::Kind::Settle, kC1, 2, true);
    for (MsgId i = 7; i <= 9; ++i) enq(a, i);
    QuorumOp gone = a.op(QuorumOp::Kind::Detach);
    gone.consumer = kC1;
    gone.connection = 1;
    gone.reason = "connection_lost";
    keep(gone);
    QuorumOp down = b.op(QuorumOp::Kind::NodeDown);
    down.origin = kNoNode;
    down.via = 11;  // C2's node
    keep(down);
    keep(log.front());  // a duplicate: answered, not applied
    settle(a, QuorumOp::Kind::Settle, kC3, 1, false);
  }
  QuorumState r1("q", 1), r2("q", 1);
  FakeSink s1, s2;
  for (const auto& o : log) r1.apply(o, s1);
  for (const auto& o : log) r2.apply(o, s2);
  REQUIRE_FALSE(s1.deliveries.empty());
  CHECK(s1.deliveries == s2.deliveries);
  CHECK(s1.applied_ == s2.applied_);
  CHECK(s1.dead == s2.dead);
  CHECK(r1.ready() == r2.ready());
  CHECK(r1.checked_out() == r2.checked_out());
  // A new leader resends exactly what the old one had checked out, under the same tags.
  FakeSink o1, o2;
  r1.resend_checked_out(o1);
  r2.resend_checked_out(o2);
  REQUIRE_FALSE(o1.deliveries.empty());
  CHECK(o1.deliveries == o2.deliveries);
  for (const auto& d : o1.deliveries) CHECK(d.resend);
  // A replica that crashed rebuilds the same state from the log.
  r2.reset();
  FakeSink s3;
  for (const auto& o : log) r2.apply(o, s3);
  CHECK(s3.deliveries == s1.deliveries);
  CHECK(r2.ready() == r1.ready());
  CHECK(r2.checked_out() == r1.checked_out());
}
