// A tiny deterministic harness that drives broker/ state machines without SimGrid:
// packets are handed over by hand, time is set by the test, outputs are inspected.
// CPU work (Context::compute) becomes a timer at the end of its lane's serial backlog,
// with no core sharing (serial_lanes.hpp).
#pragma once
#include <algorithm>
#include <vector>

#include "core/node.hpp"
#include "serial_lanes.hpp"

namespace bs::test {

/// Records every event a node emits.
struct Recorder : EventSink {
  std::vector<Event> events;
  void on_event(const Event& e) override { events.push_back(e); }
  std::vector<Event> of(EventKind k) const {
    std::vector<Event> out;
    for (const auto& e : events)
      if (e.kind == k) out.push_back(e);
    return out;
  }
};

/// One node under test with its clock, Rng and outputs.
struct Driver {
  Node& node;
  NodeId self;
  double now = 0;
  Rng rng{7};
  MsgId ids = 0;
  Recorder rec;
  std::vector<std::pair<NodeId, Packet>> sent;          ///< everything sent so far
  std::vector<std::pair<double, Timer>> timers;         ///< every timer set so far (CPU work's done timers too)
  SerialLanes lanes;                                    ///< when each CPU lane is free

  Driver(Node& n, NodeId id) : node(n), self(id) {}

  template <class F>
  void step(F&& f) {
    Context ctx(now, self, rng, &rec, &ids);
    f(ctx);
    for (auto& o : ctx.outgoing()) sent.push_back(std::move(o));
    for (auto& t : ctx.timers()) timers.push_back(t);
    for (auto& c : ctx.computes()) timers.emplace_back(lanes.finish(now, c), c.done);
  }
  void start() { step([&](Context& c) { node.on_start(c); }); }
  void packet(NodeId from, const Packet& p) { step([&](Context& c) { node.on_packet(c, from, p); }); }
  void timer(Timer t) { step([&](Context& c) { node.on_timer(c, t); }); }
  /// The node crashes: its lanes' backlog is forgotten. As with timers, done timers
  /// already in `timers` stay; the test decides what a crash does to them.
  void crash() {
    step([&](Context& c) { node.on_crash(c); });
    lanes.clear();
  }
  /// Fire every timer due at or before `t`, earliest first (timers set meanwhile too),
  /// removing each from `timers`; then the clock reads t.
  void run_until(double t) {
    for (;;) {
      auto it = std::min_element(timers.begin(), timers.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      if (it == timers.end() || it->first > t + 1e-12) break;
      const auto due = *it;
      timers.erase(it);
      now = due.first;
      timer(due.second);
    }
    now = t;
  }

  /// Packets of type T sent to `to` (all destinations when to == kNoNode), then cleared.
  template <class T>
  std::vector<T> take(NodeId to = kNoNode) {
    std::vector<T> out;
    std::vector<std::pair<NodeId, Packet>> rest;
    for (auto& [d, p] : sent) {
      if ((to == kNoNode || d == to) && p.template is<T>()) out.push_back(*p.template as<T>());
      else rest.emplace_back(d, std::move(p));
    }
    sent = std::move(rest);
    return out;
  }
};

}  // namespace bs::test
