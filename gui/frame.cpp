// The window layout: toolbar on top, canvas and broker internals left, consumers and
// tabs right, timeline at the bottom. Also playback and the keyboard.
#include <algorithm>

#include "model/playback.hpp"
#include "theme.hpp"
#include "model_panels.hpp"
#include "views.hpp"

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
    else if (io.KeyAlt) app.seek(right ? m.next_frame(app.t) : m.prev_frame(app.t));
    else app.seek(right ? m.next_step(app.t) : m.prev_step(app.t));
  }
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Home))) app.seek(0);
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_End))) app.seek(app.t_end());
}

void run_column(AppState& app, Run& run, ImVec2 size, bool titled) {
  float em = ImGui::GetFontSize();
  if (titled) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(run.fork_t >= 0 ? theme::kRedelivered : theme::kText), "%s", run.label.c_str());
  float h = size.y - (titled ? ImGui::GetTextLineHeightWithSpacing() : 0);
  float topo_h = std::max(8.0f * em, h * 0.52f);
  draw_topology(app, run, ImVec2(size.x, topo_h));
  ImVec2 rest(size.x, std::max(4.0f * em, h - topo_h - ImGui::GetStyle().ItemSpacing.y));
  model_panel(run.model->trace.header.model)(app, run, rest);
}

}  // namespace

void draw_frame(AppState& app) {
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
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(theme::kRedelivered), "Running %s ...", app.job->scenario.c_str());
  if (!app.has_trace()) {
    ImGui::TextUnformatted("brokersim-gui: pick a lesson, or start with  brokersim-gui SCENARIO.json  or  --trace FILE.jsonl");
    draw_lesson(app);
    ImGui::End();
    return;
  }

  ImVec2 avail = ImGui::GetContentRegionAvail();
  float sp = ImGui::GetStyle().ItemSpacing.y;
  float timeline_h = (2.0f + 2.4f * static_cast<float>(app.runs.size()) + 1.4f + (app.selected ? 1.2f : 0.0f)) * em;
  float main_h = std::max(10.0f * em, avail.y - timeline_h - sp);
  float left_w = std::floor(avail.x * 0.58f);

  ImGui::BeginChild("##left", ImVec2(left_w, main_h), false, ImGuiWindowFlags_NoScrollbar);
  if (app.runs.size() == 1) {
    run_column(app, app.runs[0], ImGui::GetContentRegionAvail(), false);
  } else {
    ImVec2 a = ImGui::GetContentRegionAvail();
    float w = (a.x - ImGui::GetStyle().ItemSpacing.x) / 2;
    for (std::size_t i = 0; i < 2; ++i) {
      if (i) ImGui::SameLine();
      ImGui::PushID(static_cast<int>(i));
      ImGui::BeginChild("##run", ImVec2(w, a.y), false, ImGuiWindowFlags_NoScrollbar);
      run_column(app, app.runs[i], ImGui::GetContentRegionAvail(), true);
      ImGui::EndChild();
      ImGui::PopID();
    }
  }
  ImGui::EndChild();
  ImGui::SameLine();

  ImGui::BeginChild("##right", ImVec2(0, main_h), false, ImGuiWindowFlags_NoScrollbar);
  ImVec2 r = ImGui::GetContentRegionAvail();
  float cons_h = std::floor(r.y * 0.5f);
  if (app.runs.size() == 1) {
    draw_consumers(app, app.runs[0], ImVec2(r.x, cons_h));
  } else {
    float each = (cons_h - sp) / 2;
    for (std::size_t i = 0; i < 2; ++i) {
      ImGui::PushID(static_cast<int>(i) + 10);
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(i ? theme::kRedelivered : theme::kText), "%s", app.runs[i].label.c_str());
      draw_consumers(app, app.runs[i], ImVec2(r.x, each - ImGui::GetTextLineHeightWithSpacing()));
      ImGui::PopID();
    }
  }
  ImGui::BeginChild("##tabs", ImVec2(0, 0), true);
  if (ImGui::BeginTabBar("##side")) {
    SideTab want = app.tab;
    auto tab = [&](const char* name, SideTab which) {
      ImGuiTabItemFlags f = app.tab_force_frames > 0 && want == which ? ImGuiTabItemFlags_SetSelected : 0;
      bool open = ImGui::BeginTabItem(name, nullptr, f);
      if (open && app.tab_force_frames == 0) app.tab = which;
      return open;
    };
    if (tab("Lesson", SideTab::Lesson)) {
      draw_lesson(app);
      ImGui::EndTabItem();
    }
    if (tab("Summary", SideTab::Summary)) {
      draw_summary(app, app.runs.back());
      ImGui::EndTabItem();
    }
    if (tab("Event log", SideTab::Log)) {
      draw_log(app);
      ImGui::EndTabItem();
    }
    if (tab("What if?", SideTab::WhatIf)) {
      draw_whatif(app);
      ImGui::EndTabItem();
    }
    if (app.tab_force_frames > 0) --app.tab_force_frames;
    ImGui::EndTabBar();
  }
  ImGui::EndChild();
  ImGui::EndChild();

  draw_timeline(app, ImVec2(avail.x, timeline_h));
  ImGui::End();
}

}  // namespace bs::gui
