// The space-time diagram's geometry, without ImGui: one lane per node (a row), simulated
// time left to right, each network frame an arrow from its net_send to its net_recv (or to
// where it died, for a net_drop), faults as marks on the lanes.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "model/packets.hpp"
#include "model/topology.hpp"
#include "trace/trace.hpp"

namespace bs::gui {

/// A fault drawn on a lane: the schedule's crash / restart / link down / link up.
enum class LaneMarkKind { Crash, Restart, LinkDown, LinkUp };

/// One fault at simulated time t on node's lane (a link fault marks both ends' lanes).
struct LaneMark {
  double t = 0;
  LaneMarkKind kind = LaneMarkKind::Crash;
  NodeId node = kNoNode;
  NodeId peer = kNoNode;  ///< the other end of a link fault
};

/// A node crashed from `from` until its restart at `to` (+inf: never restarted).
struct DownSpan {
  NodeId node = kNoNode;
  double from = 0, to = 0;
};

/// One row of the diagram: a node, or all nodes of a role folded into one lane when there
/// are too many to give each a legible row (consumers-1000).
struct Lane {
  std::string name;   ///< node name, or "consumers (1000)"
  Role role = Role::Other;
  std::vector<NodeId> nodes;
};

/// Built once per trace: lanes, faults and crash spans in time order, and the longest
/// transit, so a window of time finds its frames by binary search.
class SpaceTimeIndex {
 public:
  SpaceTimeIndex() = default;
  /// max_lanes: above it, producers and consumers fold into one lane per role.
  SpaceTimeIndex(const Trace& tr, const Topology& topo, const PacketIndex& packets, std::size_t max_lanes = 24);

  const std::vector<Lane>& lanes() const { return lanes_; }
  /// Lane of a node, -1 if none.
  int lane_of(NodeId n) const { return n < lane_of_.size() ? lane_of_[n] : -1; }
  const std::vector<LaneMark>& marks() const { return marks_; }
  const std::vector<DownSpan>& down_spans() const { return down_; }
  /// Longest send-to-end span of any frame (simulated seconds).
  double max_span() const { return max_span_; }

 private:
  std::vector<Lane> lanes_;
  std::vector<int> lane_of_;
  std::vector<LaneMark> marks_;  // by t
  std::vector<DownSpan> down_;
  double max_span_ = 0;
};

/// The pixel mapping of one drawing: lanes are rows of the plot rectangle, time runs
/// from t0 at x0 to t1 at x0 + w.
struct SpaceTimeFrame {
  float x0 = 0, y0 = 0, w = 1, h = 1;  ///< plot rectangle (right of the lane names), pixels
  double t0 = 0, t1 = 1;               ///< simulated seconds shown
  int lanes = 1;
  /// Vertical centre of a lane.
  float lane_y(int lane) const { return y0 + h * (static_cast<float>(lane) + 0.5f) / static_cast<float>(lanes); }
  float time_x(double t) const { return x0 + static_cast<float>((t - t0) / (t1 - t0)) * w; }
  double x_time(float x) const { return t0 + static_cast<double>((x - x0) / w) * (t1 - t0); }
};

/// The window of time shown around the viewed time `now`: most of it is the past, the
/// rest the near future (empty: the diagram never shows what has not happened yet).
void spacetime_window(double now, double span_s, double& t0, double& t1);

/// A frame drawn as an arrow from (x0, y0) at its send to (x1, y1): its receive, where it
/// died (dropped), or where it is now (in flight).
struct Arrow {
  std::size_t packet = 0;  ///< index into PacketIndex::packets()
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  Op op = Op::Other;
  MsgId msg = 0;
  bool dropped = false;    ///< died at (x1, y1): drawn as a cross
  bool in_flight = false;  ///< not yet received at `now`: (x1, y1) is where it is now
  bool selected = false;   ///< carries the selected message
};

/// Many frames of one lane pair sent within one pixel column: the aggregate drawn
/// instead of thousands of arrows.
struct DensityCell {
  int from_lane = 0, to_lane = 0;
  float x0 = 0, x1 = 0;      ///< send column and mean arrival column
  std::uint32_t count = 0;
};

/// A fault mark and a crashed span placed in pixels.
struct PlacedMark {
  float x = 0, y = 0;
  LaneMark mark;
};
struct PlacedSpan {
  float x0 = 0, x1 = 0, y = 0;
  NodeId node = kNoNode;
};

/// What to draw of a window.
struct SpaceTimeOptions {
  bool show_heartbeats = true;
  /// Indices (in Trace::events, sorted) of the net_send events carrying the selected
  /// message: TraceModel::lifecycle gives them.
  const std::vector<std::size_t>* selected_events = nullptr;
  /// Above this many frames in the window, draw DensityCells (plus selected arrows).
  std::size_t max_arrows = 2000;
  float density_px = 4;  ///< width of a density column, pixels
};

/// The diagram of one window, in pixels.
struct SpaceTimeView {
  std::vector<Arrow> arrows;         ///< every frame, or only the selected ones when aggregated
  std::vector<DensityCell> density;  ///< non-empty when aggregated
  std::vector<PlacedMark> marks;
  std::vector<PlacedSpan> down;
  std::size_t frames = 0;            ///< frames sent in the window up to now (heartbeats if shown)
  bool aggregated = false;
};

/// Lay out the frames and faults of [f.t0, f.t1] up to `now`. Work is proportional to
/// the frames sent in [f.t0 - max_span, min(f.t1, now)] (PacketIndex is by send time).
SpaceTimeView layout_spacetime(const PacketIndex& packets, const SpaceTimeIndex& idx, const SpaceTimeFrame& f,
                               double now, const SpaceTimeOptions& opt);

/// The arrow nearest pixel (px, py) within `radius`, or -1 (selected arrows win ties).
int hit_arrow(const SpaceTimeView& v, float px, float py, float radius);

}  // namespace bs::gui
