// The replayed state at a viewed time, with checkpoints so that a seek anywhere in a
// long trace replays a short window rather than the whole trace.
#pragma once
#include <cstddef>
#include <memory>
#include <vector>

#include "model/sim_state.hpp"
#include "model/trace_model.hpp"

namespace bs::gui {

/// The state at a viewed time. Moving forward a little applies the new events; a jump
/// (backward, or far forward) restores the nearest checkpoint at or before the target and
/// replays from there. Checkpoints are copies of the folded state (SimState and its
/// checker ledger) taken every `checkpoint_every()` events in a first pass when the
/// Playhead is made; they leave out the consumers' processed lists, which only grow, and
/// take their entries back from a later state.
class Playhead {
 public:
  /// `checkpoint_every`: events between checkpoints; 0 chooses from the trace's length
  /// (a short trace replays from the start in well under a millisecond and gets none).
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
  std::size_t checkpoint_every() const { return every_; }
  std::size_t checkpoint_count() const { return checkpoints_.size(); }

 private:
  struct Checkpoint {
    std::size_t next = 0;  // events applied
    SimState state;        // without the processed lists (SimState::without_history)
  };
  SimState initial_state() const;
  void apply_until(std::size_t n);
  void restore(std::size_t k);
  std::shared_ptr<const TraceModel> model_;
  SimState state_;
  std::size_t next_ = 0;
  std::size_t every_ = 0;
  std::vector<Checkpoint> checkpoints_;
  SimState::History final_;  // the processed lists after the last event: checkpoints take theirs back from them
};

}  // namespace bs::gui
