// Stepping by meaning, markers for lesson-worthy events and what the views must not
// hide, on small traces written here (each tells its story in its comment).
#include <cstdio>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "model/time_window.hpp"
#include "model/trace_model.hpp"
#include "vocabulary/vocabulary.hpp"

using namespace bs;
using namespace bs::gui;

namespace {
std::shared_ptr<const TraceModel> from_lines(const std::string& name, const std::string& header_extra,
                                             const std::string& events) {
  const std::string path = std::string(GUI_TEST_BUILD_DIR) + "/" + name + ".jsonl";
  std::ofstream(path) << R"({"type":"header","format":"brokersim-trace","version":1,"brokersim":"0.1.0","scenario":")" << name
                      << R"(","seed":1,"duration_s":10,)" << header_extra << "}\n"
                      << events;
  return TraceModel::build(read_trace(path));
}
std::shared_ptr<const TraceModel> ack_fixture() {
  static auto m = TraceModel::build(read_trace(std::string(GUI_TEST_DATA_DIR) + "/ack_redelivery.jsonl"));
  return m;
}
}  // namespace

TEST_CASE("→ stops only at events that change what is drawn, Alt+→ at every frame") {
  auto m = ack_fixture();
  const auto& ev = m->trace.events;
  // Every meaning stop is the time of an event that is not a frame or a positive confirm.
  for (double t : m->steps.meaning()) {
    bool seen = false;
    for (const Event& e : ev)
      if (e.t == t && !is_frame_or_bookkeeping(e)) seen = true;
    CHECK(seen);
  }
  // ... and every such event is a stop.
  for (const Event& e : ev)
    if (!is_frame_or_bookkeeping(e))
      CHECK(std::binary_search(m->steps.meaning().begin(), m->steps.meaning().end(), e.t));
  // Frames give more stops, and include every meaning stop.
  CHECK(m->steps.frames().size() > m->steps.meaning().size());
  CHECK(std::includes(m->steps.frames().begin(), m->steps.frames().end(), m->steps.meaning().begin(), m->steps.meaning().end()));
  // From the first publish, → skips its frame's arrival and lands on the enqueue.
  double t = m->next_step(0.1);
  CHECK(m->next_frame(0.1) <= t);
  bool enqueue_at_t = false;
  for (const Event& e : ev) enqueue_at_t |= e.t == t && e.kind == ev::Enqueue;
  CHECK(enqueue_at_t);
  CHECK(m->prev_step(t) == Approx(0.1));
}

TEST_CASE("a commit that does not move the offset and a follower's Raft commit are not stops") {
  auto m = from_lines("steps_commit", R"("model":"log","nodes":[{"name":"broker","role":"broker"},{"name":"c1","role":"consumer"}])",
                      R"({"t":1.0,"kind":"commit","node":"broker","consumer":"c1","partition":"t/0","offset":3,"generation":1,"group":"g"}
{"t":2.0,"kind":"commit","node":"broker","consumer":"c1","partition":"t/0","offset":3,"generation":1,"group":"g"}
{"t":3.0,"kind":"commit","node":"broker","consumer":"c1","partition":"t/0","offset":3,"generation":0,"group":"g","rejected":true}
{"t":4.0,"kind":"commit","node":"broker","consumer":"c1","partition":"t/0","offset":5,"generation":1,"group":"g"}
{"t":5.0,"kind":"raft_leader","node":"broker","group":"queue q","term":1,"last_index":1}
{"t":6.0,"kind":"raft_commit","node":"c1","group":"queue q","term":1,"commit_index":1}
{"t":7.0,"kind":"raft_commit","node":"broker","group":"queue q","term":1,"commit_index":1}
)");
  CHECK(m->steps.meaning() == std::vector<double>{1.0, 3.0, 4.0, 5.0, 7.0});
  CHECK(m->next_step(1.0) == 3.0);   // the repeated commit at 2 s is passed
  CHECK(m->next_frame(1.0) == 2.0);  // but not when stepping every event
  CHECK(m->next_step(5.0) == 7.0);   // the follower's Raft commit at 6 s is passed
  CHECK(m->activity_end == 7.0);
}

namespace {
// p1 publishes m1..m3 (confirmed); the broker hands m1 and m2 to the auto-ack consumer c1
// and m3 to c2 (acked mode); c1 processes m1, then crashes holding m2. c2 skips m3 as a
// duplicate it had seen (idempotent consumer).
const char* kAutoAck = R"({"t":0.0,"kind":"consumer_up","node":"broker","consumer":"c1","queue":"work","prefetch":0,"auto_ack":true}
{"t":0.0,"kind":"consumer_up","node":"broker","consumer":"c2","queue":"work","prefetch":1,"auto_ack":false}
{"t":0.1,"kind":"publish","node":"p1","msg":1,"broker":"broker","exchange":"","routing_key":"work","seq":1,"mandatory":false}
{"t":0.11,"kind":"enqueue","node":"broker","msg":1,"queue":"work","position":1}
{"t":0.11,"kind":"deliver","node":"broker","msg":1,"consumer":"c1","queue":"work","tag":1,"position":1,"redelivered":false,"mode":"auto_ack"}
{"t":0.12,"kind":"confirm","node":"p1","msg":1,"broker":"broker","seq":1,"ack":true}
{"t":0.2,"kind":"publish","node":"p1","msg":2,"broker":"broker","exchange":"","routing_key":"work","seq":2,"mandatory":false}
{"t":0.21,"kind":"enqueue","node":"broker","msg":2,"queue":"work","position":2}
{"t":0.21,"kind":"deliver","node":"broker","msg":2,"consumer":"c1","queue":"work","tag":2,"position":2,"redelivered":false,"mode":"auto_ack"}
{"t":0.22,"kind":"confirm","node":"p1","msg":2,"broker":"broker","seq":2,"ack":true}
{"t":0.25,"kind":"process","node":"c1","msg":1,"producer":"p1","queue":"work","tag":1,"redelivered":false}
{"t":0.3,"kind":"publish","node":"p1","msg":3,"broker":"broker","exchange":"","routing_key":"work","seq":3,"mandatory":false}
{"t":0.31,"kind":"enqueue","node":"broker","msg":3,"queue":"work","position":3}
{"t":0.31,"kind":"deliver","node":"broker","msg":3,"consumer":"c2","queue":"work","tag":1,"position":3,"redelivered":false}
{"t":0.32,"kind":"confirm","node":"p1","msg":3,"broker":"broker","seq":3,"ack":true}
{"t":0.33,"kind":"process","node":"c2","msg":3,"producer":"p1","queue":"work","tag":1,"redelivered":false}
{"t":0.34,"kind":"deliver","node":"broker","msg":3,"consumer":"c2","queue":"work","tag":2,"position":3,"redelivered":true}
{"t":0.35,"kind":"duplicate_skipped","node":"c2","msg":3,"queue":"work","tag":2,"redelivered":true}
{"t":0.36,"kind":"ack","node":"broker","msg":3,"consumer":"c2","queue":"work","tag":2}
{"t":0.4,"kind":"crash","node":"c1"}
)";
const char* kQueueNodes =
    R"("model":"queue","queues":["work"],"nodes":[{"name":"broker","role":"broker"},{"name":"p1","role":"producer"},{"name":"c1","role":"consumer"},{"name":"c2","role":"consumer"}])";

SimState state_at(const TraceModel& m, double t) {
  SimState s = sim_state_for(m.trace);
  for (std::size_t i = 0; i < m.trace.events.size() && m.trace.events[i].t <= t; ++i) s.apply(m.trace.events[i], i);
  return s;
}
std::vector<MsgId> held_by(const SimState& s, const TraceModel& m, const char* consumer) {
  std::vector<MsgId> out;
  for (const auto& q : s.queues()) {
    auto it = q.held.find(m.topo.find(consumer));
    if (it != q.held.end())
      for (const auto& u : it->second) out.push_back(u.msg);
  }
  return out;
}
bool has_marker(const TraceModel& m, MarkerKind k, const std::string& label) {
  for (const Marker& mk : m.markers)
    if (mk.kind == k && mk.label == label) return true;
  return false;
}
}  // namespace

TEST_CASE("an auto-ack consumer holds what it was delivered until it processes it; a crash loses it") {
  auto m = from_lines("auto_ack", kQueueNodes, kAutoAck);
  SimState s = state_at(*m, 0.22);
  CHECK(held_by(s, *m, "c1") == std::vector<MsgId>{1, 2});  // delivered, settled, not processed
  for (const auto& q : s.queues()) CHECK(q.unacked.count(m->topo.find("c1")) == 0);  // no ack is owed
  CHECK(held_by(state_at(*m, 0.25), *m, "c1") == std::vector<MsgId>{2});
  SimState after = state_at(*m, 0.4);
  CHECK(held_by(after, *m, "c1").empty());
  REQUIRE(after.lost().size() == 1);
  CHECK(after.lost()[0].msg == 2);
  CHECK(after.lost()[0].queue == "work");
  CHECK(after.lost()[0].why == "c1 crashed holding it (auto-ack: no ack protected it)");
  CHECK(after.ledger().totals().lost == 1);
  CHECK(has_marker(*m, MarkerKind::Loss, "m2 lost: c1 crashed holding it (auto-ack: no ack protected it)"));
}

TEST_CASE("an idempotent consumer's skipped duplicate is kept, in order, and counted as the checker does") {
  auto m = from_lines("skipped", kQueueNodes, kAutoAck);
  SimState s = state_at(*m, 1.0);
  const auto& c2 = s.consumers().at(m->topo.find("c2"));
  REQUIRE(c2.skipped.size() == 1);
  CHECK(c2.skipped[0].msg == 3);
  CHECK(c2.skipped[0].redelivered);
  CHECK(c2.skipped[0].event > c2.processed[0].event);
  CHECK(s.ledger().totals().consumers.at("c2").duplicates_skipped == 1);
  CHECK(c2.processed.size() == 1);  // skipping is not processing
}

TEST_CASE("markers for the queue model's lesson events") {
  auto m = from_lines("queue_markers", kQueueNodes,
                      R"({"t":0.1,"kind":"unroutable","node":"broker","msg":4,"producer":"p1","exchange":"orders","returned":false}
{"t":0.2,"kind":"unroutable","node":"broker","msg":5,"producer":"p1","exchange":"orders","returned":true}
{"t":0.21,"kind":"returned","node":"p1","msg":5,"broker":"broker","routing_key":"asia"}
{"t":0.3,"kind":"dead_letter","node":"broker","msg":6,"queue":"work","dead_letter_exchange":"dlx:rejected"}
{"t":0.4,"kind":"drop","node":"broker","msg":7,"queue":"work","reason":"expired","position":7}
{"t":0.5,"kind":"connection_blocked","node":"p1","broker":"broker","blocked":true,"reason":"low on memory"}
{"t":0.6,"kind":"connection_blocked","node":"p1","broker":"broker","blocked":false,"reason":""}
)");
  CHECK(has_marker(*m, MarkerKind::Returned, "m4 unroutable at exchange 'orders': no binding matched, dropped"));
  CHECK(has_marker(*m, MarkerKind::Returned, "m5 returned to p1 (basic.return: no queue for key 'asia')"));
  CHECK(has_marker(*m, MarkerKind::DeadLetter, "m6 dead-lettered from work to exchange dlx (rejected)"));
  CHECK(has_marker(*m, MarkerKind::Expired, "m7 expired in work (message TTL): dropped"));
  CHECK(has_marker(*m, MarkerKind::Blocked, "p1 blocked by broker (connection.blocked: low on memory)"));
  CHECK(m->markers.size() == 5);  // one per event; the unblock and the returned message's unroutable are not marked twice
  CHECK(m->next_marker(0.0) == Approx(0.1));
  CHECK(m->next_marker(0.21) == Approx(0.3));
  CHECK(m->prev_marker(0.3) == Approx(0.21));
  CHECK(m->next_marker(0.5) == Approx(0.5));  // no marker after the last: stay
}

TEST_CASE("markers for a consumer group's rebalance and seeks") {
  auto m = from_lines("log_markers",
                      R"("model":"log","nodes":[{"name":"broker","role":"broker"},{"name":"c1","role":"consumer"}])",
                      R"({"t":0.05,"kind":"rebalance","node":"broker","members":1,"generation":1,"group":"g"}
{"t":0.06,"kind":"offset_reset","node":"broker","consumer":"c1","partition":"t/0","offset":0,"group":"g"}
{"t":3.0,"kind":"rebalance","node":"broker","members":2,"generation":2,"group":"g"}
{"t":4.0,"kind":"offset_reset","node":"c1","consumer":"c1","partition":"t/0","offset":10,"from_offset":40,"group":"g"}
{"t":5.0,"kind":"offset_reset","node":"broker","consumer":"c1","partition":"t/0","offset":50,"from_offset":20,"group":"g"}
)");
  CHECK(has_marker(*m, MarkerKind::Rebalance, "group g forms (generation 1, 1 member)"));
  CHECK(has_marker(*m, MarkerKind::Rebalance, "group g rebalances: generation 2, 2 members"));
  CHECK(has_marker(*m, MarkerKind::Seek, "c1 seeks t/0 back from offset 40 to 10: 30 records read again"));
  CHECK(has_marker(*m, MarkerKind::Seek, "auto.offset.reset moves g on t/0 from offset 20 to 50: 30 records skipped"));
  CHECK(m->markers.size() == 4);  // the group's first position (no committed offset) is not a jump
}

TEST_CASE("the timeline fits the activity, zooms around a time, pans and follows the playhead") {
  // Lesson 11's shape: 1.66 s of activity in a 20 s run.
  TimeWindow w = TimeWindow::fit(1.66, 20.0);
  CHECK(w.t0 == 0.0);
  CHECK(w.t1 == Approx(1.876));
  CHECK(TimeWindow::fit(19.0, 20.0).t1 == 20.0);  // never past the end
  // Zooming in around 1.0 s keeps 1.0 s at the same place on screen.
  const double frac = (1.0 - w.t0) / w.span();
  w.zoom_at(1.0, 0.5, 20.0);
  CHECK(w.span() == Approx(0.938));
  CHECK((1.0 - w.t0) / w.span() == Approx(frac));
  // Zooming out stops at the whole run.
  for (int i = 0; i < 20; ++i) w.zoom_at(1.0, 2.0, 20.0);
  CHECK(w.t0 == 0.0);
  CHECK(w.t1 == 20.0);
  // Zooming in stops at 0.1 ms.
  for (int i = 0; i < 40; ++i) w.zoom_at(5.0, 0.5, 20.0);
  CHECK(w.span() == Approx(TimeWindow::kMinSpan));
  // Panning stays inside the run.
  w = TimeWindow{1.0, 3.0};
  w.pan(-5.0, 20.0);
  CHECK(w.t0 == 0.0);
  CHECK(w.t1 == 2.0);
  w.pan(100.0, 20.0);
  CHECK(w.t1 == 20.0);
  CHECK(w.span() == Approx(2.0));
  // The playhead leaving on the right turns the page: it is then a tenth in.
  w = TimeWindow{0.0, 2.0};
  w.follow(1.0, 20.0);
  CHECK(w.t0 == 0.0);  // visible: nothing moves
  w.follow(2.5, 20.0);
  CHECK(w.t0 == Approx(2.3));
  CHECK(w.t1 == Approx(4.3));
  w = TimeWindow{10.0, 12.0};
  w.follow(9.0, 20.0);  // stepping back past the left edge: it is then a tenth from the right
  CHECK(w.t1 == Approx(9.2));
  w.follow(0.5, 20.0);  // never before 0
  CHECK(w.t0 == 0.0);
  CHECK(w.t1 == Approx(2.0));
}

TEST_CASE("a stale ack the broker drops names no queue and makes no nameless queue appear") {
  // Lesson 10: c2's acks arrive after its connection was declared dead and are dropped.
  const std::string events = R"({"t":0.0,"kind":"consumer_up","node":"broker","consumer":"c2","queue":"work","prefetch":1,"auto_ack":false}
{"t":0.1,"kind":"publish","node":"p1","msg":1,"broker":"broker","exchange":"","routing_key":"work","mandatory":false}
{"t":0.11,"kind":"enqueue","node":"broker","msg":1,"queue":"work","position":1}
{"t":4.0,"kind":"drop","node":"broker","msg":1,"peer":"c2","tag":2,"reason":"stale_ack"}
)";
  auto m = from_lines("stale_ack", kQueueNodes, events);
  SimState s = state_at(*m, 5);
  REQUIRE(s.queues().size() == 1);
  CHECK(s.queues()[0].name == "work");
  CHECK(s.queues()[0].ready.size() == 1);  // the message itself is still where it was
}
