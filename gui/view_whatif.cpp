// What-if: re-run the scenario with one fault added at the viewed time, shown beside the original.
#include <cstdio>

#include "flow.hpp"
#include "runner.hpp"
#include "theme.hpp"
#include "views.hpp"

namespace bs::gui {
namespace {

// Fork the lesson at the viewed time with one more fault (the CLI's --fault syntax).
void fork_with(AppState& app, const std::string& spec) {
  RunRequest rq;
  rq.scenario = app.scenario_path;
  rq.faults = {spec};
  rq.kind = RunKind::WhatIf;
  rq.label = "what-if: " + describe_fault(spec);
  rq.fork_t = app.t;
  start_job(app, std::move(rq));
}

}  // namespace

void draw_whatif(AppState& app) {
  if (app.scenario_path.empty()) {
    ImGui::TextWrapped("What-if needs the scenario, not just a trace: open a lesson (brokersim-gui SCENARIO.json).");
    return;
  }
  const TraceModel& m = app.model();
  ImGui::TextWrapped("Re-run the lesson with one more fault at the current time (t = %.3f s). The simulator is "
                     "deterministic, so everything before the fork is identical; the new run is drawn beside the old one, "
                     "and the Summary reports the lesson's expectations against it as same or changed.",
                     app.t);
  float w = ImGui::GetFontSize() * 10;
  bool busy = app.job && !app.job->done;
  char spec[160];
  ImGui::SetNextItemWidth(w);
  const char* cur = app.whatif_node < m.topo.size() ? m.topo.name(app.whatif_node).c_str() : "pick a node";
  if (ImGui::BeginCombo("##node", cur)) {
    for (NodeId n = 0; n < m.topo.size(); ++n)
      if (ImGui::Selectable(m.topo.name(n).c_str(), n == app.whatif_node)) app.whatif_node = n;
    ImGui::EndCombo();
  }
  bool node_ok = app.whatif_node < m.topo.size() && !busy;
  for (const char* what : {"crash", "restart"}) {
    std::string button = std::string(what) + " here";
    flow(button_width(button.c_str()));
    if (ImGui::Button(button.c_str()) && node_ok) {
      std::snprintf(spec, sizeof spec, "%.6f:%s:%s", app.t, what, m.topo.name(app.whatif_node).c_str());
      fork_with(app, spec);
    }
  }
  const auto& links = m.topo.links();
  ImGui::SetNextItemWidth(w);
  bool link_ok = app.whatif_link >= 0 && app.whatif_link < int(links.size());
  std::string lcur = link_ok ? m.topo.name(links[app.whatif_link].a) + " - " + m.topo.name(links[app.whatif_link].b)
                             : "pick a link";
  if (ImGui::BeginCombo("##link", lcur.c_str())) {
    for (int i = 0; i < int(links.size()); ++i) {
      std::string n = m.topo.name(links[i].a) + " - " + m.topo.name(links[i].b);
      if (ImGui::Selectable(n.c_str(), i == app.whatif_link)) app.whatif_link = i;
    }
    ImGui::EndCombo();
  }
  for (const char* what : {"link_down", "link_up"}) {
    std::string button = std::string(what[5] == 'd' ? "down" : "up") + " here";
    flow(button_width(button.c_str()));
    if (ImGui::Button(button.c_str()) && link_ok && !busy) {
      const auto& l = links[app.whatif_link];
      std::snprintf(spec, sizeof spec, "%.6f:%s:%s:%s", app.t, what, m.topo.name(l.a).c_str(), m.topo.name(l.b).c_str());
      fork_with(app, spec);
    }
  }
  if (busy) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(theme::kRedelivered), "running the simulator...");
  // What is shown beside the lesson, each closable (several lessons opened beside it).
  for (std::size_t i = 1; i < app.runs.size(); ++i) {
    ImGui::PushTextWrapPos(0);
    ImGui::Text("Showing beside it, %c: %s", run_letter(i), app.runs[i].label.c_str());
    ImGui::PopTextWrapPos();
    ImGui::PushID(static_cast<int>(i));
    if (ImGui::Button("close it")) {
      app.runs.erase(app.runs.begin() + static_cast<std::ptrdiff_t>(i));
      app.seek(app.t);
      ImGui::PopID();
      break;
    }
    ImGui::PopID();
  }
}

}  // namespace bs::gui
