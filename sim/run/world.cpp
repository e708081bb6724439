#include "run/world.hpp"

namespace bs::simrun {

Context World::context(NodeId id) {
  return Context(simgrid::s4u::Engine::get_clock(), id, rngs[id], sink, &msg_ids);
}

void World::emit(Event e) {
  e.t = simgrid::s4u::Engine::get_clock();
  sink->on_event(e);
}

void World::flush(NodeId id, Context& ctx, TimerHeap* timers) {
  if (timers)
    for (auto& [at, t] : ctx.timers()) timers->push(PendingTimer{at, timer_order++, t});
  auto& out = ctx.outgoing();
  if (out.empty()) return;
  // One frame per destination, in the order destinations first appear.
  std::vector<std::pair<NodeId, Frame*>> frames;
  for (auto& [to, p] : out) {
    Frame* f = nullptr;
    for (auto& [d, fr] : frames)
      if (d == to) f = fr;
    if (!f) {
      f = new Frame{id, to, ++next_pkt, ctx.now(), {}};
      frames.emplace_back(to, f);
    }
    f->packets.push_back(std::move(p));
  }
  out.clear();
  for (auto& [to, f] : frames) {
    std::uint64_t bytes = 0;
    for (const auto& p : f->packets) bytes += packet_bytes(p);
    if (trace_network) {
      Event e{.kind = EventKind::NetSend, .node = id, .peer = to, .seq = static_cast<std::int64_t>(bytes)};
      e.pkt = f->pkt;
      for (const auto& p : f->packets) e.items.push_back(NetItem{std::string(packet_op(p)), packet_msg(p)});
      emit(std::move(e));
    }
    if (!links.count({id, to})) {  // the loader only lets nodes talk over declared links
      if (trace_network) {
        Event e{.kind = EventKind::NetDrop, .node = id, .peer = id, .text = "no_route"};
        e.pkt = f->pkt;
        emit(std::move(e));
      }
      delete f;
      continue;
    }
    const std::uint64_t pkt = f->pkt;
    const NodeId from = id;
    mailboxes[to]->put_init(f, bytes)->detach([this, pkt, from, to](void* payload) {
      // SimGrid calls this for a detached comm that failed: a link went down, or an
      // end's host was turned off while the frame was on the wire.
      delete static_cast<Frame*>(payload);
      if (!trace_network) return;
      Event e{.kind = EventKind::NetDrop, .node = to, .peer = from};
      e.pkt = pkt;
      e.text = !up[to] ? "host_down" : !up[from] ? "sender_down" : "link_down";
      emit(std::move(e));
    });
  }
}

}  // namespace bs::simrun
