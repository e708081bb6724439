#include "run/world.hpp"

namespace bs::simrun {
namespace sg = simgrid::s4u;

Context World::context(NodeId id) {
  return Context(sg::Engine::get_clock(), id, rngs[id], sink, &msg_ids);
}

void World::emit(Event e) {
  e.t = sg::Engine::get_clock();
  sink->on_event(e);
}

void World::flush(NodeId id, Context& ctx, TimerHeap* timers) {
  if (timers)
    for (auto& [at, t] : ctx.timers()) timers->push(PendingTimer{at, timer_order++, t});
  if (!ctx.computes().empty()) {
    for (const auto& c : ctx.computes()) cpus[id]->submit(c);
    ctx.computes().clear();
  }
  auto& out = ctx.outgoing();
  if (out.empty()) return;
  // One frame per destination, in the order destinations first appear: a real client
  // writes the frames of one step into one TCP segment.
  std::vector<std::pair<NodeId, std::vector<Packet>>> frames;
  for (auto& [to, p] : out) {
    std::vector<Packet>* f = nullptr;
    for (auto& [d, fr] : frames)
      if (d == to) f = &fr;
    if (!f) f = &frames.emplace_back(to, std::vector<Packet>{}).second;
    f->push_back(std::move(p));
  }
  out.clear();
  for (auto& [to, packets] : frames) net->send(id, to, std::move(packets));
}

void World::transmit(NodeId from, NodeId to, std::uint64_t pkt, std::uint64_t bytes) {
  // The payload is the transmission id; the frame itself stays in the Network.
  void* payload = reinterpret_cast<void*>(static_cast<std::uintptr_t>(pkt));
  if (sg::this_actor::get_host() == hosts[from]) {
    mailboxes[to]->put_init(payload, bytes)->detach();
    return;
  }
  // A retransmission after a link came back is started by the fault injector: the bytes
  // must still leave from the sender's host, so a one-shot actor there sends them.
  sg::Mailbox* mb = mailboxes[to];
  sg::Actor::create("retransmit", hosts[from], [mb, payload, bytes] { mb->put_init(payload, bytes)->detach(); });
}

}  // namespace bs::simrun
