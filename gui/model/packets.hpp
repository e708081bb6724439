// Network frames as spans of simulated time: what is in flight at t, and where it died.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "trace/trace.hpp"

namespace bs::gui {

/// The kind of frame, told apart by shape on the canvas.
enum class Op : std::uint8_t { Publish, Deliver, Ack, Nack, Confirm, Heartbeat, Other };
inline constexpr int kOpCount = 7;

/// Op of a frame item name ("confirm_nack" is drawn as a nack: the broker refused it).
Op op_from_name(std::string_view name);
/// Human name of an op, for the legend.
std::string_view op_label(Op op);

/// One frame from net_send to its net_recv or net_drop.
struct Packet {
  std::uint64_t pkt = 0;
  NodeId from = kNoNode, to = kNoNode;
  double t_send = 0;
  double t_end = 0;        ///< receive or drop time; t_send + expected_s if neither was traced
  double expected_s = 0;   ///< link transit time estimate, used to place a frame that dies
  bool dropped = false;
  bool ended = false;      ///< a net_recv or net_drop was seen
  Op op = Op::Other;       ///< op of the first item (a frame with a message wins over one without)
  MsgId msg = 0;           ///< message of that item, 0 if none
  std::uint32_t n_items = 0;
  bool redelivered = false;    ///< a deliver frame whose delivery carried the redelivered flag
  std::size_t send_event = 0;  ///< index of the net_send in Trace::events
  std::size_t end_event = 0;   ///< index of the net_recv / net_drop (valid when ended)
  std::string drop_reason;
};

/// A frame in flight at the viewed time: `frac` is 0 at the sender, 1 at the receiver.
struct Dot {
  std::size_t packet = 0;  ///< index into PacketIndex::packets()
  float frac = 0;
  Op op = Op::Other;
  MsgId msg = 0;
  NodeId from = kNoNode, to = kNoNode;
  bool redelivered = false;
};

/// A dropped frame fading out where it died: `age` goes 0 (just died) .. 1 (gone).
struct Death {
  std::size_t packet = 0;
  float frac = 0;
  float age = 0;
  NodeId from = kNoNode, to = kNoNode;
};

/// Transit time estimate of a link, from the trace header's "links" (latency + size/bandwidth).
struct LinkTiming {
  NodeId a = kNoNode, b = kNoNode;
  double latency_s = 0.001;
  double bandwidth_bps = 0;  ///< bytes per second; 0 = unknown
};

/// Every frame of a trace, queryable by time in O(log n + frames in flight).
class PacketIndex {
 public:
  PacketIndex() = default;
  PacketIndex(const Trace& tr, const std::vector<LinkTiming>& links);

  const std::vector<Packet>& packets() const { return packets_; }
  /// Frames in flight at t: sent at or before t, not yet received or dropped.
  void dots_at(double t, std::vector<Dot>& out) const;
  /// Frames that died in (t - fade_s, t], with where they died.
  void deaths_at(double t, double fade_s, std::vector<Death>& out) const;
  /// Where along its link a frame is at t (clamped to where it died, if it died).
  static float frac_at(const Packet& p, double t);
  /// Send time of the first frame carrying a message sent after t (+inf if none).
  double next_msg_send(double t) const;
  /// Shortest transit time among frames carrying a message in flight at t (0 if none).
  double min_msg_span_at(double t) const;
  /// Largest number of frames in flight at once, and when (for the bench's busiest moment).
  std::pair<std::size_t, double> busiest() const;

 private:
  std::vector<Packet> packets_;      // by t_send
  std::vector<std::size_t> by_end_;  // dropped frames, by t_end
  std::vector<std::size_t> msg_frames_;  // frames with a message (not heartbeats), by t_send
  double max_span_ = 0;
};

}  // namespace bs::gui
