#include "run/world.hpp"

#include <algorithm>
#include <cmath>

namespace bs::simrun {
namespace sg = simgrid::s4u;

void node_actor(World* w, NodeId id) {
  Node& node = *w->nodes[id];
  // Frames complete into the mailbox without waiting for a get (SimGrid's TCP model), so
  // senders are served in parallel, not one rendezvous at a time.
  w->mailboxes[id]->set_receiver(sg::Actor::self());
  TimerHeap timers;  // dies with the actor: a crash forgets every pending timer
  {
    Context ctx = w->context(id);
    node.on_start(ctx);
    w->flush(id, ctx, &timers);
  }
  void* payload = nullptr;
  std::vector<sg::CommPtr> comms{w->mailboxes[id]->get_async(&payload)};
  // CPU completions arrive on a second mailbox, listened to only once the node has asked
  // for CPU work: a node that never computes waits on its network mailbox alone.
  NodeCpu& cpu = *w->cpus[id];
  void* done = nullptr;
  auto listen_cpu = [&] {
    if (comms.size() > 1 || !cpu.active()) return;
    cpu.done_mailbox()->set_receiver(sg::Actor::self());
    comms.push_back(cpu.done_mailbox()->get_async(&done));
  };
  for (;;) {
    const double now = sg::Engine::get_clock();
    while (!timers.empty() && timers.top().at <= now) {
      const Timer t = timers.top().timer;
      timers.pop();
      Context ctx = w->context(id);
      node.on_timer(ctx, t);
      w->flush(id, ctx, &timers);
    }
    listen_cpu();
    const double timeout = timers.empty() ? -1.0 : timers.top().at - now;
    const ssize_t ready = sg::Comm::wait_any_for(comms, timeout);
    if (ready < 0) continue;  // a timer is due
    if (ready == 1) {
      const std::optional<Timer> t = cpu.take_done(done);
      comms[1] = cpu.done_mailbox()->get_async(&done);
      if (!t) continue;  // completed before the last crash
      Context ctx = w->context(id);
      node.on_timer(ctx, *t);
      w->flush(id, ctx, &timers);
      continue;
    }
    const auto pkt = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(payload));
    comms[0] = w->mailboxes[id]->get_async(&payload);
    // A transmission declared lost (crash, link down) yields nothing; one that overtook
    // an earlier frame of its connection waits inside the network until that one lands.
    for (Frame& f : w->net->arrive(pkt)) {
      Context ctx = w->context(id);
      for (const auto& p : f.packets) node.on_packet(ctx, f.from, p);
      w->flush(id, ctx, &timers);
    }
  }
}

void World::start_actor(NodeId id) {
  actors[id] = sg::Actor::create(scenario->node_names[id], hosts[id], node_actor, this, id);
}

void fault_injector(World* w, std::vector<FaultSpec> faults) {
  for (const auto& f : faults) {
    if (f.at_s > sg::Engine::get_clock()) sg::this_actor::sleep_until(f.at_s);
    switch (f.kind) {
      case FaultSpec::Kind::Crash: {
        if (!w->up[f.node]) break;
        w->emit(Event{.kind = ev::Crash, .node = f.node});
        w->up[f.node] = false;
        Context ctx = w->context(f.node);
        w->nodes[f.node]->on_crash(ctx);
        ctx.outgoing().clear();  // a dead node sends nothing
        // SimGrid's host stays on: only the process dies. Turning hosts off makes SimGrid
        // fail comms in ways that can abort the run; the network resets the connections.
        w->actors[f.node]->kill();
        w->actors[f.node] = nullptr;
        w->cpus[f.node]->crash();
        w->net->reset_node(f.node);
        break;
      }
      case FaultSpec::Kind::Restart: {
        if (w->up[f.node]) break;
        w->up[f.node] = true;
        w->emit(Event{.kind = ev::Restart, .node = f.node});
        w->start_actor(f.node);
        break;
      }
      case FaultSpec::Kind::LinkDown:
      case FaultSpec::Kind::LinkUp: {
        const bool down = f.kind == FaultSpec::Kind::LinkDown;
        if (down == !w->net->link_up(f.node, f.peer)) break;
        w->emit(Event{.kind = down ? ev::LinkDown : ev::LinkUp, .node = f.node, .peer = f.peer});
        w->net->set_link(f.node, f.peer, !down);
        break;
      }
      case FaultSpec::Kind::LinkLatency: {
        // A slow link: frames sent from now on take the new latency; frames already on
        // the wire keep the one they started with.
        const auto ends = std::minmax(f.node, f.peer);
        const double extra = std::max(0.0, f.latency_s - find_link(*w->scenario, f.node, f.peer)->latency_s);
        const auto was = w->extra_latency.find(ends);
        if ((was == w->extra_latency.end() ? 0.0 : was->second) == extra) break;
        if (extra > 0) w->extra_latency[ends] = extra;
        else w->extra_latency.erase(ends);
        w->emit(Event{.kind = ev::LinkLatency, .node = f.node, .peer = f.peer,
                      .seq = static_cast<std::int64_t>(std::llround(f.latency_s * 1e6))});
        break;
      }
    }
  }
}

}  // namespace bs::simrun
