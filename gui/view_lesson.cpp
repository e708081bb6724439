// Lesson panel: what to read aloud, the lesson's "Try this", and the picker for the other
// lessons (which can also open a lesson beside the current one, for comparisons).
#include <cstdio>
#include <string>

#include <fmt/format.h>

#include "theme.hpp"
#include "views.hpp"

namespace bs::gui {
namespace {

// The "Try this" of the lesson on screen, with a button that runs it beside the lesson.
void draw_try_this(AppState& app, bool busy) {
  const ScenarioEntry& e = app.lesson;
  if (app.scenario_path.empty() || e.try_text.empty()) return;
  ImGui::Spacing();
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(theme::kRedelivered), "Try this");
  ImGui::PushTextWrapPos(0);
  ImGui::TextUnformatted(e.try_text.c_str());
  ImGui::PopTextWrapPos();
  bool showing = app.runs.size() > 1 && app.runs[1].kind == RunKind::TryThis;
  if (showing) {
    if (ImGui::Button("close it")) app.runs.resize(1);
  } else if (ImGui::Button("Try it") && !busy) {
    RunRequest rq;
    rq.scenario = app.scenario_path;
    rq.try_this = true;
    rq.kind = RunKind::TryThis;
    rq.label = "Try this";
    start_job(app, std::move(rq));
  }
}

// A picker row whose title wraps rather than running past the panel's edge.
bool wrapped_selectable(const std::string& text, bool selected) {
  float w = ImGui::GetContentRegionAvail().x;
  float h = ImGui::CalcTextSize(text.c_str(), nullptr, false, w).y;
  ImVec2 pos = ImGui::GetCursorPos();
  ImGui::PushID(text.c_str());
  bool clicked = ImGui::Selectable("##pick", selected, 0, ImVec2(0, h));
  ImGui::PopID();
  ImGui::SetCursorPos(pos);
  ImGui::PushTextWrapPos(pos.x + w);
  ImGui::TextUnformatted(text.c_str());
  ImGui::PopTextWrapPos();
  return clicked;
}

}  // namespace

void draw_lesson(AppState& app) {
  bool busy = app.job && !app.job->done;
  if (app.has_trace()) {
    const auto& h = app.model().trace.header;
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(h.title.empty() ? h.scenario.c_str() : h.title.c_str());
    ImGui::Separator();
    ImGui::TextUnformatted(h.description.empty() ? "(no description)" : h.description.c_str());
    ImGui::PopTextWrapPos();
    ImGui::TextDisabled("seed %llu, model %s", static_cast<unsigned long long>(h.seed), h.model.c_str());
    draw_try_this(app, busy);
  }
  ImGui::Spacing();
  ImGui::Separator();
  if (app.scenarios.empty()) {
    ImGui::TextDisabled("No lessons found (use --scenarios DIR).");
    return;
  }
  ImGui::PushTextWrapPos(0);
  ImGui::Text("Lessons in %s", app.scenarios_dir.c_str());
  ImGui::PopTextWrapPos();
  if (app.has_trace()) {
    ImGui::Checkbox("##beside", &app.open_beside);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("Up to %zu runs share one clock; the Summary tab shows their totals side by side.", kMaxRuns);
    ImGui::SameLine();
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted("open the lesson picked below beside this one, to compare (up to four)");
    ImGui::PopTextWrapPos();
  }
  // One heading per system (RabbitMQ, Kafka, ...), so a student who meets one at work finds
  // its lessons. Closed at first (the list of systems fits on screen), except the group of
  // the lesson on screen.
  const auto groups = group_by_system(app.scenarios);
  for (const LessonGroup& g : groups) {
    // A heading does not wrap: at a large text scale a long system name drops its count,
    // then its last words ("Amazon Kinesis Data..."); the full name is in its tooltip.
    const float room = ImGui::GetContentRegionAvail().x - ImGui::GetFontSize() * 2.5f;
    std::string label = fmt::format("{} ({} {})", g.system, g.lessons.size(), g.lessons.size() == 1 ? "lesson" : "lessons");
    if (ImGui::CalcTextSize(label.c_str()).x > room) label = g.system;
    while (ImGui::CalcTextSize(label.c_str()).x > room && label.find(' ') != std::string::npos)
      label = label.substr(0, label.rfind(' ', label.size() - (label.ends_with("...") ? 4 : 1))) + "...";
    const std::string head = label + "###" + g.system;
    bool has_current = false;
    for (const ScenarioEntry* s : g.lessons) has_current = has_current || s->path == app.scenario_path;
    if (has_current || groups.size() == 1) ImGui::SetNextItemOpen(true, ImGuiCond_Once);
    const bool open = ImGui::CollapsingHeader(head.c_str());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s: %zu lesson%s", g.system.c_str(), g.lessons.size(), g.lessons.size() == 1 ? "" : "s");
    if (!open) continue;
    for (const ScenarioEntry* s : g.lessons) {
      bool current = s->path == app.scenario_path;
      if (!wrapped_selectable(s->title, current) || busy) continue;
      RunRequest rq;
      rq.scenario = s->path;
      if (app.open_beside && app.has_trace()) {
        rq.kind = RunKind::Beside;
        rq.label = s->title;
      } else if (!current) {
        rq.label = "original";
      } else {
        continue;
      }
      start_job(app, std::move(rq));
    }
  }
}

}  // namespace bs::gui
