#include "model/checkpoints.hpp"

#include <algorithm>

namespace bs::gui {
namespace {
// A window this long replays in a few tens of milliseconds; below it, no checkpoints.
constexpr std::size_t kMinWindow = 10000;
constexpr std::size_t kMaxCheckpoints = 128;
}  // namespace

SimState initial_state(const Trace& tr, const Topology& topo) {
  SimState s = sim_state_for(tr);
  const auto& raw = tr.header.raw;
  if (raw.contains("queues") && raw["queues"].is_array())
    for (const auto& q : raw["queues"])
      if (q.is_string()) {
        const std::string name = q.get<std::string>();
        const auto slash = name.find('/');
        NodeId broker = slash == std::string::npos ? kNoNode : topo.find(name.substr(0, slash));
        if (broker != kNoNode && topo.role(broker) != Role::Broker) broker = kNoNode;
        s.declare_queue(name, broker);
      }
  return s;
}

std::size_t default_checkpoint_every(std::size_t events) { return std::max(kMinWindow, events / kMaxCheckpoints + 1); }

Checkpoints replay_with_checkpoints(const Trace& tr, const Topology& topo, std::size_t every,
                                    const std::function<void(std::size_t, const SimState&)>& each) {
  const std::size_t n = tr.events.size();
  Checkpoints c;
  c.every = every ? every : default_checkpoint_every(n);
  SimState s = initial_state(tr, topo);
  c.list.push_back(Checkpoints::Entry{0, s});
  // Without a consumer of each state, a trace within one window needs no replay at all.
  if (n <= c.every && !each) return c;
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0 && i % c.every == 0) c.list.push_back(Checkpoints::Entry{i, s});
    s.apply(tr.events[i], i);
    if (each) each(i, s);
  }
  return c;
}

}  // namespace bs::gui
