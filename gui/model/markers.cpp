#include "model/markers.hpp"

#include <unordered_map>

#include <fmt/format.h>

#include "vocabulary/event_read.hpp"
#include "model/sim_state.hpp"

namespace bs::gui {

const char* marker_kind_name(MarkerKind k) {
  switch (k) {
    case MarkerKind::Crash: return "crash";
    case MarkerKind::Restart: return "restart";
    case MarkerKind::LinkDown: return "link down";
    case MarkerKind::LinkUp: return "link up";
    case MarkerKind::Redelivery: return "redelivery";
    case MarkerKind::Reorder: return "reorder";
    case MarkerKind::Loss: return "drop / loss";
    case MarkerKind::Duplicate: return "duplicate";
    case MarkerKind::Failover: return "failover";
  }
  return "?";
}

namespace {
// Why the event made a message lost, the way a teacher would say it.
template <class Name>
std::string loss_label(const Event& e, MsgId id, Name nm) {
  switch (e.kind) {
    case ev::Crash: return fmt::format("m{} lost: {} crashed with it", id, nm(e.node));
    case ev::Publish: return fmt::format("m{} lost: sent to {}, which is down", id, nm(e.peer));
    case ev::Deliver: return fmt::format("m{} lost: auto-acked to {}, already dead", id, nm(e.peer));
    case ev::Commit: return fmt::format("m{} lost: group {} committed past it unprocessed", id, group(e));
    case ev::Drop: return fmt::format("m{} lost: {} ({})", id, nm(e.node), reason(e));
    default: return fmt::format("m{} lost ({} {})", id, nm(e.node), kind_name(e.kind));
  }
}
}  // namespace

std::vector<Marker> build_markers(const Trace& tr) {
  const auto& names = tr.header.node_names;
  auto nm = [&](NodeId n) { return n < names.size() ? names[n] : std::string("?"); };
  std::vector<Marker> out;
  // Replaying through the ledger is how a reorder, a duplicate or a loss is recognised:
  // the checker's verdict on each event, so the marks agree with the CLI's totals.
  SimState s = sim_state_for(tr);
  std::unordered_map<std::uint64_t, MsgId> frame_msg;  // what each frame carried, to name a dead one
  for (std::size_t i = 0; i < tr.events.size(); ++i) {
    const Event& e = tr.events[i];
    s.apply(e, i);
    auto add = [&](MarkerKind k, std::string label) { out.push_back(Marker{e.t, k, i, e.msg, e.node, std::move(label)}); };
    for (MsgId id : s.ledger().last_verdict().lost)
      out.push_back(Marker{e.t, MarkerKind::Loss, i, id, e.node, loss_label(e, id, nm)});
    switch (e.kind) {
      case ev::Crash: add(MarkerKind::Crash, fmt::format("{} crashes", nm(e.node))); break;
      case ev::Restart: add(MarkerKind::Restart, fmt::format("{} restarts", nm(e.node))); break;
      case ev::LinkDown: add(MarkerKind::LinkDown, fmt::format("link {}-{} down", nm(e.node), nm(e.peer))); break;
      case ev::LinkUp: add(MarkerKind::LinkUp, fmt::format("link {}-{} up", nm(e.node), nm(e.peer))); break;
      case ev::Failover: add(MarkerKind::Failover, fmt::format("{} fails over to {}", nm(e.node), nm(e.peer))); break;
      case ev::Deliver:
        if (field::flag<"redelivered">(e)) add(MarkerKind::Redelivery, fmt::format("m{} redelivered to {}", e.msg, nm(e.peer)));
        break;
      case ev::Drop: add(MarkerKind::Loss, fmt::format("m{} dropped ({})", e.msg, reason(e))); break;
      case ev::Process: {
        const auto& c = s.consumers().at(e.node);
        const auto& p = c.processed.back();
        if (p.duplicate) add(MarkerKind::Duplicate, fmt::format("{} processed m{} again", nm(e.node), e.msg));
        if (p.reordered) {
          // Name the message that overtook it, the way a teacher would say it.
          MsgId later = 0;
          std::int64_t best = -1;
          for (const auto& q : c.processed)
            if (q.queue == p.queue && q.position > p.position && (best < 0 || q.position < best)) {
              best = q.position;
              later = q.msg;
            }
          add(MarkerKind::Reorder, fmt::format("{} processed m{} after m{}", nm(e.node), e.msg, later));
        }
        break;
      }
      case ev::NetSend:
        for (const auto& it : e.items)
          if (it.msg) frame_msg[e.pkt] = it.msg;
        break;
      case ev::NetDrop: {
        // A transmission died (a link_down one is retransmitted; the message's own fate
        // is the ledger's "lost" marker above).
        auto f = frame_msg.find(e.pkt);
        MsgId m = f == frame_msg.end() ? 0 : f->second;
        if (m) out.push_back(Marker{e.t, MarkerKind::Loss, i, m, e.node, fmt::format("frame with m{} lost ({})", m, reason(e))});
        break;
      }
      default: break;
    }
  }
  return out;
}

}  // namespace bs::gui
