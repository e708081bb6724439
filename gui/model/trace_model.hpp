// Everything derived once from a loaded trace, and the state at a chosen time.
#pragma once
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/checkpoints.hpp"
#include "model/markers.hpp"
#include "model/packets.hpp"
#include "model/sim_state.hpp"
#include "model/steps.hpp"
#include "model/topology.hpp"
#include "trace/trace.hpp"

namespace bs::gui {

/// A loaded trace with its indexes. Immutable once built, so views can share it.
struct TraceModel {
  Trace trace;
  Topology topo;
  PacketIndex packets;
  std::vector<Marker> markers;
  std::shared_ptr<const Checkpoints> checkpoints;  ///< the folded state along the trace, for seeking
  StepIndex steps;                 ///< where → / ←, Alt+→ / Alt+← and Shift+→ / Shift+← stop
  double t_end = 0;                ///< footer end_t, else header duration_s, else the last event
  std::unordered_map<MsgId, std::string> routing_key;  ///< from publish events (shown on hover)
  double activity_end = 0;         ///< last event that changes what is drawn: after it only frames and polls go by

  /// Build the indexes of a trace (takes ownership): one replay through the checker finds
  /// the markers and takes the checkpoints (every `checkpoint_every` events; 0: the
  /// default), on a second thread while this one indexes the frames.
  static std::shared_ptr<const TraceModel> build(Trace tr, std::size_t checkpoint_every = 0);
  /// → : the first event after t that changes what the student sees (t_end if none).
  double next_step(double t) const;
  /// ← : the last such event before t (0 if none).
  double prev_step(double t) const;
  /// Alt+→ / Alt+← : the next / previous event of any kind, network frames included.
  double next_frame(double t) const;
  double prev_frame(double t) const;
  /// Shift+→ / Shift+← : the next / previous timeline marker (t itself if none).
  double next_marker(double t) const;
  double prev_marker(double t) const;
  /// Indices of every event concerning msg, in order: its lifecycle (frames included).
  std::vector<std::size_t> lifecycle(MsgId msg) const;
  /// Name of a node, "?" if out of range.
  const std::string& node_name(NodeId n) const;
};

}  // namespace bs::gui

#include "model/playhead.hpp"  // the state at a viewed time, for the includers of this header
