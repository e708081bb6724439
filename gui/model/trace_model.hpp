// Everything derived once from a loaded trace, and the state at a chosen time.
#pragma once
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/markers.hpp"
#include "model/packets.hpp"
#include "model/sim_state.hpp"
#include "model/topology.hpp"
#include "trace/trace.hpp"

namespace bs::gui {

/// A loaded trace with its indexes. Immutable once built, so views can share it.
struct TraceModel {
  Trace trace;
  Topology topo;
  PacketIndex packets;
  std::vector<Marker> markers;
  std::vector<double> step_times;  ///< distinct times of events worth stepping to (not heartbeats)
  double t_end = 0;                ///< footer end_t, else header duration_s, else the last event
  std::unordered_map<MsgId, std::string> routing_key;  ///< from publish events (shown on hover)
  double activity_end = 0;         ///< last step time: after it only heartbeats go by

  /// Build the indexes of a trace (takes ownership).
  static std::shared_ptr<const TraceModel> build(Trace tr);
  /// Time of the first step time after t (t_end if none).
  double next_step(double t) const;
  /// Time of the last step time before t (0 if none).
  double prev_step(double t) const;
  /// Indices of every event concerning msg, in order: its lifecycle (frames included).
  std::vector<std::size_t> lifecycle(MsgId msg) const;
  /// Name of a node, "?" if out of range.
  const std::string& node_name(NodeId n) const;
};

}  // namespace bs::gui

#include "model/playhead.hpp"  // the state at a viewed time, for the includers of this header
