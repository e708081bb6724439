// The window layout: toolbar on top, canvas and broker internals left, consumers and
// tabs right, timeline at the bottom. Also playback and the keyboard.
#include <algorithm>
#include <cmath>

#include "model/playback.hpp"
#include "flow.hpp"
#include "layout_audit.hpp"
#include "line_text.hpp"
#include "theme.hpp"
#include "model_panels.hpp"
#include "views.hpp"
#include "wrap_text.hpp"

namespace bs::gui {
namespace {

void handle_keys(AppState& app) {
  ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput || !app.has_trace()) return;
  const TraceModel& m = app.model();
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Space))) {
    if (!app.playing && app.t >= app.t_end()) app.seek(0);
    app.playing = !app.playing;
  }
  // → / ← step by meaning; Shift jumps between timeline markers; Alt steps network frames.
  const bool right = ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_RightArrow));
  const bool left = ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_LeftArrow));
  if (right || left) {
    app.playing = false;
    if (io.KeyShift) app.seek(right ? m.next_marker(app.t) : m.prev_marker(app.t));
    else if (io.KeyAlt || app.step_frames) app.seek(right ? m.next_frame(app.t) : m.prev_frame(app.t));
    else app.seek(right ? m.next_step(app.t) : m.prev_step(app.t));
  }
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Home))) app.seek(0);
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_End))) app.seek(app.t_end());
}

// A run's name above its views when several runs are shown, in the run's colour. From
// three runs on it stays on one line (shortened; hover shows it whole) so the views keep
// their height.
void run_title(AppState& app, const Run& run) {
  const std::size_t i = static_cast<std::size_t>(&run - app.runs.data());
  if (app.runs.size() > 2) {
    line_text(theme::run_color(i), std::string(1, run_letter(i)) + ": " + run.label);
    return;
  }
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme::run_color(i)));
  ImGui::PushTextWrapPos(0);
  ImGui::Text("%c: %s", run_letter(i), run.label.c_str());
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
}

// Where run i of n goes in an area: one or two runs side by side; three or four in two
// rows of two.
struct Grid {
  int cols, rows;
  ImVec2 cell;
  bool new_row(std::size_t i) const { return i % static_cast<std::size_t>(cols) == 0; }
};
Grid grid_of(std::size_t n, ImVec2 size) {
  const ImVec2 sp = ImGui::GetStyle().ItemSpacing;
  n = std::max<std::size_t>(n, 1);
  Grid g;
  g.cols = static_cast<int>(n <= 2 ? n : 2);
  g.rows = static_cast<int>((n + static_cast<std::size_t>(g.cols) - 1) / static_cast<std::size_t>(g.cols));
  g.cell = ImVec2(std::floor((size.x - sp.x * static_cast<float>(g.cols - 1)) / static_cast<float>(g.cols)),
                  std::floor((size.y - sp.y * static_cast<float>(g.rows - 1)) / static_cast<float>(g.rows)));
  return g;
}

// Each run's canvas, side by side (in a grid from three runs), labelled with the run's name.
void canvases(AppState& app, ImVec2 size) {
  const Grid g = grid_of(app.runs.size(), size);
  for (std::size_t i = 0; i < app.runs.size(); ++i) {
    if (!g.new_row(i)) ImGui::SameLine();
    ImGui::PushID(static_cast<int>(i));
    ImGui::BeginChild("##canvas", g.cell, false, ImGuiWindowFlags_NoScrollbar);
    Run& run = app.runs[i];
    if (app.runs.size() > 1) run_title(app, run);
    draw_topology(app, run, ImGui::GetContentRegionAvail());
    ImGui::EndChild();
    ImGui::PopID();
  }
}

// Each run's broker internals (queues or partition tapes), laid out like the canvases.
void internals(AppState& app, ImVec2 size) {
  const Grid g = grid_of(app.runs.size(), size);
  for (std::size_t i = 0; i < app.runs.size(); ++i) {
    if (!g.new_row(i)) ImGui::SameLine();
    ImGui::PushID(static_cast<int>(i) + 20);
    Run& run = app.runs[i];
    // A large run: counts and charts instead of one box per message.
    auto panel = large_run(run) ? draw_large_internals : model_panel(run.model->trace.header.model);
    if (app.runs.size() > 2) {
      // Shown instead of the canvases: each panel says whose it is.
      ImGui::BeginChild("##internals", g.cell, false, ImGuiWindowFlags_NoScrollbar);
      run_title(app, run);
      panel(app, run, ImGui::GetContentRegionAvail());
      ImGui::EndChild();
    } else {
      panel(app, run, g.cell);
    }
    ImGui::PopID();
  }
}

// Each run's consumer view, stacked, each under its run's name when there are several.
// When they would be shorter than a few lines each (four runs at text scale 2), they keep
// that height and the stack scrolls instead.
void consumer_views(AppState& app, ImVec2 size) {
  const float em = ImGui::GetFontSize(), sp = ImGui::GetStyle().ItemSpacing.y;
  const float n = static_cast<float>(app.runs.size());
  const float min_each = 5.0f * em;
  const bool scroll = app.runs.size() > 2 && (size.y - sp * (n - 1)) / n < min_each;
  if (scroll) {
    ImGui::BeginChild("##all_consumers", size, false);
    size.x = ImGui::GetContentRegionAvail().x;
  }
  if (app.runs.size() > 2) {
    // Said once for all the runs (each run's view then starts with its consumers).
    const float before = ImGui::GetCursorPosY();
    wrap_text(theme::kText, "Processed by each consumer, in order");
    wrap_more_dim("(red: late)");
    size.y -= ImGui::GetCursorPosY() - before;
  }
  const float each = scroll ? min_each : (size.y - sp * (n - 1)) / n;
  for (std::size_t i = 0; i < app.runs.size(); ++i) {
    ImGui::PushID(static_cast<int>(i) + 10);
    float h = each;
    if (app.runs.size() > 1) {
      float before = ImGui::GetCursorPosY();
      run_title(app, app.runs[i]);
      h -= ImGui::GetCursorPosY() - before;
    }
    Run& run = app.runs[i];
    (large_run(run) ? draw_consumer_counts : draw_consumers)(app, run, ImVec2(size.x, std::max(ImGui::GetFontSize(), h)));
    ImGui::PopID();
  }
  if (scroll) ImGui::EndChild();
}

// The side panel's tabs as buttons that wrap onto a second line rather than shrink: at
// text scale 2 an ImGui tab bar cuts "Summary" to "Summ...".
void side_tabs(AppState& app, bool with_consumers, ImVec2 size) {
  struct Tab {
    const char* name;
    SideTab tab;
  };
  std::vector<Tab> tabs;
  if (with_consumers) tabs.push_back({"Consumers", SideTab::Consumers});
  tabs.insert(tabs.end(), {{"Lesson", SideTab::Lesson}, {"Summary", SideTab::Summary}, {"Event log", SideTab::Log},
                           {"What if?", SideTab::WhatIf}, {"Space-time", SideTab::SpaceTime}, {"Charts", SideTab::Charts}});
  if (!with_consumers && app.tab == SideTab::Consumers) app.tab = SideTab::Lesson;
  ImGui::BeginChild("##side", size, true, ImGuiWindowFlags_NoScrollbar);
  const ImGuiStyle& st = ImGui::GetStyle();
  float avail = ImGui::GetContentRegionAvail().x, x = 0;
  for (std::size_t i = 0; i < tabs.size(); ++i) {
    float w = ImGui::CalcTextSize(tabs[i].name).x + 2 * st.FramePadding.x;
    if (i > 0 && x + st.ItemSpacing.x + w <= avail) {
      ImGui::SameLine();
      x += st.ItemSpacing.x + w;
    } else {
      x = w;
    }
    bool on = app.tab == tabs[i].tab;
    ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(on ? ImGuiCol_TabActive : ImGuiCol_Tab));
    if (ImGui::Button(tabs[i].name)) app.tab = tabs[i].tab;
    ImGui::PopStyleColor();
  }
  ImGui::Separator();
  ImVec2 rest = ImGui::GetContentRegionAvail();
  if (app.tab == SideTab::Consumers) {
    consumer_views(app, rest);
  } else {
    ImGui::BeginChild("##page", rest, false);
    switch (app.tab) {
      case SideTab::Lesson: draw_lesson(app); break;
      case SideTab::Summary: draw_summary(app); break;
      case SideTab::Log: draw_log(app); break;
      case SideTab::WhatIf: draw_whatif(app); break;
      case SideTab::SpaceTime: draw_spacetime(app, app.runs.front()); break;
      case SideTab::Charts: draw_charts(app, app.runs.back()); break;
      case SideTab::Consumers: break;
    }
    ImGui::EndChild();
  }
  ImGui::EndChild();
}

// With three or more runs: whether the left column shows the canvases or the internals.
void internals_switch(AppState& app, bool every_run) {
  if (every_run) ImGui::TextUnformatted("Show for every run:");
  for (bool internal : {false, true}) {
    if (every_run || internal) ImGui::SameLine();
    bool on = app.show_internals == internal;
    ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(on ? ImGuiCol_TabActive : ImGuiCol_Tab));
    if (ImGui::Button(internal ? "broker internals" : "canvas")) app.show_internals = internal;
    ImGui::PopStyleColor();
  }
}

// A wide window: canvas and broker internals left, consumers and the side tabs right.
void wide_layout(AppState& app, ImVec2 size) {
  float em = ImGui::GetFontSize(), sp = ImGui::GetStyle().ItemSpacing.y;
  float left_w = std::floor(size.x * 0.58f);
  ImGui::BeginChild("##left", ImVec2(left_w, size.y), false, ImGuiWindowFlags_NoScrollbar);
  if (app.runs.size() > 2) {
    // Four canvases and four internals panels at once would each be too small to read:
    // the whole column shows one kind, for every run, and a switch shows the other.
    internals_switch(app, true);
    ImVec2 rest = ImGui::GetContentRegionAvail();
    if (app.show_internals) internals(app, rest);
    else canvases(app, rest);
    ImGui::EndChild();
  } else {
    float topo_h = std::max(8.0f * em, std::floor(size.y * 0.52f));
    canvases(app, ImVec2(left_w, topo_h));
    internals(app, ImVec2(left_w, std::max(4.0f * em, size.y - topo_h - sp)));
    ImGui::EndChild();
  }
  ImGui::SameLine();
  ImGui::BeginChild("##right", ImVec2(0, size.y), false, ImGuiWindowFlags_NoScrollbar);
  ImVec2 r = ImGui::GetContentRegionAvail();
  float cons_h = std::floor(r.y * 0.5f);
  consumer_views(app, ImVec2(r.x, cons_h));
  side_tabs(app, false, ImGui::GetContentRegionAvail());
  ImGui::EndChild();
}

// A narrow window with three or more runs: one run's canvas or internals at a time
// (buttons A, B, C, D choose it) on the left, the side tabs at full height on the right:
// the Summary compares every run, the Consumers tab stacks every run's consumers.
void compact_many(AppState& app, ImVec2 size) {
  const float em = ImGui::GetFontSize();
  app.shown_run = std::min(app.shown_run, app.runs.size() - 1);
  float left_w = std::floor(size.x * 0.5f);
  ImGui::BeginChild("##stage", ImVec2(left_w, size.y), false, ImGuiWindowFlags_NoScrollbar);
  for (std::size_t i = 0; i < app.runs.size(); ++i) {
    if (i) ImGui::SameLine();
    const char name[2] = {run_letter(i), 0};
    bool on = app.shown_run == i;
    ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(on ? ImGuiCol_TabActive : ImGuiCol_Tab));
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme::run_color(i)));
    if (ImGui::Button(name)) app.shown_run = i;
    ImGui::PopStyleColor(2);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%c: %s", run_letter(i), app.runs[i].label.c_str());
  }
  ImGui::SameLine(0, 2 * em);
  internals_switch(app, false);
  Run& run = app.runs[app.shown_run];
  run_title(app, run);
  ImVec2 rest = ImGui::GetContentRegionAvail();
  if (app.show_internals) {
    (large_run(run) ? draw_large_internals : model_panel(run.model->trace.header.model))(app, run, rest);
  } else {
    ImGui::BeginChild("##canvas", rest, false, ImGuiWindowFlags_NoScrollbar);
    draw_topology(app, run, ImGui::GetContentRegionAvail());
    ImGui::EndChild();
  }
  ImGui::EndChild();
  ImGui::SameLine();
  side_tabs(app, true, ImVec2(0, size.y));
}

// A narrow window (text scale 2): the canvas across the whole width, below it the broker
// internals beside the side tabs, which include the consumer view.
void compact_layout(AppState& app, ImVec2 size) {
  float em = ImGui::GetFontSize(), sp = ImGui::GetStyle().ItemSpacing.y;
  if (app.runs.size() > 2) {
    compact_many(app, size);
    return;
  }
  float topo_h = std::max(8.0f * em, std::floor(size.y * 0.46f));
  canvases(app, ImVec2(size.x, topo_h));
  float rest_h = std::max(5.0f * em, size.y - topo_h - sp);
  float left_w = std::floor(size.x * 0.5f);
  ImGui::BeginChild("##lower", ImVec2(left_w, rest_h), false, ImGuiWindowFlags_NoScrollbar);
  internals(app, ImGui::GetContentRegionAvail());
  ImGui::EndChild();
  ImGui::SameLine();
  side_tabs(app, true, ImVec2(0, rest_h));
}

}  // namespace

void draw_frame(AppState& app) {
  audit::begin_frame();
  poll_job(app);
  ImGuiIO& io = ImGui::GetIO();
  if (app.playing && app.has_trace()) {
    // The only wall-clock input: play speed turns wall seconds into simulated ones.
    double nt = advance_play(app.runs.front().model->packets, app.t, io.DeltaTime, app.speed, app.slow_motion);
    if (nt >= app.t_end()) {
      nt = app.t_end();
      app.playing = false;
    }
    app.seek(nt);
  }
  handle_keys(app);

  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(io.DisplaySize);
  ImGui::Begin("brokersim", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoBringToFrontOnFocus);
  float em = ImGui::GetFontSize();
  draw_toolbar(app);
  if (!app.error.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme::kDown));
    ImGui::TextWrapped("Error: %s", app.error.c_str());
    ImGui::PopStyleColor();
    if (app.has_trace() && ImGui::SmallButton("dismiss")) app.error.clear();
  }
  if (app.job && !app.job->done)
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(theme::kRedelivered), "Running %s ...", app.job->request.scenario.c_str());
  if (!app.has_trace()) {
    ImGui::TextWrapped("brokersim-gui: pick a lesson, or start with  brokersim-gui SCENARIO.json  or  --trace FILE.jsonl");
    // The picker scrolls (the window itself has no scrollbar).
    ImGui::BeginChild("##picker", ImGui::GetContentRegionAvail(), false);
    draw_lesson(app);
    ImGui::EndChild();
    ImGui::End();
    return;
  }

  ImVec2 avail = ImGui::GetContentRegionAvail();
  float sp = ImGui::GetStyle().ItemSpacing.y;
  float timeline_h = (2.0f + timeline_band_em(app.runs.size()) * static_cast<float>(app.runs.size()) + 1.4f +
                      (app.selected ? 1.2f : 0.0f)) * em;
  float main_h = std::max(8.0f * em, avail.y - timeline_h - sp);
  // Narrow (text scale 2): side by side, nodes and labels collide.
  if (is_narrow(avail.x))
    compact_layout(app, ImVec2(avail.x, main_h));
  else
    wide_layout(app, ImVec2(avail.x, main_h));
  // The timeline gets what is left, never more: the window itself must not overflow.
  draw_timeline(app, ImVec2(avail.x, std::max(1.0f, ImGui::GetContentRegionAvail().y)));
  ImGui::End();
}

}  // namespace bs::gui
