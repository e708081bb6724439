// Shared state of one simulated run: the nodes' state machines and their SimGrid
// resources. Lives for the whole run; actors come and go with crashes and restarts.
#pragma once
#include <map>
#include <memory>
#include <queue>
#include <utility>
#include <vector>

#include <simgrid/s4u.hpp>

#include "core/node.hpp"
#include "net/network.hpp"
#include "run/cpu.hpp"
#include "scenario/scenario.hpp"

namespace bs::simrun {

/// A node's pending timers, earliest first; ties keep the order they were set in.
struct PendingTimer {
  double at;
  std::uint64_t order;
  Timer timer;
  bool operator>(const PendingTimer& o) const { return at != o.at ? at > o.at : order > o.order; }
};
using TimerHeap = std::priority_queue<PendingTimer, std::vector<PendingTimer>, std::greater<>>;

struct World {
  const Scenario* scenario = nullptr;
  RunShared shared;
  std::vector<std::unique_ptr<Node>> nodes;
  std::vector<Rng> rngs;
  std::vector<bool> up;
  std::vector<simgrid::s4u::Host*> hosts;
  std::vector<simgrid::s4u::Mailbox*> mailboxes;
  std::vector<simgrid::s4u::ActorPtr> actors;  ///< the running actor of each node (null while down)
  std::vector<std::unique_ptr<NodeCpu>> cpus;   ///< each node's lanes of CPU work
  std::unique_ptr<Network> net;
  /// Extra one-way latency of a slowed link (a link_latency fault), in simulated
  /// seconds, by its ends (lower id first); absent = the link's own latency.
  std::map<std::pair<NodeId, NodeId>, double> extra_latency;
  EventSink* sink = nullptr;
  MsgId msg_ids = 0;
  std::uint64_t timer_order = 0;
  std::uint64_t events = 0;

  /// A Context for node `id` at the current simulated time.
  Context context(NodeId id);
  /// Send what the handler queued (one frame per peer), arm its timers and queue its CPU work.
  void flush(NodeId id, Context& ctx, TimerHeap* timers);
  void emit(Event e);
  /// Put a transmission on the SimGrid wire from `from`'s host. Called by the network.
  void transmit(NodeId from, NodeId to, std::uint64_t pkt, std::uint64_t bytes);
  /// Start node `id`'s actor (boot and restart).
  void start_actor(NodeId id);
};

/// The actor body of node `id`: start the state machine, then feed it frames and timers.
void node_actor(World* w, NodeId id);
/// The actor that applies the fault schedule at its simulated times.
void fault_injector(World* w, std::vector<FaultSpec> faults);

}  // namespace bs::simrun
