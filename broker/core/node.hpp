// The interface every simulated node implements: a deterministic state machine that
// reacts to packets, timers and restarts, and whose only outputs go through Context.
#pragma once
#include <cassert>
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

/// A request for CPU work, as queued by Context::compute: `work_s` seconds of one core's
/// work in serial lane `lane`, then `done` is delivered like a timer.
struct ComputeRequest {
  std::uint64_t lane = 0;
  double work_s = 0;
  Timer done;
};

/// What a node may do while handling one input: read the simulated clock and its RNG,
/// send packets, set timers, run work on its host's CPU, and record trace events. The
/// host (SimGrid adapter or a unit-test harness) drains the outputs after each call.
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
  /// Run `work_s` simulated seconds of one core's work (>= 0) on this node's host in serial
  /// lane `lane` (any number the node chooses, e.g. one per queue: RabbitMQ runs one Erlang
  /// process per queue). Work items of one lane run one after another in the order
  /// requested; different lanes run in parallel, sharing the host's cores as SimGrid's CPU
  /// model shares them: one item uses at most one core, and when more items run than the
  /// host has cores, each gets an equal share. When the item completes, `done` is delivered
  /// to on_timer like a timer. A crash forgets every lane's pending and running work (done
  /// never fires).
  void compute(std::uint64_t lane, double work_s, Timer done) {
    assert(work_s >= 0);
    computes_.push_back(ComputeRequest{lane, work_s, done});
  }
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
  /// CPU work requested by compute(), in request order.
  std::vector<ComputeRequest>& computes() { return computes_; }

 private:
  double now_;
  NodeId self_;
  Rng& rng_;
  EventSink* sink_;
  MsgId* ids_;
  std::vector<std::pair<NodeId, Packet>> out_;
  std::vector<std::pair<double, Timer>> timers_;
  std::vector<ComputeRequest> computes_;
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
