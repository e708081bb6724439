// Everything the views share: the loaded run(s), the viewed time, the selection.
#pragma once
#include <atomic>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "model/series.hpp"
#include "model/spacetime.hpp"
#include "model/trace_model.hpp"
#include "scenario_list.hpp"
#include "summary_at.hpp"

namespace bs::gui {

/// One simulator run shown in the window: the original, or a what-if fork of it.
struct Run {
  std::shared_ptr<const TraceModel> model;
  std::unique_ptr<Playhead> play;
  std::unique_ptr<SummaryAt> summary;
  std::string label;                 ///< "original" or "what-if: crash c1 at 2.30 s"
  double fork_t = -1;                ///< time of the added fault; < 0 for the original
  std::vector<std::string> faults;   ///< extra --fault specs of this run
  std::shared_ptr<const RunSeries> series;          ///< charts over time, once sampled (run_series)
  std::shared_future<std::shared_ptr<const RunSeries>> series_job;  ///< sampling them in the background
  std::int64_t published = -1;                      ///< distinct ids published (published_ids), -1 until counted
  std::shared_ptr<const SpaceTimeIndex> spacetime;  ///< space-time lanes and faults, built on first use
};

/// Make a Run from a trace (builds the indexes).
Run make_run(Trace tr, std::string label);

/// A simulator run going on in the background so the window stays responsive.
struct Job {
  std::thread worker;
  std::atomic<bool> done{false};
  bool what_if = false;
  std::string label;
  double fork_t = -1;
  std::vector<std::string> faults;
  std::string scenario;
  // Written by the worker before `done`:
  std::unique_ptr<Run> result;
  std::string error;
  ~Job() {
    if (worker.joinable()) worker.join();
  }
};

/// Which tab of the side panel is shown.
enum class SideTab { Lesson, Summary, Log, WhatIf, SpaceTime, Charts };

/// The whole interactive state.
struct AppState {
  // Inputs
  std::string scenario_path;   ///< empty when a trace file was opened
  std::string brokersim;       ///< resolved path of the simulator
  std::string scenarios_dir;
  std::vector<ScenarioEntry> scenarios;

  std::vector<Run> runs;       ///< [0] the original, [1] a what-if fork (optional)
  std::string error;           ///< shown in the window instead of crashing
  std::unique_ptr<Job> job;

  // View
  double t = 0;
  bool playing = false;
  float speed = 1.0f;          ///< simulated seconds per wall second
  bool slow_motion = true;     ///< slow down while messages are on the wire (see advance_play)
  float font_scale = 1.0f;
  bool show_labels = true;     ///< message ids next to dots
  float view_zoom = 1.0f;      ///< topology canvas zoom (mouse wheel), shared by side-by-side runs
  P2 view_center{0.5f, 0.5f};  ///< normalized point at the canvas centre
  SideTab tab = SideTab::Lesson;
  int tab_force_frames = 0;    ///< select `tab` for this many frames (tab bars settle over two), then let the user choose
  MsgId selected = 0;          ///< message whose lifecycle is highlighted
  std::vector<std::size_t> selected_events;  ///< its events in runs[0]
  char log_filter[96] = "";
  bool log_follow = true;
  NodeId whatif_node = kNoNode;
  int whatif_link = -1;
  double spacetime_span = 0;      ///< space-time window width, simulated seconds (0: chosen from the run)
  bool spacetime_heartbeats = true;  ///< draw heartbeat-only frames (faint)

  bool has_trace() const { return !runs.empty(); }
  const TraceModel& model() const { return *runs.front().model; }
  double t_end() const;
  /// Set the viewed time (clamped) and bring every run's state to it.
  void seek(double t);
  /// Select a message (0 clears) and compute its lifecycle.
  void select(MsgId msg);
  /// Replace everything shown by a new original run.
  void open_run(Run r);
};

}  // namespace bs::gui
