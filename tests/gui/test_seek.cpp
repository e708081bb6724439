// Seeking through checkpoints: the Playhead restores a copy of the folded state (SimState
// and its checker ledger) and replays a window. Whatever the path, the state at event n
// must be exactly the one a replay from the start gives: same ledger totals, queues,
// consumers, partitions and lost messages. Checked on real lesson traces (lesson 3,
// queue model with a crash and a redelivery; lesson 12, a consumer group rebalancing),
// the hand-made ones, and a generated trace of 30,000 messages with redeliveries.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "model/playhead.hpp"

using namespace bs;
using namespace bs::gui;

namespace {

// Everything a view can read from a state, as text, so two states compare in one line.
std::string describe(const SimState& s) {
  std::ostringstream o;
  o << totals_json(s.ledger().totals()).dump() << '\n';
  for (const auto& q : s.queues()) {
    o << "queue " << q.name << " on " << q.broker << " enq " << q.enqueued << " acked " << q.acked << " dropped "
      << q.dropped << " dl " << q.dead_lettered << " requeued " << q.requeued << " term " << q.term << " ci "
      << q.commit_index << " promotions " << q.promotions << "\n ready";
    for (const auto& r : q.ready) o << ' ' << r.msg << '@' << r.position << (r.redelivered ? "R" : "") << '/' << r.t_since;
    for (const auto& [c, v] : q.unacked) {
      o << "\n unacked " << c << ':';
      for (const auto& u : v) o << ' ' << u.msg << '#' << u.tag << '@' << u.position << (u.redelivered ? "R" : "");
    }
    for (const auto& [c, p] : q.prefetch) o << "\n prefetch " << c << '=' << p << (q.closed.count(c) ? " closed" : "");
    for (const auto& [n, sync] : q.mirrors) o << "\n mirror " << n << '=' << sync;
    o << '\n';
  }
  for (const auto& [n, c] : s.consumers()) {
    o << "consumer " << n << " late " << c.reordered << " dup " << c.duplicates << ':';
    for (const auto& p : c.processed)
      o << ' ' << p.msg << p.queue << '@' << p.position << (p.redelivered ? "R" : "") << (p.reordered ? "L" : "")
        << (p.duplicate ? "D" : "") << '/' << p.event;
    o << '\n';
  }
  for (const auto& p : s.partitions()) {
    o << "partition " << p.name << " leader " << p.leader << " start " << p.log_start << " next " << p.next_offset << ':';
    for (const auto& r : p.records) o << ' ' << r.offset << '=' << r.msg << r.key;
    for (auto b : p.segment_bases) o << " seg" << b;
    for (const auto& [c, cur] : p.cursors) o << " cursor " << c << '=' << cur.position << '/' << cur.committed << cur.group;
    o << '\n';
  }
  for (const auto& r : s.ledger().replication())
    o << "replication " << r.partition << " leader " << r.leader << " hw " << r.high_watermark << " isr " << r.isr.size() << '\n';
  o << "lost";
  for (const auto& l : s.lost()) o << ' ' << l.msg << '/' << l.event;
  o << "\nraft " << s.raft_leader() << '/' << s.raft_term() << '\n';
  return o.str();
}

// Seeks to `targets` in the given (jumping) order with checkpoints every `every` events,
// and compares each state with a forward replay from the start to the same event.
void check_seeks(const std::shared_ptr<const TraceModel>& m, std::size_t every, const std::vector<std::size_t>& targets) {
  std::vector<std::size_t> sorted = targets;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  std::map<std::size_t, std::string> expected;
  Playhead forward(m, SIZE_MAX / 2);  // never restores: applies events one by one from the start
  for (std::size_t n : sorted) {
    forward.seek_to_event(n);
    REQUIRE(forward.applied() == std::min(n, m->trace.events.size()));
    expected[n] = describe(forward.state());
  }
  Playhead ph(m, every);
  REQUIRE(ph.checkpoint_count() == (m->trace.events.size() + every - 1) / every);
  for (std::size_t n : targets) {
    INFO("seek to event " << n << " of " << m->trace.events.size() << ", checkpoints every " << every);
    ph.seek_to_event(n);
    REQUIRE(ph.applied() == std::min(n, m->trace.events.size()));
    REQUIRE(describe(ph.state()) == expected[n]);
  }
}

// End, start, middle, then back and forth: every kind of jump (back to the previous
// checkpoint, back across many, forward past the current state, forward within a window).
std::vector<std::size_t> jumps(std::size_t n_events) {
  std::vector<std::size_t> t = {n_events, 0, n_events / 2, n_events / 2 + 1, n_events / 3, n_events - 1, 1, n_events + 5};
  std::uint64_t x = 12345;
  for (int i = 0; i < 40; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    t.push_back(static_cast<std::size_t>((x >> 33) % (n_events + 1)));
  }
  return t;
}

// A queue trace as the simulator writes it: `n` messages published by p1 to queue work,
// delivered round-robin to c1..c3 with prefetch 50; every 37th delivery is lost with its
// consumer's connection and redelivered; every 101st message is processed after the next one.
std::string big_queue_trace(std::size_t n) {
  const std::string path = (std::filesystem::temp_directory_path() / fmt::format("bs_seek_{}.jsonl", n)).string();
  std::ofstream f(path);
  f << R"({"type":"header","format":"brokersim-trace","version":1,"scenario":"seek-test","model":"queue","seed":1,)"
    << R"("nodes":[{"name":"broker","role":"broker"},{"name":"p1","role":"producer"},{"name":"c1","role":"consumer"},)"
    << R"({"name":"c2","role":"consumer"},{"name":"c3","role":"consumer"}],"queues":["work"]})" << '\n';
  for (int c = 1; c <= 3; ++c)
    f << fmt::format(R"({{"t":0.0,"kind":"consumer_up","node":"broker","consumer":"c{}","queue":"work","prefetch":50,"auto_ack":false}})", c)
      << '\n';
  std::int64_t tag = 0;
  for (std::size_t m = 1; m <= n; ++m) {
    const double t = static_cast<double>(m) * 1e-3;
    const int c = 1 + static_cast<int>(m % 3);
    f << fmt::format(R"({{"t":{},"kind":"publish","node":"p1","msg":{},"broker":"broker","seq":{},"mandatory":false,"routing_key":"work"}})", t, m, m)
      << '\n';
    f << fmt::format(R"({{"t":{},"kind":"enqueue","node":"broker","msg":{},"queue":"work","position":{}}})", t, m, m) << '\n';
    f << fmt::format(R"({{"t":{},"kind":"deliver","node":"broker","msg":{},"consumer":"c{}","queue":"work","tag":{},"position":{},"redelivered":false}})",
                     t, m, c, ++tag, m)
      << '\n';
    bool redelivered = false;
    if (m % 37 == 0) {
      f << fmt::format(R"({{"t":{},"kind":"requeue","node":"broker","msg":{},"consumer":"c{}","queue":"work","position":{},"reason":"connection_lost"}})",
                       t + 2e-4, m, c, m)
        << '\n';
      f << fmt::format(R"({{"t":{},"kind":"deliver","node":"broker","msg":{},"consumer":"c{}","queue":"work","tag":{},"position":{},"redelivered":true}})",
                       t + 3e-4, m, c, ++tag, m)
        << '\n';
      redelivered = true;
    }
    if (m % 101 == 0) continue;
    auto process = [&](std::size_t id, int cc, bool redo, double at) {
      f << fmt::format(R"({{"t":{},"kind":"process","node":"c{}","msg":{},"producer":"p1","queue":"work","tag":{},"redelivered":{}}})", at,
                       cc, id, tag, redo)
        << '\n';
      f << fmt::format(R"({{"t":{},"kind":"ack","node":"broker","msg":{},"consumer":"c{}","queue":"work","tag":{}}})", at, id, cc, tag) << '\n';
    };
    process(m, c, redelivered, t + 5e-4);
    if (m % 101 == 1 && m > 1) process(m - 1, 1 + static_cast<int>((m - 1) % 3), false, t + 6e-4);
  }
  return path;
}

}  // namespace

TEST_CASE("a seek through a checkpoint gives the state a replay from the start gives: lesson traces") {
  for (const char* name : {"lesson03_trace.jsonl", "lesson12_trace.jsonl", "ack_redelivery.jsonl", "log_model.jsonl",
                           "cluster.jsonl", "replication.jsonl", "memory_alarm.jsonl"}) {
    INFO(name);
    auto m = TraceModel::build(read_trace(std::string(GUI_TEST_DATA_DIR) + "/" + name));
    const std::size_t n = m->trace.events.size();
    REQUIRE(n >= 4);
    check_seeks(m, 7, jumps(n));
    check_seeks(m, std::max<std::size_t>(n / 3, 1), jumps(n));
  }
}

TEST_CASE("a seek through a checkpoint gives the state a replay from the start gives: 30,000 messages") {
  const std::string path = big_queue_trace(30000);
  auto m = TraceModel::build(read_trace(path));
  std::filesystem::remove(path);
  const std::size_t n = m->trace.events.size();
  REQUIRE(n > 150000);
  check_seeks(m, 5000, jumps(n));
  // The trace really has what the comparison is about.
  Playhead ph(m, 5000);
  ph.seek_to_event(n);
  const Totals t = ph.state().ledger().totals();
  CHECK(t.redelivered == 30000 / 37);
  CHECK(t.reordered_across_consumers > 0);
  CHECK(t.acked == 30000);
  CHECK(t.processed == 30000);
  // Checkpoints of the default spacing keep a seek's replay window bounded.
  Playhead dflt(m);
  CHECK(dflt.checkpoint_every() >= 10000);
  CHECK(dflt.checkpoint_count() == (n + dflt.checkpoint_every() - 1) / dflt.checkpoint_every());
}

TEST_CASE("copies of a state share its processed boxes until one goes another way") {
  struct Box {
    std::size_t event = 0;
  };
  SharedPrefix<Box> a;
  for (std::size_t i = 0; i < 5; ++i) a.push_back(Box{i * 10});
  SharedPrefix<Box> b = a, c = a;
  // b replays the same events further: it extends the shared list.
  b.push_back(Box{50});
  CHECK(a.size() == 5);
  CHECK(b.size() == 6);
  CHECK(b.back().event == 50);
  CHECK(a.end() == a.begin() + 5);
  CHECK(b.begin() == a.begin());  // one vector, two lengths
  // c, a copy from before, meets the same entry: it shares it instead of copying.
  c.push_back(Box{50});
  CHECK(c.begin() == b.begin());
  // a goes another way: it gets a list of its own, the others keep theirs.
  a.push_back(Box{99});
  CHECK(a.begin() != b.begin());
  CHECK(a.back().event == 99);
  CHECK(b.back().event == 50);
  CHECK(c.size() == 6);
  std::vector<std::size_t> seen;
  for (auto it = a.rbegin(); it != a.rend(); ++it) seen.push_back(it->event);
  CHECK(seen == std::vector<std::size_t>{99, 40, 30, 20, 10, 0});
}
