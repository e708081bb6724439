#include "net/network.hpp"

#include <algorithm>

namespace bs::simrun {

bool Network::link_up(NodeId a, NodeId b) const {
  auto it = links_.find(key(a, b));
  return it != links_.end() && it->second;
}

void Network::drop_event(const Frame& f, const char* reason) {
  if (!trace_) return;
  Event e{.kind = ev::NetDrop, .node = f.to, .peer = f.from, .text = reason};
  e.pkt = f.pkt;
  emit_(std::move(e));
}

void Network::send_event(Frame& f) {
  f.pkt = ++next_pkt_;
  if (!trace_) return;
  Event e{.kind = ev::NetSend, .node = f.from, .peer = f.to, .seq = static_cast<std::int64_t>(f.bytes)};
  e.pkt = f.pkt;
  for (const auto& p : f.packets) e.items.push_back(NetItem{std::string(packet_op(p)), packet_msg(p)});
  emit_(std::move(e));
}

void Network::put_on_wire(Slot& s) {
  Frame& f = s.frame;
  send_event(f);
  if (!link_up(f.from, f.to)) {
    // The segment dies on the dead link; TCP keeps it for retransmission.
    s.state = State::Held;
    drop_event(f, "link_down");
    return;
  }
  s.state = State::OnWire;
  wire_[f.pkt] = {key(f.from, f.to), f.seq};
  transmit_(f.from, f.to, f.pkt, f.bytes);
}

void Network::send(NodeId from, NodeId to, std::vector<Packet> packets) {
  Frame f{.from = from, .to = to};
  for (const auto& p : packets) f.bytes += packet_bytes(p);
  f.packets = std::move(packets);
  const char* refused = !has_link(from, to) ? "no_route" : !(*up_)[to] ? "host_down" : nullptr;
  if (refused) {
    send_event(f);
    drop_event(f, refused);
    return;
  }
  Conn& c = conns_[key(from, to)];
  f.seq = c.next_seq++;
  c.window.push_back(Slot{std::move(f)});
  put_on_wire(c.window.back());
}

std::vector<Frame> Network::arrive(std::uint64_t pkt) {
  std::vector<Frame> ready;
  auto w = wire_.find(pkt);
  if (w == wire_.end()) return ready;  // declared lost while on the wire
  const auto [k, seq] = w->second;
  wire_.erase(w);
  Conn& c = conns_[k];
  Slot& s = c.window[seq - c.deliver_seq];
  s.state = State::Arrived;
  if (trace_) {
    Event e{.kind = ev::NetRecv, .node = s.frame.to, .peer = s.frame.from};
    e.pkt = pkt;
    emit_(std::move(e));
  }
  while (!c.window.empty() && c.window.front().state == State::Arrived) {
    ready.push_back(std::move(c.window.front().frame));
    c.window.pop_front();
    ++c.deliver_seq;
  }
  return ready;
}

void Network::hold_direction(NodeId from, NodeId to) {
  auto it = conns_.find(key(from, to));
  if (it == conns_.end()) return;
  for (Slot& s : it->second.window) {
    if (s.state != State::OnWire) continue;
    wire_.erase(s.frame.pkt);
    s.state = State::Held;
    drop_event(s.frame, "link_down");
  }
}

void Network::retransmit_direction(NodeId from, NodeId to) {
  auto it = conns_.find(key(from, to));
  if (it == conns_.end()) return;
  for (Slot& s : it->second.window)
    if (s.state == State::Held) put_on_wire(s);
}

void Network::set_link(NodeId a, NodeId b, bool up) {
  links_[key(a, b)] = up;
  links_[key(b, a)] = up;
  if (up) {
    retransmit_direction(a, b);
    retransmit_direction(b, a);
  } else {
    hold_direction(a, b);
    hold_direction(b, a);
  }
}

void Network::reset_conn(Conn& c, NodeId crashed) {
  for (Slot& s : c.window) {
    if (s.state != State::OnWire) continue;  // held frames already died on the link
    wire_.erase(s.frame.pkt);
    drop_event(s.frame, s.frame.to == crashed ? "host_down" : "sender_down");
  }
  c = Conn{};
}

void Network::reset_node(NodeId id) {
  std::vector<std::uint64_t> keys;
  for (const auto& [k, c] : conns_)
    if (static_cast<NodeId>(k >> 32) == id || static_cast<NodeId>(k & 0xffffffffu) == id) keys.push_back(k);
  std::sort(keys.begin(), keys.end());  // a deterministic trace order
  for (auto k : keys) {
    reset_conn(conns_[k], id);
    conns_.erase(k);
  }
}

}  // namespace bs::simrun
