// One function per view; each draws into the current ImGui window / child region.
#pragma once
#include <cstdio>

#include <imgui.h>

#include "app_state.hpp"

namespace bs::gui {

/// Title, play controls, speed, font scale, lesson picker.
void draw_toolbar(AppState& app);
/// Nodes, links and the frames in flight of one run, in the rectangle [p0, p0 + size).
void draw_topology(AppState& app, Run& run, ImVec2 size);
/// Queues (ready messages and unacked deliveries) of one run.
void draw_queues(AppState& app, Run& run, ImVec2 size);
/// Log model: partitions as tapes with offsets and consumer cursors.
void draw_partitions(AppState& app, Run& run, ImVec2 size);
/// Per consumer, the messages processed in order, reorders and duplicates marked.
void draw_consumers(AppState& app, Run& run, ImVec2 size);
/// The scrubber with fault and anomaly markers of every run.
void draw_timeline(AppState& app, ImVec2 size);
/// Height of one run's band on the timeline, in units of the font size: two rows of
/// markers (faults, anomalies) for one or two runs, one row from three runs on.
inline float timeline_band_em(std::size_t runs) { return runs > 2 ? 1.3f : 2.4f; }
/// The filterable event log around the viewed time.
void draw_log(AppState& app);
/// Checker totals at the viewed time and the scenario's expectations; with two runs, both
/// runs' totals side by side and each one's expectations (a variant's as same / changed).
void draw_summary(AppState& app);
/// Scenario title, description (to read aloud) and the lesson picker.
void draw_lesson(AppState& app);
/// "Crash this node here" / "take this link down here".
void draw_whatif(AppState& app);
/// Space-time diagram of runs[0]: one lane per node, frames as arrows, live around app.t.
void draw_spacetime(AppState& app, Run& run);
/// Charts over time of a run (queue depth, lag, throughput, latency, ...), the time marked.
void draw_charts(AppState& app, Run& run);
/// The full window: lays out every view.
void draw_frame(AppState& app);

/// Start running a scenario (a lesson, a variant of the current one, or a lesson to show
/// beside it) in the background. Ignored while another run is going on.
void start_job(AppState& app, RunRequest request);
/// Collect a finished background run. Returns true if something new was loaded.
bool poll_job(AppState& app);

/// "m12": how a message id is written everywhere in the UI.
inline const char* msg_label(MsgId m, char (&buf)[24]) {
  std::snprintf(buf, sizeof buf, "m%llu", static_cast<unsigned long long>(m));
  return buf;
}

}  // namespace bs::gui
