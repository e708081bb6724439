// A progress bar on stderr for long runs: how far the simulated clock has got.
#pragma once
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>

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

/// A progress bar on stderr for a batch of runs (`brokersim explore`, `sweep`): runs
/// done of `total`, a short note (e.g. the current phase) and the wall time so far.
/// Draws at once, at most five times a second, and only when `out` is a terminal and
/// `enabled` (false under --quiet). Safe to call from several threads.
class CountProgress {
 public:
  CountProgress(std::string what, std::size_t total, std::FILE* out, bool enabled);
  ~CountProgress();
  CountProgress(const CountProgress&) = delete;
  CountProgress& operator=(const CountProgress&) = delete;

  /// `done` runs of the total have finished; `note` is shown after the count.
  void update(std::size_t done, const std::string& note = "");
  /// Change the total (a new phase of the batch, e.g. shrinking).
  void reset(std::size_t total);
  /// Erase the bar (called by the destructor too).
  void finish();

 private:
  std::string what_;
  std::size_t total_;
  std::FILE* out_;
  bool on_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::duration last_draw_{};
  bool drawn_ = false;
  std::mutex mu_;
};

}  // namespace bs
