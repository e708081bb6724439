// The transport between nodes: TCP-like connections over SimGrid links.
//
// Why not plain SimGrid comms: a mailbox with one pending get is a rendezvous (fan-in
// serialised one latency per frame), bandwidth sharing lets a small frame overtake a big
// one, and turning a host or link off makes SimGrid fail comms in ways that can abort the
// process. So SimGrid only times the bytes on the wire (every mailbox has a permanent
// receiver, which SimGrid documents as its TCP model, and no SimGrid host or link is ever
// turned off); this class keeps the TCP rules:
//   - a connection is one ordered pair of nodes; its frames reach the application in the
//     order they were sent (the receiver holds a frame that overtook another);
//   - a link outage delays frames: what was on the wire dies (traced `net_drop`,
//     `link_down`) and is retransmitted, in order, when the link comes back;
//   - a crash resets every connection of the node: frames on the wire to or from it and
//     frames held for retransmission are lost (traced with the reason), and both ends
//     start the next connection from sequence 0;
//   - a frame for a node that is down is dropped at once (`host_down`): a dead host
//     answers nothing, and the sender's protocol (heartbeats, session timeouts, confirms)
//     is what notices.
// The protocols on top (AMQP heartbeats and connection numbers, Kafka session timeouts and
// member ids) decide when a silent peer is dead; a frame is never silently lost from a
// connection that stays up.
#pragma once
#include <cstdint>
#include <deque>
#include <functional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/event.hpp"
#include "core/packet.hpp"

namespace bs::simrun {

/// Everything one handler call sent to one peer: the unit the network carries.
struct Frame {
  NodeId from = kNoNode, to = kNoNode;
  std::uint64_t seq = 0;    ///< position in its connection
  std::uint64_t pkt = 0;    ///< id of the current transmission (a retransmission gets a new one)
  std::uint64_t bytes = 0;
  std::vector<Packet> packets;
};

/// A request to put `bytes` on the wire from `from` to `to`, tagged with `pkt`. The
/// network calls it; the SimGrid adapter turns it into a detached comm.
using Transmit = std::function<void(NodeId from, NodeId to, std::uint64_t pkt, std::uint64_t bytes)>;

class Network {
 public:
  /// `up` is the adapter's node liveness (read only); `emit` records trace events (called
  /// only when `trace` is true); `transmit` starts a wire transfer.
  Network(const std::vector<bool>* up, bool trace, std::function<void(Event)> emit, Transmit transmit)
      : up_(up), trace_(trace), emit_(std::move(emit)), transmit_(std::move(transmit)) {}

  /// Declare a link between a and b (both directions), initially up.
  void add_link(NodeId a, NodeId b) { links_[key(a, b)] = true; links_[key(b, a)] = true; }
  bool has_link(NodeId a, NodeId b) const { return links_.count(key(a, b)) != 0; }
  bool link_up(NodeId a, NodeId b) const;

  /// Send the packets one handler produced for `to` (must be non-empty). Dropped at once
  /// when `to` is down or no link joins the nodes; held when the link is down.
  void send(NodeId from, NodeId to, std::vector<Packet> packets);
  /// A transmission finished its trip on the wire. Returns the frames the receiver's
  /// application may now read, in connection order (empty when the transmission was
  /// already declared lost, or when it overtook a frame still on the wire).
  std::vector<Frame> arrive(std::uint64_t pkt);

  /// Link faults. Down: frames on the wire die and wait for retransmission. Up: what was
  /// held is transmitted again, in order, through `transmit` called with each sender.
  void set_link(NodeId a, NodeId b, bool up);
  /// Node `id` crashed: reset every connection to or from it.
  void reset_node(NodeId id);

  /// Transmissions on the wire now (not those held during an outage).
  std::size_t in_flight() const { return wire_.size(); }

 private:
  enum class State : std::uint8_t { OnWire, Arrived, Held };
  struct Slot {
    Frame frame;
    State state = State::OnWire;
  };
  /// One direction of a TCP connection: frames sent and not yet delivered, by seq.
  struct Conn {
    std::uint64_t next_seq = 0;      ///< seq of the next frame sent
    std::uint64_t deliver_seq = 0;   ///< seq of window.front()
    std::deque<Slot> window;
  };
  static std::uint64_t key(NodeId a, NodeId b) { return (std::uint64_t{a} << 32) | b; }
  /// Give `f` a new transmission id and trace its net_send.
  void send_event(Frame& f);
  void put_on_wire(Slot& s);
  void drop_event(const Frame& f, const char* reason);
  void hold_direction(NodeId from, NodeId to);
  void retransmit_direction(NodeId from, NodeId to);
  void reset_conn(Conn& c, NodeId crashed);

  const std::vector<bool>* up_;
  bool trace_;
  std::function<void(Event)> emit_;
  Transmit transmit_;
  std::unordered_map<std::uint64_t, bool> links_;   ///< key(a,b) -> up
  std::unordered_map<std::uint64_t, Conn> conns_;   ///< key(from,to)
  std::unordered_map<std::uint64_t, std::pair<std::uint64_t, std::uint64_t>> wire_;  ///< pkt -> (conn key, seq)
  std::uint64_t next_pkt_ = 0;
};

}  // namespace bs::simrun
