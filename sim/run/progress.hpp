// A progress bar on stderr for long runs: how far the simulated clock has got.
#pragma once
#include <chrono>
#include <cstdint>
#include <cstdio>

#include "core/event.hpp"

namespace bs {

/// Watches the events of a run and, once the run has taken more than `after_s` of wall
/// time, redraws one line on `out` (at most five times a second): a bar of simulated
/// time over the scenario's `duration_s`, and the wall time so far. Draws nothing when
/// `out` is not a terminal, so logs and pipes stay clean. It only reads events: the run
/// and its trace are the same with or without it.
class ProgressBar final : public EventSink {
 public:
  ProgressBar(double duration_s, std::FILE* out, double after_s = 2.0);
  ~ProgressBar() override;
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void on_event(const Event& e) override;
  /// Erase the bar (called by the destructor too).
  void finish();

 private:
  double duration_s_;
  std::FILE* out_;
  bool tty_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::duration after_, last_draw_{};
  std::uint64_t seen_ = 0;
  bool drawn_ = false;
};

}  // namespace bs
