// What-if: re-run the scenario with one fault added at the viewed time, shown beside the original.
#include <cstdio>

#include "theme.hpp"
#include "views.hpp"

namespace bs::gui {

void draw_whatif(AppState& app) {
  if (app.scenario_path.empty()) {
    ImGui::TextWrapped("What-if needs the scenario, not just a trace: open a lesson (brokersim-gui SCENARIO.json).");
    return;
  }
  const TraceModel& m = app.model();
  ImGui::TextWrapped("Re-run the lesson with one more fault at the current time (t = %.3f s). The simulator is "
                     "deterministic, so everything before the fork is identical; the new run is drawn beside the old one.",
                     app.t);
  float w = ImGui::GetFontSize() * 10;
  ImGui::SetNextItemWidth(w);
  const char* cur = app.whatif_node < m.topo.size() ? m.topo.name(app.whatif_node).c_str() : "pick a node";
  if (ImGui::BeginCombo("##node", cur)) {
    for (NodeId n = 0; n < m.topo.size(); ++n)
      if (ImGui::Selectable(m.topo.name(n).c_str(), n == app.whatif_node)) app.whatif_node = n;
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  bool busy = app.job && !app.job->done;
  char spec[128], label[160];
  if (ImGui::Button("crash here") && app.whatif_node < m.topo.size() && !busy) {
    std::snprintf(spec, sizeof spec, "%.6f:crash:%s", app.t, m.topo.name(app.whatif_node).c_str());
    std::snprintf(label, sizeof label, "what-if: %s crashes at %.3f s", m.topo.name(app.whatif_node).c_str(), app.t);
    start_job(app, app.scenario_path, {spec}, true, label, app.t);
  }
  ImGui::SameLine();
  if (ImGui::Button("restart here") && app.whatif_node < m.topo.size() && !busy) {
    std::snprintf(spec, sizeof spec, "%.6f:restart:%s", app.t, m.topo.name(app.whatif_node).c_str());
    std::snprintf(label, sizeof label, "what-if: %s restarts at %.3f s", m.topo.name(app.whatif_node).c_str(), app.t);
    start_job(app, app.scenario_path, {spec}, true, label, app.t);
  }
  const auto& links = m.topo.links();
  ImGui::SetNextItemWidth(w);
  std::string lcur = app.whatif_link >= 0 && app.whatif_link < int(links.size())
                         ? m.topo.name(links[app.whatif_link].a) + " - " + m.topo.name(links[app.whatif_link].b)
                         : "pick a link";
  if (ImGui::BeginCombo("##link", lcur.c_str())) {
    for (int i = 0; i < int(links.size()); ++i) {
      std::string n = m.topo.name(links[i].a) + " - " + m.topo.name(links[i].b);
      if (ImGui::Selectable(n.c_str(), i == app.whatif_link)) app.whatif_link = i;
    }
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  if (ImGui::Button("link down here") && app.whatif_link >= 0 && app.whatif_link < int(links.size()) && !busy) {
    const auto& l = links[app.whatif_link];
    std::snprintf(spec, sizeof spec, "%.6f:link_down:%s:%s", app.t, m.topo.name(l.a).c_str(), m.topo.name(l.b).c_str());
    std::snprintf(label, sizeof label, "what-if: link %s-%s down at %.3f s", m.topo.name(l.a).c_str(),
                  m.topo.name(l.b).c_str(), app.t);
    start_job(app, app.scenario_path, {spec}, true, label, app.t);
  }
  if (busy) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(theme::kRedelivered), "running the simulator...");
  if (app.runs.size() > 1) {
    ImGui::Text("Showing: %s", app.runs[1].label.c_str());
    if (ImGui::Button("close the what-if")) app.runs.resize(1);
  }
}

}  // namespace bs::gui
