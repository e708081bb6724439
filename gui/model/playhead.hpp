// The replayed state at a viewed time, with checkpoints so that a seek anywhere in a
// long trace replays a short window rather than the whole trace.
#pragma once
#include <cstddef>
#include <memory>
#include <vector>

#include "model/checkpoints.hpp"
#include "model/sim_state.hpp"
#include "model/trace_model.hpp"

namespace bs::gui {

/// The state at a viewed time. Moving forward a little applies the new events; a jump
/// (backward, or far forward) restores the nearest checkpoint at or before the target and
/// replays from there. The checkpoints are the model's (taken when it was built), shared
/// by every Playhead of that model.
class Playhead {
 public:
  /// `checkpoint_every`: events between checkpoints; 0 (or the model's own spacing) uses
  /// the model's checkpoints, another value replays the trace once to take its own.
  explicit Playhead(std::shared_ptr<const TraceModel> m, std::size_t checkpoint_every = 0);
  /// Make state() reflect every event with time <= t (simulated seconds).
  void seek(double t);
  /// Make state() reflect events [0, n) exactly (n is clamped to the trace's length).
  void seek_to_event(std::size_t n);
  const SimState& state() const { return state_; }
  /// Number of events applied (events [0, applied()) have t <= the viewed time).
  std::size_t applied() const { return next_; }
  const TraceModel& model() const { return *model_; }
  /// Events between two checkpoints; number of checkpoints (the first is the empty state).
  std::size_t checkpoint_every() const { return cps_->every; }
  std::size_t checkpoint_count() const { return cps_->list.size(); }

 private:
  void apply_until(std::size_t n);
  void restore(std::size_t k);
  std::shared_ptr<const TraceModel> model_;
  std::shared_ptr<const Checkpoints> cps_;
  SimState state_;  // starts as cps_->list.front().state
  std::size_t next_ = 0;
};

}  // namespace bs::gui
