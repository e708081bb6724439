// The draw model, without a window: where dots are, what a queue holds and which
// processings are flagged, at given simulated times of a hand-made trace
// (ack_redelivery.jsonl, written by make_ack_trace.py; see its docstring for the story).
#include <algorithm>

#include <catch2/catch.hpp>

#include "model/playback.hpp"
#include "model/replica_tapes.hpp"
#include "model/synthetic.hpp"
#include "model/trace_model.hpp"
#include "vocabulary/vocabulary.hpp"

using namespace bs;
using namespace bs::gui;

namespace {
std::shared_ptr<const TraceModel> fixture() {
  static auto m = TraceModel::build(read_trace(std::string(GUI_TEST_DATA_DIR) + "/ack_redelivery.jsonl"));
  return m;
}
std::vector<MsgId> ready_ids(const QueueState& q) {
  std::vector<MsgId> v;
  for (const auto& r : q.ready) v.push_back(r.msg);
  return v;
}
std::vector<MsgId> unacked_ids(const QueueState& q, NodeId c) {
  std::vector<MsgId> v;
  auto it = q.unacked.find(c);
  if (it != q.unacked.end())
    for (const auto& u : it->second) v.push_back(u.msg);
  return v;
}
}  // namespace

TEST_CASE("layout puts producers left, brokers middle, consumers right") {
  const auto& topo = fixture()->topo;
  NodeId p1 = topo.find("p1"), b = topo.find("broker"), c1 = topo.find("c1"), c2 = topo.find("c2");
  CHECK(topo.pos(p1).x < topo.pos(b).x);
  CHECK(topo.pos(b).x < topo.pos(c1).x);
  CHECK(topo.pos(c1).x == topo.pos(c2).x);
  CHECK(topo.pos(c1).y < topo.pos(c2).y);
  CHECK(topo.links().size() == 3);
}

TEST_CASE("a publish frame is halfway along its link halfway through its transit") {
  auto m = fixture();
  std::vector<Dot> dots;
  m->packets.dots_at(0.105, dots);  // m1's publish: sent 0.10, received 0.11
  REQUIRE(dots.size() == 1);
  CHECK(dots[0].op == Op::Publish);
  CHECK(dots[0].msg == 1);
  CHECK(dots[0].frac == Approx(0.5).margin(1e-4));
  P2 p = m->topo.along(dots[0].from, dots[0].to, dots[0].frac);
  CHECK(p.x == Approx(0.3f));  // p1 at x 0.1, broker at x 0.5
  CHECK(p.y == Approx(0.5f));
  m->packets.dots_at(0.1025, dots);
  REQUIRE(dots.size() == 1);
  CHECK(dots[0].frac == Approx(0.25).margin(1e-4));
  m->packets.dots_at(0.11, dots);  // received at 0.11: no longer in flight
  CHECK(std::none_of(dots.begin(), dots.end(), [](const Dot& d) { return d.msg == 1 && d.op == Op::Publish; }));
}

TEST_CASE("a deliver frame goes from the broker to its consumer") {
  auto m = fixture();
  std::vector<Dot> dots;
  m->packets.dots_at(0.115, dots);  // m1 delivered to c1 at 0.11, arrives 0.12
  auto it = std::find_if(dots.begin(), dots.end(), [](const Dot& d) { return d.op == Op::Deliver; });
  REQUIRE(it != dots.end());
  CHECK(it->msg == 1);
  CHECK(m->topo.name(it->from) == "broker");
  CHECK(m->topo.name(it->to) == "c1");
  CHECK(it->frac == Approx(0.5).margin(1e-4));
}

TEST_CASE("the frame redelivering m4 is marked redelivered, the first delivery is not") {
  auto m = fixture();
  std::vector<Dot> dots;
  auto deliver_of = [&](double t) {
    m->packets.dots_at(t, dots);
    auto it = std::find_if(dots.begin(), dots.end(), [](const Dot& d) { return d.op == Op::Deliver && d.msg == 4; });
    REQUIRE(it != dots.end());
    return *it;
  };
  CHECK_FALSE(deliver_of(0.585).redelivered);  // to c2, first time
  Dot again = deliver_of(1.715);               // to c1 after the requeue
  CHECK(again.redelivered);
  CHECK(m->topo.name(again.to) == "c1");
}

TEST_CASE("a dropped frame stops where it died and then fades") {
  auto m = fixture();
  std::vector<Dot> dots;
  std::vector<Death> deaths;
  // m6's first publish leaves p1 at 0.60 while the link is down and dies at 0.605, half way.
  m->packets.dots_at(0.6025, dots);
  auto it = std::find_if(dots.begin(), dots.end(), [](const Dot& d) { return d.msg == 6; });
  REQUIRE(it != dots.end());
  CHECK(it->frac == Approx(0.25).margin(1e-3));
  m->packets.dots_at(0.607, dots);
  CHECK(std::none_of(dots.begin(), dots.end(), [](const Dot& d) { return d.msg == 6; }));
  m->packets.deaths_at(0.607, 0.1, deaths);
  REQUIRE(deaths.size() == 1);
  CHECK(deaths[0].frac == Approx(0.5).margin(1e-3));
  CHECK(deaths[0].age == Approx(0.02).margin(1e-3));
  m->packets.deaths_at(0.8, 0.1, deaths);
  CHECK(deaths.empty());
}

TEST_CASE("queue rows and unacked deliveries at given times") {
  auto m = fixture();
  Playhead ph(m);
  NodeId c1 = m->topo.find("c1"), c2 = m->topo.find("c2");
  ph.seek(1.0);  // c2 crashed holding m4; c1 holds m5; m7 and m8 wait
  REQUIRE(ph.state().queues().size() == 1);
  const QueueState& q = ph.state().queues()[0];
  CHECK(q.name == "work");
  CHECK(ready_ids(q) == std::vector<MsgId>{7, 8});
  CHECK(unacked_ids(q, c1) == std::vector<MsgId>{5});
  CHECK(unacked_ids(q, c2) == std::vector<MsgId>{4});

  ph.seek(1.6);  // the broker gave m4 back: in front of m6, at its original position, redelivered
  const QueueState& q2 = ph.state().queues()[0];
  CHECK(ready_ids(q2) == std::vector<MsgId>{4, 6});
  CHECK(q2.ready[0].position == 3);
  CHECK(q2.ready[0].redelivered);
  CHECK_FALSE(q2.ready[1].redelivered);
  CHECK(unacked_ids(q2, c2).empty());

  ph.seek(0.5);  // rewinding replays from the start
  CHECK(ph.state().queues()[0].requeued == 0);
  CHECK(ph.applied() < m->trace.events.size());
}

TEST_CASE("the consumer view flags the redelivered message processed after later ones") {
  auto m = fixture();
  Playhead ph(m);
  ph.seek(m->t_end);
  NodeId c1 = m->topo.find("c1");
  const ConsumerState& c = ph.state().consumers().at(c1);
  std::vector<MsgId> order;
  for (const auto& p : c.processed) order.push_back(p.msg);
  CHECK(order == std::vector<MsgId>{1, 3, 5, 7, 8, 4, 6});
  std::vector<MsgId> flagged;
  for (const auto& p : c.processed)
    if (p.reordered) flagged.push_back(p.msg);
  CHECK(flagged == std::vector<MsgId>{4, 6});
  CHECK(c.reordered == 2);
  CHECK(c.duplicates == 0);
  CHECK(c.processed[5].redelivered);
  ph.seek(1.9);  // before m4 comes back, nothing is out of order yet
  CHECK(ph.state().consumers().at(c1).reordered == 0);
}

TEST_CASE("crashed nodes and down links over time") {
  const auto& topo = fixture()->topo;
  NodeId c2 = topo.find("c2"), p1 = topo.find("p1"), b = topo.find("broker");
  CHECK_FALSE(topo.node_down(c2, 0.89));
  CHECK(topo.node_down(c2, 0.9));
  CHECK(topo.node_down(c2, 3.0));
  CHECK_FALSE(topo.link_down(p1, b, 0.54));
  CHECK(topo.link_down(b, p1, 0.6));
  CHECK_FALSE(topo.link_down(p1, b, 1.25));
}

TEST_CASE("timeline markers: the crash, the redelivery, the reorder, the loss") {
  auto m = fixture();
  auto has = [&](MarkerKind k, const std::string& label) {
    return std::any_of(m->markers.begin(), m->markers.end(),
                       [&](const Marker& mk) { return mk.kind == k && mk.label == label; });
  };
  CHECK(has(MarkerKind::Crash, "c2 crashes"));
  CHECK(has(MarkerKind::Redelivery, "m4 redelivered to c1"));
  CHECK(has(MarkerKind::Reorder, "c1 processed m4 after m5"));
  CHECK(has(MarkerKind::LinkDown, "link p1-broker down"));
  CHECK(has(MarkerKind::Loss, "frame with m6 lost (link_down)"));
  CHECK(std::is_sorted(m->markers.begin(), m->markers.end(), [](const Marker& a, const Marker& b) { return a.t < b.t; }));
}

TEST_CASE("stepping and a message's lifecycle") {
  auto m = fixture();
  CHECK(m->t_end == Approx(4.0));
  CHECK(m->next_step(0.0) == Approx(0.1));
  CHECK(m->prev_step(0.1) == Approx(0.0));
  double t = m->next_step(0.9);
  CHECK(t > 0.9);
  CHECK(m->prev_step(t) == Approx(0.9));
  std::vector<EventKind> kinds;
  for (auto i : m->lifecycle(4))
    if (m->trace.events[i].msg == 4) kinds.push_back(m->trace.events[i].kind);
  CHECK(kinds == std::vector<EventKind>{ev::Publish, ev::Enqueue, ev::Confirm, ev::Deliver,
                                       ev::Requeue, ev::Deliver, ev::Process, ev::Ack});
}

TEST_CASE("the synthetic bench trace keeps the requested frames in flight") {
  auto m = TraceModel::build(make_synthetic_trace(2000));
  std::vector<Dot> dots;
  m->packets.dots_at(5.00025, dots);
  CHECK(dots.size() == 2000);
  // Sums like k/2000 + 1.0 round either way, so one frame may overlap its successor.
  auto busiest = m->packets.busiest().first;
  CHECK(busiest >= 2000);
  CHECK(busiest <= 2001);
}

TEST_CASE("log model: partition tapes, cursors, committed offsets and the log start") {
  auto m = TraceModel::build(read_trace(std::string(GUI_TEST_DATA_DIR) + "/log_model.jsonl"));
  Playhead ph(m);
  NodeId c1 = m->topo.find("c1");
  auto part0 = [&]() -> const PartitionState& {
    for (const auto& p : ph.state().partitions())
      if (p.name == "orders/0") return p;
    FAIL("no partition orders/0");
    throw 0;
  };
  ph.seek(0.9);  // c1 fetched offsets 0-1 at 0.5 and committed 2 at 0.75
  CHECK(part0().cursors.at(c1).position == 2);
  CHECK(part0().cursors.at(c1).committed == 2);
  CHECK(part0().next_offset == 4);  // m2, m4, m6, m8 appended by t = 0.81
  CHECK(part0().segment_bases == std::vector<std::int64_t>{2, 4});
  ph.seek(2.9);
  CHECK(part0().log_start == 0);
  CHECK(part0().records.front().offset == 0);
  CHECK(part0().records.front().msg == 2);
  ph.seek(3.0);  // retention removed the first segment
  CHECK(part0().log_start == 2);
  CHECK(part0().records.front().offset == 2);
  CHECK(part0().records.size() == 4);
  CHECK(part0().cursors.at(c1).committed == 6);
  CHECK(ph.state().consumers().at(c1).processed.size() == 6);
  CHECK(ph.state().consumers().at(c1).reordered == 0);
  CHECK(ph.state().consumers().at(c1).processed.back().position == 5);  // the record's offset
  NodeId c2 = m->topo.find("c2");
  for (const auto& p : ph.state().partitions())
    if (p.name == "orders/1") CHECK(p.cursors.at(c2).committed == 6);  // the rejected commit of 99 moved nothing
  ph.seek(3.6);  // c1 sought back to offset 2 to replay
  CHECK(part0().cursors.at(c1).position == 2);
  CHECK(part0().cursors.at(c1).committed == 6);
}

TEST_CASE("slow-motion playback stops at a send and stretches the hop, plain playback does not") {
  auto m = fixture();
  const auto& pk = m->packets;
  // From 0.05 at 1x with a 1/60 s frame: plain playback moves 1/60 s.
  CHECK(advance_play(pk, 0.05, 1.0 / 60, 1.0, false) == Approx(0.05 + 1.0 / 60));
  // Slow motion lands exactly on m1's publish at 0.10 instead of jumping past it...
  CHECK(advance_play(pk, 0.09, 1.0 / 60, 1.0, true) == Approx(0.10));
  // ...then crosses the 10 ms hop in kHopWallSeconds of wall time.
  double t = 0.10, wall = 0;
  while (t < 0.11 - 1e-12 && wall < 5) {
    t = advance_play(pk, t, 1.0 / 60, 1.0, true);
    wall += 1.0 / 60;
  }
  CHECK(wall == Approx(kHopWallSeconds).margin(2.0 / 60));
  // With nothing carrying a message on the wire, time runs at the chosen speed.
  CHECK(advance_play(pk, 3.0, 0.5, 2.0, true) == Approx(4.0));
}

TEST_CASE("several brokers: a cluster column, a peer link, and the broker each client talks to") {
  auto m = TraceModel::build(read_trace(std::string(GUI_TEST_DATA_DIR) + "/cluster.jsonl"));
  const auto& topo = m->topo;
  NodeId b1 = topo.find("b1"), b2 = topo.find("b2"), p = topo.find("p"), c = topo.find("c");
  CHECK(topo.broker_count() == 2);
  CHECK(topo.pos(b1).x == topo.pos(b2).x);
  CHECK(topo.pos(b1).y < topo.pos(b2).y);
  int peer_links = 0;
  for (const auto& l : topo.links()) peer_links += topo.peer_link(l);
  CHECK(peer_links == 1);
  // The producer's first frame went to b1; after its failover its frames go to b2.
  CHECK(topo.client_broker(p, 0.0) == b1);
  CHECK(topo.client_broker(p, 2.4) == b1);
  CHECK(topo.client_broker(p, 2.6) == b2);
  CHECK(topo.client_broker(c, 1.0) == kNoNode);  // it sent nothing: the trace does not say
  CHECK(topo.client_broker(b1, 1.0) == kNoNode);
}

// replication.jsonl: b1 leads orders/0 (RF 3); m2 is acknowledged by b1 alone; b1 crashes
// at 1 s, b2 is elected at 1.6 s (epoch 1) and appends m3 at offset 1; b1 returns at 3 s,
// truncates m2 at 3.1 s, copies m3 and rejoins the ISR at 3.3 s.
TEST_CASE("replica tapes: leader, ISR, high watermark, a lost record and its truncation") {
  auto m = TraceModel::build(read_trace(std::string(GUI_TEST_DATA_DIR) + "/replication.jsonl"));
  Playhead ph(m);
  const NodeId b1 = m->topo.find("b1"), b2 = m->topo.find("b2"), b3 = m->topo.find("b3");
  auto msgs = [](const ReplicaRow* r) {
    std::vector<MsgId> v;
    for (const auto& c : r->cells) v.push_back(c.msg);
    return v;
  };
  ph.seek(0.5);  // b1 leads; m2 on b1 only, above the high watermark
  auto tapes = replica_tapes(ph.state());
  REQUIRE(tapes.size() == 1);
  CHECK(tapes[0].partition == "orders/0");
  CHECK(tapes[0].leader == b1);
  CHECK(tapes[0].leader_epoch == 0);
  CHECK(tapes[0].high_watermark == 1);
  REQUIRE(tapes[0].rows.size() == 3);
  CHECK(tapes[0].rows[0].node == b1);
  CHECK(tapes[0].rows[0].leader);
  CHECK(msgs(tapes[0].row(b1)) == std::vector<MsgId>{1, 2});
  CHECK(msgs(tapes[0].row(b2)) == std::vector<MsgId>{1});
  CHECK(tapes[0].row(b3)->log_end == 1);

  ph.seek(2.0);  // b2 leads epoch 1; b1 is down, out of the ISR, and its m2 is lost
  tapes = replica_tapes(ph.state());
  CHECK(tapes[0].leader == b2);
  CHECK(tapes[0].leader_epoch == 1);
  CHECK(tapes[0].row(b2)->leader);
  CHECK_FALSE(tapes[0].row(b1)->leader);
  CHECK(tapes[0].row(b1)->down);
  CHECK_FALSE(tapes[0].row(b1)->in_isr);
  CHECK(tapes[0].row(b3)->in_isr);
  CHECK(tapes[0].high_watermark == 2);
  CHECK(msgs(tapes[0].row(b1)) == std::vector<MsgId>{1, 2});
  CHECK(tapes[0].row(b1)->cells[1].lost);
  CHECK_FALSE(tapes[0].row(b1)->cells[0].lost);
  CHECK(msgs(tapes[0].row(b2)) == std::vector<MsgId>{1, 3});

  ph.seek(3.15);  // b1 truncated m2: gone from its row
  tapes = replica_tapes(ph.state());
  CHECK(msgs(tapes[0].row(b1)) == std::vector<MsgId>{1});
  CHECK(tapes[0].row(b1)->log_end == 1);

  ph.seek(3.5);  // b1 copied m3 and is back in the ISR
  tapes = replica_tapes(ph.state());
  CHECK(msgs(tapes[0].row(b1)) == std::vector<MsgId>{1, 3});
  CHECK(tapes[0].row(b1)->in_isr);
  CHECK(tapes[0].isr_size == 3);
  CHECK(ph.state().raft_leader() == m->topo.find("ctl"));
  CHECK(ph.state().raft_term() == 1);

  // Timeline markers: the fence, the election, the truncation, the ISR expand.
  auto at = [&](MarkerKind k) -> const Marker* {
    for (const auto& mk : m->markers)
      if (mk.kind == k) return &mk;
    return nullptr;
  };
  REQUIRE(at(MarkerKind::Election));
  CHECK(at(MarkerKind::Election)->t == Approx(1.6));
  CHECK(at(MarkerKind::Election)->label.find("epoch 1") != std::string::npos);
  CHECK_FALSE(at(MarkerKind::UncleanElection));
  REQUIRE(at(MarkerKind::Fenced));
  REQUIRE(at(MarkerKind::Truncate));
  CHECK(at(MarkerKind::Truncate)->t == Approx(3.1));
  CHECK(at(MarkerKind::Truncate)->node == b1);
  REQUIRE(at(MarkerKind::IsrExpand));
  CHECK(at(MarkerKind::IsrExpand)->t == Approx(3.3));
  CHECK_FALSE(at(MarkerKind::IsrShrink));  // the election itself set the ISR b2,b3
  CHECK(at(MarkerKind::Crash));
}

TEST_CASE("memory alarm: a marker when raised, and the publisher drawn blocked until unblocked") {
  auto m = TraceModel::build(read_trace(std::string(GUI_TEST_DATA_DIR) + "/memory_alarm.jsonl"));
  Playhead ph(m);
  const NodeId shop = m->topo.find("shop");
  ph.seek(0.5);
  CHECK_FALSE(ph.state().blocked(shop));
  ph.seek(1.5);
  CHECK(ph.state().blocked(shop));
  ph.seek(2.5);
  CHECK_FALSE(ph.state().blocked(shop));
  std::size_t alarms = 0;
  for (const auto& mk : m->markers)
    if (mk.kind == MarkerKind::MemoryAlarm) {
      ++alarms;
      CHECK(mk.t == Approx(1.0));
    }
  CHECK(alarms == 1);  // raised once; clearing is not a marker
}

TEST_CASE("a slowed link shows its latency while the link_latency fault lasts, and none before or after") {
  Trace tr;
  tr.header.node_names = {"p1", "broker"};
  tr.header.node_roles = {"producer", "broker"};
  tr.header.raw = nlohmann::ordered_json::parse(
      R"({"links": [{"a": "p1", "b": "broker", "latency_ms": 5, "bandwidth_mbps": 100}]})");
  auto latency = [&](double t, std::int64_t us) {
    Event e;
    e.t = t;
    e.kind = ev::LinkLatency;
    e.node = 0;
    e.peer = 1;
    e.seq = us;
    tr.events.push_back(e);
  };
  latency(1.0, 300000);  // slowed to 300 ms
  latency(2.0, 5000);    // its own 5 ms again
  const Topology topo(tr);
  CHECK(topo.link_slow_ms(0, 1, 0.5) == 0);
  CHECK(topo.link_slow_ms(1, 0, 1.0) == 300);
  CHECK(topo.link_slow_ms(0, 1, 1.99) == 300);
  CHECK(topo.link_slow_ms(0, 1, 2.0) == 0);
}
