// Toolbar: transport controls (play, step, home/end), speed, text size, the lesson title.
// Items flow onto a second line when the window is too narrow (a projector at text scale 2)
// rather than run off the right edge.
#include <algorithm>
#include <cmath>

#include "flow.hpp"
#include "theme.hpp"
#include "views.hpp"

namespace bs::gui {
namespace {

bool tool_button(const char* label, const char* tip, bool first = false) {
  if (!first) flow(button_width(label));
  bool pressed = ImGui::Button(label);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tip);
  return pressed;
}

// Speed, text size, ids, frame stepping and slow hops: in the toolbar's row (`inline_row`)
// or one under the other in a popup.
void view_options(AppState& app, float em, bool inline_row) {
  auto next = [&](float w) {
    if (inline_row) flow(w);
  };
  // Speed on a log scale: 0.1x .. 100x simulated seconds per wall second.
  char speed[32];
  std::snprintf(speed, sizeof speed, "%.2gx speed", app.speed);
  next(8 * em + ImGui::GetStyle().ItemSpacing.x + ImGui::CalcTextSize(speed).x);
  float lg = std::log10(app.speed);
  ImGui::SetNextItemWidth(8 * em);
  if (ImGui::SliderFloat("##speed", &lg, -1.0f, 2.0f, "")) app.speed = std::pow(10.0f, lg);
  ImGui::SameLine();
  ImGui::TextUnformatted(speed);
  next(5 * em);
  ImGui::SetNextItemWidth(5 * em);
  if (ImGui::SliderFloat("##font", &app.font_scale, 1.0f, 2.5f, "text %.1fx")) theme::set_font_scale(app.font_scale);
  next(checkbox_width("ids"));
  ImGui::Checkbox("ids", &app.show_labels);
  next(checkbox_width("frames"));
  ImGui::Checkbox("frames", &app.step_frames);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("< and > (and the arrow keys) stop at every network frame, heartbeats included\n"
                      "(Alt+Left / Alt+Right do that at any time).");
  next(checkbox_width("slow hops"));
  ImGui::Checkbox("slow hops", &app.slow_motion);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Slow the clock while a message is on the wire, so millisecond hops can be seen.\n"
                      "Positions stay exact; only the pace changes.");
}

}  // namespace

void draw_toolbar(AppState& app) {
  if (!app.has_trace()) return;
  double end = app.t_end();
  const TraceModel& m = app.model();
  float em = ImGui::GetFontSize();
  if (tool_button("|<", "start (Home)", true)) app.seek(0);
  if (tool_button("<<", "previous marker (Shift+Left)")) app.seek(m.prev_marker(app.t));
  if (tool_button("<", "previous event that changes what you see (Left)"))
    app.seek(app.step_frames ? m.prev_frame(app.t) : m.prev_step(app.t));
  if (tool_button(app.playing ? " pause " : " play  ", "play / pause (Space)")) {
    if (!app.playing && app.t >= end) app.seek(0);
    app.playing = !app.playing;
  }
  if (tool_button(">", "next event that changes what you see (Right)"))
    app.seek(app.step_frames ? m.next_frame(app.t) : m.next_step(app.t));
  if (tool_button(">>", "next marker (Shift+Right)")) app.seek(m.next_marker(app.t));
  if (tool_button(">|", "end (End)")) app.seek(end);
  char clock[64];
  std::snprintf(clock, sizeof clock, "t = %.3f s / %.1f s", app.t, end);
  flow(ImGui::CalcTextSize(clock).x);
  ImGui::TextUnformatted(clock);
  // On a narrow window (text scale 2) the view options go into a popup, so the transport
  // controls and the lesson title keep the toolbar to two lines.
  if (is_narrow(ImGui::GetWindowWidth())) {
    flow(button_width("view..."));
    if (ImGui::Button("view...")) ImGui::OpenPopup("##view_options");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("speed, text size, ids, frame stepping, slow hops");
    if (ImGui::BeginPopup("##view_options")) {
      view_options(app, em, false);
      ImGui::EndPopup();
    }
  } else {
    view_options(app, em, true);
  }
  // The title wraps on a line of its own when it does not fit after the controls.
  const auto& h = m.trace.header;
  const std::string& title = h.title.empty() ? h.scenario : h.title;
  flow(ImGui::CalcTextSize(title.c_str()).x);
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme::kRedelivered));
  ImGui::PushTextWrapPos(0);
  ImGui::TextUnformatted(title.c_str());
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
}

}  // namespace bs::gui
