// Toolbar: lesson title, transport controls (play, step, home/end), speed, font scale.
#include <algorithm>
#include <cmath>

#include "theme.hpp"
#include "views.hpp"

namespace bs::gui {

void draw_toolbar(AppState& app) {
  if (!app.has_trace()) return;
  double end = app.t_end();
  const TraceModel& m = app.model();
  if (ImGui::Button("|<")) app.seek(0);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("start (Home)");
  ImGui::SameLine();
  if (ImGui::Button("<")) app.seek(m.prev_step(app.t));
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("previous event (Left)");
  ImGui::SameLine();
  if (ImGui::Button(app.playing ? " pause " : " play  ")) {
    if (!app.playing && app.t >= end) app.seek(0);
    app.playing = !app.playing;
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("play / pause (Space)");
  ImGui::SameLine();
  if (ImGui::Button(">")) app.seek(m.next_step(app.t));
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("next event (Right)");
  ImGui::SameLine();
  if (ImGui::Button(">|")) app.seek(end);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("end (End)");
  ImGui::SameLine();
  ImGui::Text("t = %.3f s / %.1f s", app.t, end);
  ImGui::SameLine();
  // Speed on a log scale: 0.1x .. 100x simulated seconds per wall second.
  float lg = std::log10(app.speed);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
  if (ImGui::SliderFloat("##speed", &lg, -1.0f, 2.0f, "")) app.speed = std::pow(10.0f, lg);
  ImGui::SameLine();
  ImGui::Text("%.2gx speed", app.speed);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 5);
  if (ImGui::SliderFloat("##font", &app.font_scale, 1.0f, 2.5f, "text %.1fx")) theme::set_font_scale(app.font_scale);
  ImGui::SameLine();
  ImGui::Checkbox("ids", &app.show_labels);
  ImGui::SameLine();
  ImGui::Checkbox("slow hops", &app.slow_motion);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Slow the clock while a message is on the wire, so millisecond hops can be seen.\n"
                      "Positions stay exact; only the pace changes.");
  ImGui::SameLine();
  const auto& h = m.trace.header;
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(theme::kRedelivered), "%s",
                     h.title.empty() ? h.scenario.c_str() : h.title.c_str());
}

}  // namespace bs::gui
