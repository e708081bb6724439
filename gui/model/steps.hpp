// Where the arrow keys stop: by meaning, by network frame, or by timeline marker.
#pragma once
#include <vector>

#include "model/markers.hpp"
#include "trace/trace.hpp"

namespace bs::gui {

/// Sorted distinct times (simulated seconds) the viewer can step between.
class StepIndex {
 public:
  StepIndex() = default;
  /// Index `tr` (its markers already built). See steps.cpp for which events count.
  StepIndex(const Trace& tr, const std::vector<Marker>& markers);

  /// → / ←: events that change what the student sees (a publish, an enqueue, a delivery,
  /// a processing, an ack, a fault, a rebalance, ...), never a network frame or a
  /// bookkeeping event that changes nothing on screen (a positive confirm, a commit that
  /// does not move the committed offset, a Raft commit on a follower).
  const std::vector<double>& meaning() const { return meaning_; }
  /// Alt+→ / Alt+←: every event time, network frames included (heartbeat frames alone excepted).
  const std::vector<double>& frames() const { return frames_; }
  /// Shift+→ / Shift+←: the timeline markers' times.
  const std::vector<double>& markers() const { return markers_; }

  /// First time of `v` after t, or `none` if there is none.
  static double after(const std::vector<double>& v, double t, double none);
  /// Last time of `v` before t, or `none` if there is none.
  static double before(const std::vector<double>& v, double t, double none);

 private:
  std::vector<double> meaning_, frames_, markers_;
};

/// True if event `e` alone changes nothing a view draws (a network frame, a positive
/// publisher confirm). Commits and Raft commits need the trace's history: see StepIndex.
bool is_frame_or_bookkeeping(const Event& e);

}  // namespace bs::gui
