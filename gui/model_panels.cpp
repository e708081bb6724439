#include "model_panels.hpp"

namespace bs::gui {
namespace {
struct ModelPanel {
  std::string_view model;
  PanelFn draw;
};

// One line per model (sim/models/registry.cpp lists the same models).
constexpr ModelPanel kPanels[] = {
    {"queue", draw_queues},
    {"log", draw_partitions},
};

void draw_unknown(AppState&, Run& run, ImVec2 size) {
  ImGui::BeginChild("##internals", size, true);
  ImGui::TextWrapped("This GUI has no broker view for model \"%s\"; the other views still work.",
                     run.model->trace.header.model.c_str());
  ImGui::EndChild();
}
}  // namespace

PanelFn model_panel(std::string_view model) {
  for (const auto& p : kPanels)
    if (p.model == model) return p.draw;
  return draw_unknown;
}

}  // namespace bs::gui
