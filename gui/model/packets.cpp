#include "model/packets.hpp"

#include "vocabulary/vocabulary.hpp"

#include <algorithm>
#include <limits>
#include <unordered_map>

namespace bs::gui {

Op op_from_name(std::string_view n) {
  if (n == "publish") return Op::Publish;
  if (n == "deliver") return Op::Deliver;
  if (n == "ack") return Op::Ack;
  if (n == "nack" || n == "confirm_nack" || n == "return") return Op::Nack;
  if (n == "confirm") return Op::Confirm;
  if (n == "heartbeat") return Op::Heartbeat;
  return Op::Other;
}

std::string_view op_label(Op op) {
  switch (op) {
    case Op::Publish: return "publish";
    case Op::Deliver: return "deliver";
    case Op::Ack: return "ack";
    case Op::Nack: return "nack / reject";
    case Op::Confirm: return "confirm";
    case Op::Heartbeat: return "heartbeat";
    case Op::Other: return "other";
  }
  return "other";
}

namespace {
double transit_estimate(const std::vector<LinkTiming>& links, NodeId a, NodeId b, std::int64_t bytes) {
  for (const auto& l : links)
    if ((l.a == a && l.b == b) || (l.a == b && l.b == a)) {
      double s = l.latency_s;
      if (l.bandwidth_bps > 0 && bytes > 0) s += static_cast<double>(bytes) / l.bandwidth_bps;
      return s;
    }
  return 0.001;
}
}  // namespace

PacketIndex::PacketIndex(const Trace& tr, const std::vector<LinkTiming>& links) {
  std::unordered_map<std::uint64_t, std::size_t> open;  // pkt -> index in packets_
  std::unordered_map<MsgId, bool> last_deliver_redelivered;  // the deliver event precedes its frame
  for (std::size_t i = 0; i < tr.events.size(); ++i) {
    const Event& e = tr.events[i];
    if (e.kind == ev::Deliver) last_deliver_redelivered[e.msg] = e.flag;
    if (e.kind == ev::NetSend) {
      Packet p;
      p.pkt = e.pkt;
      p.from = e.node;
      p.to = e.peer;
      p.t_send = e.t;
      p.expected_s = transit_estimate(links, e.node, e.peer, e.seq);
      p.t_end = e.t + p.expected_s;
      p.send_event = i;
      p.n_items = static_cast<std::uint32_t>(e.items.size());
      // Show the frame as what it carries for a message, so a heartbeat piggy-backed on a
      // delivery still reads as the delivery.
      for (const auto& it : e.items) {
        Op op = op_from_name(it.op);
        if (p.msg == 0 && (it.msg != 0 || p.op == Op::Other)) {
          p.op = op;
          p.msg = it.msg;
        }
      }
      if (p.op == Op::Deliver) {
        auto r = last_deliver_redelivered.find(p.msg);
        p.redelivered = r != last_deliver_redelivered.end() && r->second;
      }
      open[e.pkt] = packets_.size();
      packets_.push_back(std::move(p));
    } else if (e.kind == ev::NetRecv || e.kind == ev::NetDrop) {
      auto it = open.find(e.pkt);
      if (it == open.end()) continue;  // a frame sent before the trace began: nothing to draw
      Packet& p = packets_[it->second];
      p.t_end = e.t;
      p.ended = true;
      p.end_event = i;
      if (e.kind == ev::NetDrop) {
        p.dropped = true;
        p.drop_reason = e.text;
      }
      open.erase(it);
    }
  }
  for (std::size_t i = 0; i < packets_.size(); ++i) {
    max_span_ = std::max(max_span_, packets_[i].t_end - packets_[i].t_send);
    if (packets_[i].dropped) by_end_.push_back(i);
    if (packets_[i].msg != 0) msg_frames_.push_back(i);
  }
  std::stable_sort(by_end_.begin(), by_end_.end(),
                   [&](std::size_t a, std::size_t b) { return packets_[a].t_end < packets_[b].t_end; });
}

float PacketIndex::frac_at(const Packet& p, double t) {
  if (!p.dropped) {
    double span = p.t_end - p.t_send;
    if (span <= 0) return 1.0f;
    return static_cast<float>(std::clamp((t - p.t_send) / span, 0.0, 1.0));
  }
  // A dropped frame travels at the link's pace and stops where it died.
  double exp = p.expected_s > 0 ? p.expected_s : 1e-3;
  double stop = std::clamp((p.t_end - p.t_send) / exp, 0.0, 1.0);
  return static_cast<float>(std::clamp((t - p.t_send) / exp, 0.0, stop));
}

void PacketIndex::dots_at(double t, std::vector<Dot>& out) const {
  out.clear();
  // Only frames sent in [t - max_span, t] can still be in flight.
  auto first = std::lower_bound(packets_.begin(), packets_.end(), t - max_span_,
                                [](const Packet& p, double v) { return p.t_send < v; });
  for (auto it = first; it != packets_.end() && it->t_send <= t; ++it) {
    if (t >= it->t_end) continue;
    out.push_back(Dot{static_cast<std::size_t>(it - packets_.begin()), frac_at(*it, t), it->op, it->msg, it->from, it->to,
                      it->redelivered});
  }
}

void PacketIndex::deaths_at(double t, double fade_s, std::vector<Death>& out) const {
  out.clear();
  if (fade_s <= 0) return;
  auto first = std::upper_bound(by_end_.begin(), by_end_.end(), t - fade_s,
                                [&](double v, std::size_t i) { return v < packets_[i].t_end; });
  for (auto it = first; it != by_end_.end() && packets_[*it].t_end <= t; ++it) {
    const Packet& p = packets_[*it];
    out.push_back(Death{*it, frac_at(p, p.t_end), static_cast<float>((t - p.t_end) / fade_s), p.from, p.to});
  }
}

double PacketIndex::next_msg_send(double t) const {
  auto it = std::upper_bound(msg_frames_.begin(), msg_frames_.end(), t,
                             [&](double v, std::size_t i) { return v < packets_[i].t_send; });
  return it == msg_frames_.end() ? std::numeric_limits<double>::infinity() : packets_[*it].t_send;
}

double PacketIndex::min_msg_span_at(double t) const {
  auto it = std::lower_bound(msg_frames_.begin(), msg_frames_.end(), t - max_span_,
                             [&](std::size_t i, double v) { return packets_[i].t_send < v; });
  double best = 0;
  for (; it != msg_frames_.end() && packets_[*it].t_send <= t; ++it) {
    const Packet& p = packets_[*it];
    if (t >= p.t_end) continue;
    double span = p.t_end - p.t_send;
    if (span > 0 && (best == 0 || span < best)) best = span;
  }
  return best;
}

std::pair<std::size_t, double> PacketIndex::busiest() const {
  std::vector<std::pair<double, int>> sweep;
  sweep.reserve(packets_.size() * 2);
  for (const auto& p : packets_) {
    if (p.t_end <= p.t_send) continue;
    sweep.emplace_back(p.t_send, +1);
    sweep.emplace_back(p.t_end, -1);
  }
  std::sort(sweep.begin(), sweep.end());  // ends before starts at equal t: a frame is gone at t_end
  std::size_t best = 0, cur = 0;
  double when = 0;
  for (const auto& [t, d] : sweep) {
    cur = static_cast<std::size_t>(static_cast<long>(cur) + d);
    if (cur > best) { best = cur; when = t; }
  }
  return {best, when};
}

}  // namespace bs::gui
