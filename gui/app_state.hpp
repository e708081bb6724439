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
#include "model/scenario_list.hpp"
#include "summary_at.hpp"

namespace bs::gui {

/// Most runs shown side by side (lessons opened beside the first, or a variant): four fit
/// at 1280x800 with text scale 2 (docs/gui.md).
inline constexpr std::size_t kMaxRuns = 4;

/// Letter naming run i on screen: "A", "B", ... (the Summary's columns, the canvases'
/// titles, the timeline's rows).
inline char run_letter(std::size_t i) { return static_cast<char>('A' + (i < 26 ? i : 25)); }

/// Why a run is on screen. A variant (what-if, Try this) is the lesson changed on purpose:
/// the lesson's own expectations are reported against it as "same" or "changed", never
/// as FAIL. A run opened beside the first is another lesson with expectations of its own.
enum class RunKind { Original, WhatIf, TryThis, Beside };

/// One simulator run shown in the window: the original, a variant of it, or a second
/// lesson opened beside it.
struct Run {
  std::shared_ptr<const TraceModel> model;
  std::unique_ptr<Playhead> play;
  std::unique_ptr<SummaryAt> summary;
  std::string label;                 ///< "original", "what-if: c1 crashes at 2.300 s", a lesson title
  RunKind kind = RunKind::Original;
  double fork_t = -1;                ///< time of the added fault; < 0 unless a what-if
  std::vector<std::string> faults;   ///< extra --fault specs of this run
  /// The lesson's expectations, for a variant: judged "same" / "changed" against this run.
  std::vector<Expectation> reference;
  std::shared_ptr<const RunSeries> series;          ///< charts over time, once sampled (run_series)
  std::shared_future<std::shared_ptr<const RunSeries>> series_job;  ///< sampling them in the background
  std::int64_t published = -1;                      ///< distinct ids published (published_ids), -1 until counted
  std::shared_ptr<const SpaceTimeIndex> spacetime;  ///< space-time lanes and faults, built on first use
};

/// What to run in the background and how to show it.
struct RunRequest {
  std::string scenario;
  std::vector<std::string> faults;   ///< --fault specs added to the scenario's own
  bool try_this = false;             ///< run the scenario's try_this variant (brokersim run --try)
  RunKind kind = RunKind::Original;  ///< Original replaces everything shown; the others go beside it
  std::string label;
  double fork_t = -1;
};

/// Make a Run from a trace (builds the indexes).
Run make_run(Trace tr, std::string label);

/// One line per run on screen for the command line (screenshots, tests): its label and
/// how its expectations stand at the viewed time, e.g. "B (what-if) what-if: c1 crashes
/// at 0.500 s: lesson's expectations 3 same, 1 changed".
std::vector<std::string> describe_runs(const std::vector<Run>& runs, const nlohmann::ordered_json& try_expect);

/// A simulator run going on in the background so the window stays responsive.
struct Job {
  std::thread worker;
  std::atomic<bool> done{false};
  RunRequest request;
  // Written by the worker before `done`:
  std::unique_ptr<Run> result;
  std::string error;
  ~Job() {
    if (worker.joinable()) worker.join();
  }
};

/// Which tab of the side panel is shown. Consumers is a tab only in the narrow layout (text
/// scale 2); the wide one shows the consumer view above the tabs.
enum class SideTab { Lesson, Summary, Log, WhatIf, SpaceTime, Charts, Consumers };
inline constexpr int kSideTabCount = 7;

/// The whole interactive state.
struct AppState {
  // Inputs
  std::string scenario_path;   ///< empty when a trace file was opened
  ScenarioEntry lesson;        ///< title and "Try this" of scenario_path (read when it is set)
  std::string brokersim;       ///< resolved path of the simulator
  std::string scenarios_dir;
  std::vector<ScenarioEntry> scenarios;

  std::vector<Run> runs;       ///< [0] the original; then a variant, or up to kMaxRuns - 1 lessons beside it
  std::string error;           ///< shown in the window instead of crashing
  std::unique_ptr<Job> job;

  // View
  double t = 0;
  bool playing = false;
  float speed = 1.0f;          ///< simulated seconds per wall second
  bool step_frames = false;    ///< < and > (and the arrow keys) step network frames, not meaningful events
  bool slow_motion = true;     ///< slow down while messages are on the wire (see advance_play)
  float font_scale = 1.0f;
  bool show_labels = true;     ///< message ids next to dots
  float view_zoom = 1.0f;      ///< topology canvas zoom (mouse wheel), shared by side-by-side runs
  P2 view_center{0.5f, 0.5f};  ///< normalized point at the canvas centre
  SideTab tab = SideTab::Lesson;
  MsgId selected = 0;          ///< message whose lifecycle is highlighted
  std::vector<std::size_t> selected_events;  ///< its events in runs[0]
  char log_filter[96] = "";
  bool log_follow = true;
  bool show_internals = false;  ///< three or more runs (wide layout): the left column shows broker internals, not canvases
  std::size_t shown_run = 0;    ///< three or more runs (narrow layout): whose canvas and internals are shown
  bool open_beside = false;    ///< the lesson picker opens a lesson beside the current run
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
  /// The scenario file the original run came from (reads its "Try this").
  void set_scenario(const std::string& path);
  /// Replace everything shown by a new original run.
  void open_run(Run r);
};

}  // namespace bs::gui
