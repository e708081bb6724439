#include <simgrid/Exception.hpp>

#include "run/world.hpp"

namespace bs::simrun {
namespace sg = simgrid::s4u;

void node_actor(World* w, NodeId id) {
  Node& node = *w->nodes[id];
  TimerHeap timers;  // dies with the actor: a crash forgets every pending timer
  {
    Context ctx = w->context(id);
    node.on_start(ctx);
    w->flush(id, ctx, &timers);
  }
  void* payload = nullptr;
  std::vector<sg::CommPtr> comms{w->mailboxes[id]->get_async(&payload)};
  for (;;) {
    const double now = sg::Engine::get_clock();
    while (!timers.empty() && timers.top().at <= now) {
      const Timer t = timers.top().timer;
      timers.pop();
      Context ctx = w->context(id);
      node.on_timer(ctx, t);
      w->flush(id, ctx, &timers);
    }
    const double timeout = timers.empty() ? -1.0 : timers.top().at - now;
    ssize_t ready;
    try {
      ready = sg::Comm::wait_any_for(comms, timeout);
    } catch (const simgrid::NetworkFailureException&) {
      // The frame being received died on the wire; its sender's cleanup traced the drop.
      comms[0] = w->mailboxes[id]->get_async(&payload);
      continue;
    }
    if (ready < 0) continue;  // a timer is due
    std::unique_ptr<Frame> f(static_cast<Frame*>(payload));
    comms[0] = w->mailboxes[id]->get_async(&payload);
    if (f->sent_at < w->incarnation_start[id]) {
      // Addressed to this node's previous life: the connection it belonged to is gone.
      if (w->trace_network) {
        Event e{.kind = EventKind::NetDrop, .node = id, .peer = f->from, .text = "stale_incarnation"};
        e.pkt = f->pkt;
        w->emit(std::move(e));
      }
      continue;
    }
    if (w->trace_network) {
      Event e{.kind = EventKind::NetRecv, .node = id, .peer = f->from};
      e.pkt = f->pkt;
      w->emit(std::move(e));
    }
    Context ctx = w->context(id);
    for (const auto& p : f->packets) node.on_packet(ctx, f->from, p);
    w->flush(id, ctx, &timers);
  }
}

void fault_injector(World* w, std::vector<FaultSpec> faults) {
  for (const auto& f : faults) {
    if (f.at_s > sg::Engine::get_clock()) sg::this_actor::sleep_until(f.at_s);
    switch (f.kind) {
      case FaultSpec::Kind::Crash: {
        if (!w->up[f.node]) break;
        w->emit(Event{.kind = EventKind::Crash, .node = f.node});
        w->up[f.node] = false;
        Context ctx = w->context(f.node);
        w->nodes[f.node]->on_crash(ctx);
        ctx.outgoing().clear();  // a dead node sends nothing
        w->hosts[f.node]->turn_off();
        break;
      }
      case FaultSpec::Kind::Restart: {
        if (w->up[f.node]) break;
        w->hosts[f.node]->turn_on();
        w->up[f.node] = true;
        w->incarnation_start[f.node] = sg::Engine::get_clock();
        w->emit(Event{.kind = EventKind::Restart, .node = f.node});
        sg::Actor::create(w->scenario->node_names[f.node], w->hosts[f.node], node_actor, w, f.node);
        break;
      }
      case FaultSpec::Kind::LinkDown:
      case FaultSpec::Kind::LinkUp: {
        auto* link = w->links.at({f.node, f.peer});
        const bool down = f.kind == FaultSpec::Kind::LinkDown;
        if (down == !link->is_on()) break;
        if (down) link->turn_off(); else link->turn_on();
        w->emit(Event{.kind = down ? EventKind::LinkDown : EventKind::LinkUp, .node = f.node, .peer = f.peer});
        break;
      }
    }
  }
}

}  // namespace bs::simrun
