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
  const auto slow = extra_latency.find(std::minmax(from, to));
  const double extra = slow == extra_latency.end() ? 0 : slow->second;
  if (extra == 0 && sg::this_actor::get_host() == hosts[from]) {
    mailboxes[to]->put_init(payload, bytes)->detach();
    return;
  }
  // A retransmission after a link came back is started by the fault injector: the bytes
  // must still leave from the sender's host, so a one-shot actor there sends them. A slow
  // link holds the frame back by its extra latency first. (Changing the SimGrid link's
  // latency instead stalls comms already in their latency phase, in SimGrid 3.32.) A
  // frame held here that the network declares lost meanwhile (a crash, a link outage) is
  // ignored when it arrives; one that a later frame overtakes is held by the receiver
  // until its turn, as TCP does.
  sg::Mailbox* mb = mailboxes[to];
  sg::Actor::create(extra > 0 ? "slow-link" : "retransmit", hosts[from], [mb, payload, bytes, extra] {
    if (extra > 0) sg::this_actor::sleep_for(extra);
    mb->put_init(payload, bytes)->detach();
  });
}

}  // namespace bs::simrun
