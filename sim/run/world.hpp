// Shared state of one simulated run: the nodes' state machines and their SimGrid
// resources. Lives for the whole run; actors come and go with crashes and restarts.
#pragma once
#include <map>
#include <memory>
#include <queue>
#include <utility>
#include <vector>

#include <simgrid/s4u.hpp>

#include "common/node.hpp"
#include "scenario/scenario.hpp"

namespace bs::simrun {

/// What crosses the network: every packet one handler produced for one peer.
struct Frame {
  NodeId from = kNoNode, to = kNoNode;
  std::uint64_t pkt = 0;
  double sent_at = 0;
  std::vector<Packet> packets;
};

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
  std::vector<double> incarnation_start;  ///< frames sent before this are from a past life
  std::vector<bool> up;
  std::vector<simgrid::s4u::Host*> hosts;
  std::vector<simgrid::s4u::Mailbox*> mailboxes;
  std::map<std::pair<NodeId, NodeId>, simgrid::s4u::Link*> links;  ///< both orders
  EventSink* sink = nullptr;
  bool trace_network = false;
  MsgId msg_ids = 0;
  std::uint64_t next_pkt = 0;
  std::uint64_t timer_order = 0;
  std::uint64_t events = 0;

  /// A Context for node `id` at the current simulated time.
  Context context(NodeId id);
  /// Send what the handler queued (one frame per peer) and arm its timers.
  void flush(NodeId id, Context& ctx, TimerHeap* timers);
  void emit(Event e);
};

/// The actor body of node `id`: start the state machine, then feed it frames and timers.
void node_actor(World* w, NodeId id);
/// The actor that applies the fault schedule at its simulated times.
void fault_injector(World* w, std::vector<FaultSpec> faults);

}  // namespace bs::simrun
