// Classic queue mirroring (RabbitMQ 3.x ha-mode, ha-sync-mode, ha-promote-on-failure),
// driven through several QueueBroker nodes of one cluster without SimGrid: a small
// in-file network delivers every packet after a fixed latency and fires timers in time
// order; clients are played by the test.
#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>

#include "harness.hpp"
#include "amqp/broker.hpp"

using namespace bs;
using namespace bs::amqp;

namespace {
constexpr NodeId kR1 = 0, kR2 = 1, kR3 = 2;  // brokers
constexpr NodeId kShop = 5;                   // a publisher (not a broker: the test plays it)

/// Brokers 0 .. n-1 of one cluster, a network with a fixed latency, and the clients'
/// inboxes. Time advances item by item (packets and timers, in time order, ties in the
/// order they were produced). A crashed node hears nothing and its old timers never fire.
class Cluster {
 public:
  struct Delivered {
    double t;
    NodeId from, to;
    Packet p;
  };

  Cluster(std::size_t n, std::function<void(BrokerConfig&)> tweak, double net_ticktime_s = 0.4) {
    for (std::size_t i = 0; i < n; ++i) nodes_.push_back(static_cast<NodeId>(i));
    for (NodeId id : nodes_) {
      BrokerConfig cfg;
      cfg.cluster.nodes = nodes_;
      for (NodeId m : nodes_) cfg.cluster.names.push_back("r" + std::to_string(m + 1));
      cfg.cluster.self = id;
      cfg.cluster.net_ticktime_s = net_ticktime_s;
      cfg.heartbeat_s = 0.5;
      tweak(cfg);
      auto m = std::make_unique<Member>();
      m->cfg = cfg;
      m->broker = std::make_unique<QueueBroker>(cfg);
      m->rng = std::make_unique<Rng>(100 + id);
      members_.push_back(std::move(m));
    }
    for (NodeId id : nodes_) step(id, [&](Context& c) { broker(id).on_start(c); });
  }

  QueueBroker& broker(NodeId id) { return *members_.at(id)->broker; }
  double now() const { return now_; }
  const std::vector<Event>& events() const { return rec_.events; }
  std::vector<Event> events(EventKind k, NodeId node = kNoNode) const {
    std::vector<Event> out;
    for (const auto& e : rec_.events)
      if (e.kind == k && (node == kNoNode || e.node == node)) out.push_back(e);
    return out;
  }
  /// Every packet handed to a node (broker or client), in delivery order.
  const std::vector<Delivered>& delivered() const { return delivered_; }

  /// Packets of type T that reached client `to` so far.
  template <class T>
  std::vector<T> inbox(NodeId to) const {
    std::vector<T> out;
    for (const auto& d : delivered_)
      if (d.to == to && d.p.template is<T>()) out.push_back(*d.p.template as<T>());
    return out;
  }

  /// A client sends `p` to broker `to` (arrives one latency later).
  void client_send(NodeId client, NodeId to, Packet p) { schedule(now_ + latency_, client, to, std::move(p)); }

  /// Packets for which `hold(from, to, p)` is true wait (undelivered) until release().
  void hold(std::function<bool(NodeId, NodeId, const Packet&)> h) { hold_ = std::move(h); }
  void release() {
    hold_ = nullptr;
    auto held = std::move(held_);
    held_.clear();
    for (auto& it : held) schedule(now_ + latency_, it.from, it.to, std::move(it.p));
  }

  void crash(NodeId id) {
    Member& m = *members_.at(id);
    m.up = false;
    ++m.incarnation;
    step(id, [&](Context& c) { m.broker->on_crash(c); }, /*keep_outputs=*/false);
  }
  void restart(NodeId id) {
    members_.at(id)->up = true;
    step(id, [&](Context& c) { broker(id).on_start(c); });
  }

  void run_until(double t) {
    while (!queue_.empty()) {
      auto first = std::min_element(queue_.begin(), queue_.end(),
                                    [](const Item& a, const Item& b) { return std::tie(a.at, a.order) < std::tie(b.at, b.order); });
      if (first->at > t) break;
      Item it = std::move(*first);
      queue_.erase(first);
      now_ = it.at;
      if (!is_broker(it.to)) {  // a client: just record it
        delivered_.push_back(Delivered{now_, it.from, it.to, std::move(it.p)});
        continue;
      }
      Member& m = *members_.at(it.to);
      if (!m.up || (it.timer && it.incarnation != m.incarnation)) continue;
      if (it.timer) {
        step(it.to, [&](Context& c) { m.broker->on_timer(c, it.t); });
        continue;
      }
      if (is_broker(it.from) && !members_.at(it.from)->up) continue;  // in flight from a dead node: lost
      if (hold_ && hold_(it.from, it.to, it.p)) {
        held_.push_back(std::move(it));
        continue;
      }
      delivered_.push_back(Delivered{now_, it.from, it.to, it.p});
      step(it.to, [&](Context& c) { m.broker->on_packet(c, it.from, it.p); });
    }
    now_ = t;
  }

 private:
  struct Member {
    BrokerConfig cfg;
    std::unique_ptr<QueueBroker> broker;
    std::unique_ptr<Rng> rng;
    bool up = true;
    std::uint64_t incarnation = 0;
  };
  struct Item {
    double at = 0;
    std::uint64_t order = 0;
    NodeId from = kNoNode, to = kNoNode;
    bool timer = false;
    Timer t;
    std::uint64_t incarnation = 0;
    Packet p = Heartbeat{};  // Packet has no empty state; timers leave it unused
  };

  bool is_broker(NodeId id) const { return id < members_.size(); }
  void schedule(double at, NodeId from, NodeId to, Packet p) {
    Item it;
    it.at = at;
    it.order = next_order_++;
    it.from = from;
    it.to = to;
    it.p = std::move(p);
    queue_.push_back(std::move(it));
  }
  template <class F>
  void step(NodeId id, F&& f, bool keep_outputs = true) {
    Member& m = *members_.at(id);
    Context ctx(now_, id, *m.rng, &rec_, &ids_);
    f(ctx);
    if (!keep_outputs) return;
    for (auto& [to, p] : ctx.outgoing()) schedule(now_ + latency_, id, to, std::move(p));
    for (auto& [at, t] : ctx.timers()) {
      Item it;
      it.at = at;
      it.order = next_order_++;
      it.from = id;
      it.to = id;
      it.timer = true;
      it.t = t;
      it.incarnation = m.incarnation;
      queue_.push_back(std::move(it));
    }
    if (!ctx.computes().empty()) FAIL("CPU work requested: this harness does not model CPU");
  }

  std::vector<NodeId> nodes_;
  std::vector<std::unique_ptr<Member>> members_;
  std::vector<Item> queue_;
  std::vector<Item> held_;
  std::function<bool(NodeId, NodeId, const Packet&)> hold_;
  std::vector<Delivered> delivered_;
  bs::test::Recorder rec_;
  MsgId ids_ = 0;
  double now_ = 0;
  double latency_ = 0.001;
  std::uint64_t next_order_ = 1;
};

/// Queue "q" led by r1 (home), mirrored on `mirrors` (oldest first), durable.
std::function<void(BrokerConfig&)> mirrored(std::vector<NodeId> mirrors, bool sync_automatic = false,
                                            bool promote_always = true, bool durable = true) {
  return [=](BrokerConfig& cfg) {
    QueueConfig q{"q"};
    q.home = kR1;
    q.mirrors = mirrors;
    q.ha_sync_automatic = sync_automatic;
    q.ha_promote_always = promote_always;
    q.durable = durable;
    cfg.queues.push_back(q);
    QueueConfig plain{"plain"};
    plain.home = kR1;
    cfg.queues.push_back(plain);
  };
}

void publish(Cluster& c, NodeId broker, MsgId id, const std::string& queue = "q") {
  AmqpMessage m;
  m.id = id;
  m.producer = kShop;
  m.key = queue;
  m.persistent = true;
  c.client_send(kShop, broker, Publish{m, id, false, true});
}

std::vector<MsgId> confirmed(const Cluster& c) {
  std::vector<MsgId> out;
  for (const auto& x : c.inbox<Confirm>(kShop))
    if (x.ack) out.push_back(x.msg);
  return out;
}

std::vector<MsgId> ready_ids(QueueBroker& b, const std::string& q = "q") {
  std::vector<MsgId> out;
  if (const MessageQueue* mq = b.queue(q))
    for (const auto& qm : mq->ready()) out.push_back(qm.msg.id);
  return out;
}

bool is_mirror_ack(NodeId, NodeId, const Packet& p) { return p.is<MirrorAck>(); }

using Ids = std::vector<MsgId>;

/// r1 leads q (mirror on r2, ha-sync-mode and ha-promote-on-failure as given). Messages
/// 1-3 are published and confirmed; r2 restarts (comes back empty) and rejoins while q
/// holds them; 4 and 5 are published and confirmed; then r1 dies for good and the
/// others notice within net_ticktime.
void run_unsynchronised_failover(Cluster& c) {
  c.run_until(0.1);
  for (MsgId i = 1; i <= 3; ++i) publish(c, kR3, i);
  c.run_until(0.5);
  REQUIRE(confirmed(c) == Ids{1, 2, 3});
  c.crash(kR2);
  c.run_until(0.55);
  c.restart(kR2);
  c.run_until(1.0);
  for (MsgId i = 4; i <= 5; ++i) publish(c, kR3, i);
  c.run_until(1.5);
  REQUIRE(confirmed(c) == Ids{1, 2, 3, 4, 5});
  REQUIRE(ready_ids(c.broker(kR1)) == Ids{1, 2, 3, 4, 5});
  c.crash(kR1);
  c.run_until(3.0);
}
}  // namespace

// --- (a) confirms wait for the mirrors ---------------------------------------------------

TEST_CASE("mirrored queue: a publish is confirmed only once every mirror acknowledged it (RabbitMQ Classic Queue Mirroring, publisher confirms and transactions)",
          "[mirror][cluster]") {
  Cluster c(2, mirrored({kR2}));
  c.run_until(0.05);
  // The mirror's answers are held back: the message is in the leader's queue, but the
  // publisher hears nothing.
  c.hold(is_mirror_ack);
  publish(c, kR1, 1);
  publish(c, kR1, 2, "plain");  // an unmirrored queue on the same node: confirmed at once
  c.run_until(0.2);
  CHECK(ready_ids(c.broker(kR1)) == Ids{1});
  CHECK(confirmed(c) == Ids{2});
  c.release();
  c.run_until(0.3);
  CHECK(confirmed(c) == Ids{2, 1});
  // And in delivery order: the mirror's MirrorAck reached r1 before the confirm reached the shop.
  const auto& log = c.delivered();
  auto ack = std::find_if(log.begin(), log.end(), [](const auto& d) { return d.to == kR1 && d.p.template is<MirrorAck>(); });
  auto conf = std::find_if(log.begin(), log.end(), [](const auto& d) {
    return d.to == kShop && d.p.template is<Confirm>() && d.p.template as<Confirm>()->msg == 1;
  });
  REQUIRE(ack != log.end());
  REQUIRE(conf != log.end());
  CHECK(ack < conf);
}

TEST_CASE("mirrored queue: a publish through another node is confirmed only once the mirror holds it (RabbitMQ Classic Queue Mirroring, publisher confirms and transactions)",
          "[mirror][cluster]") {
  Cluster c(3, mirrored({kR2}));
  c.run_until(0.05);
  c.hold(is_mirror_ack);
  publish(c, kR3, 1);  // r3 forwards to r1, which waits for r2 before answering r3
  c.run_until(0.2);
  CHECK(ready_ids(c.broker(kR1)) == Ids{1});
  CHECK(confirmed(c).empty());
  c.release();
  c.run_until(0.3);
  CHECK(confirmed(c) == Ids{1});
}

// --- (b) unsynchronised promotion --------------------------------------------------------

TEST_CASE("mirrored queue: with ha-promote-on-failure always an unsynchronised mirror is promoted and the confirmed messages it lacks are lost (RabbitMQ Classic Queue Mirroring, promotion of unsynchronised mirrors)",
          "[mirror][cluster][promotion]") {
  Cluster c(3, mirrored({kR2}, /*sync_automatic=*/false, /*promote_always=*/true));
  run_unsynchronised_failover(c);
  // r2 rejoined while q held 1-3, with manual synchronisation: unsynchronised.
  const auto states = c.events(ev::MirrorState, kR1);
  REQUIRE_FALSE(states.empty());
  CHECK_FALSE(states.back().flag);
  // r2 took over, knowing it lacked three messages.
  const auto promoted = c.events(ev::MirrorPromoted, kR2);
  REQUIRE(promoted.size() == 1);
  CHECK(promoted[0].flag);
  CHECK(promoted[0].text == "unsynchronised");
  CHECK(promoted[0].tag == 3);  // lacking
  CHECK(promoted[0].seq == 2);  // held
  // The queue now lives on r2 and holds only what came after the mirror rejoined.
  CHECK(ready_ids(c.broker(kR2)) == Ids{4, 5});
  CHECK(c.broker(kR3).queue("q") == nullptr);
}

TEST_CASE("mirrored queue: after promotion the queue takes publishes and serves consumers at the new leader (RabbitMQ Classic Queue Mirroring, leader failure)",
          "[mirror][cluster][promotion]") {
  Cluster c(3, mirrored({kR2}));
  run_unsynchronised_failover(c);
  REQUIRE(ready_ids(c.broker(kR2)) == Ids{4, 5});
  publish(c, kR3, 6);  // r3 learned that r2 leads q now
  c.run_until(3.2);
  CHECK(ready_ids(c.broker(kR2)) == Ids{4, 5, 6});
  CHECK(confirmed(c).back() == 6);
  c.client_send(7, kR3, Consume{"q", 0, true, 1});
  c.run_until(3.4);
  std::vector<MsgId> got;
  for (const auto& d : c.inbox<Deliver>(7)) got.push_back(d.msg.id);
  CHECK(got == Ids{4, 5, 6});
}

// --- (c) when-synced ---------------------------------------------------------------------

TEST_CASE("mirrored queue: with ha-promote-on-failure when-synced an unsynchronised mirror is not promoted and the queue is unavailable (RabbitMQ Classic Queue Mirroring, promotion of unsynchronised mirrors)",
          "[mirror][cluster][promotion]") {
  Cluster c(3, mirrored({kR2}, /*sync_automatic=*/false, /*promote_always=*/false));
  run_unsynchronised_failover(c);
  const auto promoted = c.events(ev::MirrorPromoted, kR2);
  REQUIRE(promoted.size() == 1);
  CHECK_FALSE(promoted[0].flag);
  CHECK(promoted[0].text == "unsynchronised");
  CHECK(c.broker(kR2).queue("q") == nullptr);
  CHECK(c.broker(kR3).queue("q") == nullptr);
  // Unavailable: a consumer of q through r3 is refused (404, its leader's node is down).
  c.client_send(7, kR3, Consume{"q", 0, false, 1});
  c.run_until(3.2);
  const auto closes = c.inbox<ConnectionClose>(7);
  REQUIRE(closes.size() == 1);
  CHECK(closes[0].reply_code == kNotFound);
}

TEST_CASE("mirrored queue: with ha-promote-on-failure when-synced a synchronised mirror is still promoted (RabbitMQ Classic Queue Mirroring, promotion of unsynchronised mirrors)",
          "[mirror][cluster][promotion]") {
  Cluster c(3, mirrored({kR2}, false, /*promote_always=*/false));
  c.run_until(0.1);
  for (MsgId i = 1; i <= 3; ++i) publish(c, kR3, i);
  c.run_until(0.5);
  REQUIRE(confirmed(c) == Ids{1, 2, 3});
  c.crash(kR1);
  c.run_until(2.0);
  const auto promoted = c.events(ev::MirrorPromoted, kR2);
  REQUIRE(promoted.size() == 1);
  CHECK(promoted[0].flag);
  CHECK(promoted[0].text == "synchronised");
  CHECK(ready_ids(c.broker(kR2)) == Ids{1, 2, 3});
}

// --- (d) automatic synchronisation -------------------------------------------------------

TEST_CASE("mirrored queue: with ha-sync-mode automatic a rejoining mirror is synchronised and its promotion keeps every message (RabbitMQ Classic Queue Mirroring, configuring synchronisation)",
          "[mirror][cluster][promotion]") {
  Cluster c(3, mirrored({kR2}, /*sync_automatic=*/true));
  run_unsynchronised_failover(c);
  const auto states = c.events(ev::MirrorState, kR1);
  REQUIRE_FALSE(states.empty());
  CHECK(states.back().peer == kR2);
  CHECK(states.back().flag);  // synchronised at once
  const auto promoted = c.events(ev::MirrorPromoted, kR2);
  REQUIRE(promoted.size() == 1);
  CHECK(promoted[0].flag);
  CHECK(promoted[0].text == "synchronised");
  CHECK(promoted[0].tag == 0);
  CHECK(ready_ids(c.broker(kR2)) == Ids{1, 2, 3, 4, 5});
}

TEST_CASE("mirrored queue: a manually synchronised mirror becomes synchronised once the messages it lacks have left the queue (RabbitMQ Classic Queue Mirroring, unsynchronised mirrors)",
          "[mirror][cluster]") {
  Cluster c(3, mirrored({kR2}));
  c.run_until(0.1);
  for (MsgId i = 1; i <= 2; ++i) publish(c, kR1, i);
  c.run_until(0.5);
  c.crash(kR2);
  c.run_until(0.55);
  c.restart(kR2);
  c.run_until(0.8);
  REQUIRE_FALSE(c.events(ev::MirrorState, kR1).back().flag);
  publish(c, kR1, 3);
  c.run_until(0.9);
  // A consumer takes 1 and 2 and acks them: the mirror lacks nothing any more.
  c.client_send(7, kR1, Consume{"q", 2, false, 1});
  c.run_until(1.0);
  const auto ds = c.inbox<Deliver>(7);
  REQUIRE(ds.size() == 2);
  CHECK_FALSE(c.events(ev::MirrorState, kR1).back().flag);  // delivered is not gone
  c.client_send(7, kR1, Ack{ds[1].tag, true, 1, 0});
  c.run_until(1.1);
  const auto states = c.events(ev::MirrorState, kR1);
  CHECK(states.back().peer == kR2);
  CHECK(states.back().flag);
  // Promotion now loses nothing that is still in the queue.
  c.crash(kR1);
  c.run_until(3.0);
  const auto promoted = c.events(ev::MirrorPromoted, kR2);
  REQUIRE(promoted.size() == 1);
  CHECK(promoted[0].text == "synchronised");
  CHECK(ready_ids(c.broker(kR2)) == Ids{3});
}

// --- which mirror is promoted ------------------------------------------------------------

TEST_CASE("mirrored queue: the longest running mirror is promoted, so a mirror that restarted loses to one that stayed up (RabbitMQ Classic Queue Mirroring, leader failure)",
          "[mirror][cluster][promotion]") {
  // ha-mode all on three nodes: mirrors on r2 and r3. r2 restarts (its mirror is new,
  // unsynchronised); r3's mirror has run all along and holds every message. When r1
  // dies, RabbitMQ promotes r3, the longest running mirror, and nothing is lost.
  Cluster c(3, mirrored({kR2, kR3}));
  run_unsynchronised_failover(c);
  const auto by_r3 = c.events(ev::MirrorPromoted, kR3);
  REQUIRE(by_r3.size() == 1);
  CHECK(by_r3[0].flag);
  CHECK(by_r3[0].text == "synchronised");
  CHECK(ready_ids(c.broker(kR3)) == Ids{1, 2, 3, 4, 5});
  CHECK(c.events(ev::MirrorPromoted, kR2).empty());
  CHECK(c.broker(kR2).queue("q") == nullptr);
}

TEST_CASE("mirrored queue: a non-durable mirrored queue is promoted like a durable one (RabbitMQ Classic Queue Mirroring, leader failure)",
          "[mirror][cluster][promotion]") {
  Cluster c(3, mirrored({kR2}, false, true, /*durable=*/false));
  c.run_until(0.1);
  for (MsgId i = 1; i <= 3; ++i) publish(c, kR3, i);
  c.run_until(0.5);
  REQUIRE(confirmed(c) == Ids{1, 2, 3});
  c.crash(kR1);
  REQUIRE_NOTHROW(c.run_until(2.0));
  const auto promoted = c.events(ev::MirrorPromoted, kR2);
  REQUIRE(promoted.size() == 1);
  CHECK(promoted[0].flag);
  CHECK(ready_ids(c.broker(kR2)) == Ids{1, 2, 3});
  // The rest of the cluster routes to the new leader.
  publish(c, kR3, 4);
  c.run_until(2.2);
  CHECK(ready_ids(c.broker(kR2)) == Ids{1, 2, 3, 4});
}
