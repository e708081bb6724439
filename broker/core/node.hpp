// The interface every simulated node implements: a deterministic state machine that
// reacts to packets, timers and restarts, and whose only outputs go through Context.
#pragma once
#include <cstdint>
#include <utility>
#include <vector>

#include "core/event.hpp"
#include "core/packet.hpp"
#include "core/rng.hpp"

namespace bs {

/// A timer a node asked for. kind and arg are the node's own; nodes ignore stale timers.
struct Timer {
  std::uint32_t kind = 0;
  std::uint64_t arg = 0;
};

/// What a node may do while handling one input: read the simulated clock and its RNG,
/// send packets, set timers, and record trace events. The host (SimGrid adapter or a
/// unit-test harness) drains the outputs after each call.
class Context {
 public:
  Context(double now, NodeId self, Rng& rng, EventSink* sink, MsgId* id_counter)
      : now_(now), self_(self), rng_(rng), sink_(sink), ids_(id_counter) {}

  /// Simulated time, seconds.
  double now() const { return now_; }
  NodeId self() const { return self_; }
  Rng& rng() { return rng_; }
  /// A fresh message id. Ids are global across producers (1, 2, 3, ... in publish order)
  /// so a lesson can say "message 4" without naming its producer.
  MsgId next_msg_id() { return ++*ids_; }
  /// Queue a packet for `to`; the host sends everything queued for one peer as one frame.
  void send(NodeId to, Packet p) { out_.emplace_back(to, std::move(p)); }
  /// Fire `t` after `delay_s` simulated seconds (>= 0).
  void set_timer(double delay_s, Timer t) { timers_.emplace_back(now_ + delay_s, t); }
  /// Record a trace event; time and node are filled in here.
  void emit(Event e) {
    if (!sink_) return;
    e.t = now_;
    if (e.node == kNoNode) e.node = self_;
    sink_->on_event(e);
  }
  /// True when someone records events; lets hot paths skip building them.
  bool tracing() const { return sink_ != nullptr; }

  std::vector<std::pair<NodeId, Packet>>& outgoing() { return out_; }
  /// Timers as (absolute simulated time, timer).
  std::vector<std::pair<double, Timer>>& timers() { return timers_; }

 private:
  double now_;
  NodeId self_;
  Rng& rng_;
  EventSink* sink_;
  MsgId* ids_;
  std::vector<std::pair<NodeId, Packet>> out_;
  std::vector<std::pair<double, Timer>> timers_;
};

/// A simulated node. The host calls on_start at boot and after every restart, on_crash
/// when the node's host dies (volatile state must be forgotten; durable state kept).
class Node {
 public:
  virtual ~Node() = default;
  virtual void on_start(Context& ctx) = 0;
  virtual void on_packet(Context& ctx, NodeId from, const Packet& p) = 0;
  virtual void on_timer(Context& ctx, const Timer& t) = 0;
  virtual void on_crash(Context& ctx) = 0;
};

}  // namespace bs
