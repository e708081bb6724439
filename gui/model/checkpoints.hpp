// Copies of the folded state along a trace, taken in one replay, so that a seek anywhere
// in a long trace replays a short window rather than the whole trace.
#pragma once
#include <cstddef>
#include <functional>
#include <vector>

#include "model/sim_state.hpp"
#include "model/topology.hpp"
#include "trace/trace.hpp"

namespace bs::gui {

/// The folded state (SimState and its checker ledger) every `every` events. The
/// consumers' processed lists, which only grow, are shared with the replay's (SharedPrefix).
struct Checkpoints {
  struct Entry {
    std::size_t next = 0;  ///< events applied
    SimState state;
  };
  std::size_t every = 0;      ///< events between two entries
  std::vector<Entry> list;    ///< list[k].next == k * every; list[0] is the state before any event
};

/// The state before the first event: the checker's view of the header, and the queues it
/// declares ("b1/orders": a name two brokers share is qualified by the broker holding it).
SimState initial_state(const Trace& tr, const Topology& topo);

/// Events between checkpoints for a trace of `events` events when the caller does not
/// choose: a short trace replays from the start in well under a millisecond and gets only
/// the initial state; a long one gets at most 128 (each holds the messages in flight and
/// the ledger: about 0.75 MB for bench/queue-1m.json).
std::size_t default_checkpoint_every(std::size_t events);

/// Replay `tr` once from initial_state, keeping a checkpoint every `every` events (0: the
/// default), and call `each(i, state)` after applying event i, for every event in order
/// (the one pass that also finds the timeline's markers).
Checkpoints replay_with_checkpoints(const Trace& tr, const Topology& topo, std::size_t every,
                                    const std::function<void(std::size_t, const SimState&)>& each = {});

}  // namespace bs::gui
