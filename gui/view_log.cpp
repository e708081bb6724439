// Event log: the trace around the viewed time, filterable; click a row to follow its message.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

#include "model/colors.hpp"
#include "flow.hpp"
#include "theme.hpp"
#include "views.hpp"
#include "vocabulary/vocabulary.hpp"

namespace bs::gui {
namespace {

// One readable line per event: "deliver  broker  m4 consumer=c1 tag=2 redelivered".
std::string describe(const TraceModel& m, const Event& e) {
  auto j = event_to_json(e, m.trace.header.node_names);
  std::string s;
  for (const auto& [k, v] : j.items()) {
    if (k == "t" || k == "kind" || k == "node" || k == "msg") continue;
    if (!s.empty()) s += ' ';
    s += k;
    s += '=';
    s += v.is_string() ? v.get<std::string>() : v.dump();
  }
  return s;
}

// Rows before this index are events at or before the viewed time.
std::size_t run_applied_rows(const std::vector<std::size_t>& rows, std::size_t applied) {
  return static_cast<std::size_t>(std::lower_bound(rows.begin(), rows.end(), applied) - rows.begin());
}

bool is_network(EventKind k) { return k == ev::NetSend || k == ev::NetRecv || k == ev::NetDrop; }

}  // namespace

void draw_log(AppState& app) {
  const TraceModel& m = app.model();
  const auto& ev = m.trace.events;
  static bool show_net = false;
  static std::string last_filter;
  static bool last_net = false;
  // Held, not just compared by address: a new trace could reuse the old one's address.
  static std::shared_ptr<const TraceModel> last_model;
  static std::vector<std::size_t> rows;

  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 12);
  ImGui::InputTextWithHint("##filter", "filter: c1, deliver, m4 ...", app.log_filter, sizeof app.log_filter);
  flow(checkbox_width("frames"));
  ImGui::Checkbox("frames", &show_net);
  flow(checkbox_width("follow"));
  ImGui::Checkbox("follow", &app.log_follow);
  if (app.selected) {
    char buf[24];
    flow(button_width("clear selection"));
    if (ImGui::SmallButton("clear selection")) app.select(0);
    flow(ImGui::CalcTextSize("following m0000").x);
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(msg_color(app.selected)), "following %s", msg_label(app.selected, buf));
  }

  // The filtered row list changes only with the filter, not with time.
  if (last_model != app.runs.front().model || last_filter != app.log_filter || last_net != show_net) {
    last_model = app.runs.front().model;
    last_filter = app.log_filter;
    last_net = show_net;
    rows.clear();
    std::string f = app.log_filter;
    for (std::size_t i = 0; i < ev.size(); ++i) {
      const Event& e = ev[i];
      if (!show_net && is_network(e.kind)) continue;
      if (!f.empty()) {
        std::string line = std::string(kind_name(e.kind)) + " " + m.node_name(e.node) + " m" + std::to_string(e.msg) + " " + describe(m, e);
        if (line.find(f) == std::string::npos) continue;
      }
      rows.push_back(i);
    }
  }
  std::size_t now = run_applied_rows(rows, app.runs.front().play->applied());
  // Rows keep one line each (the clipper needs equal heights): long ones scroll sideways.
  ImGui::BeginChild("##logrows", ImVec2(0, 0), true, ImGuiWindowFlags_HorizontalScrollbar);
  ImGuiListClipper clip;
  clip.Begin(static_cast<int>(rows.size()));
  while (clip.Step()) {
    for (int r = clip.DisplayStart; r < clip.DisplayEnd; ++r) {
      const Event& e = ev[rows[r]];
      bool future = static_cast<std::size_t>(r) >= now;
      bool sel = app.selected && e.msg == app.selected;
      ImVec4 col = ImGui::ColorConvertU32ToFloat4(future ? theme::kDim : sel ? theme::kSelected : theme::kText);
      char head[96];
      std::snprintf(head, sizeof head, "%8.3f  %-12s %-7s %s", e.t, std::string(kind_name(e.kind)).c_str(),
                    m.node_name(e.node).c_str(), e.msg ? ("m" + std::to_string(e.msg)).c_str() : "");
      ImGui::PushID(r);
      ImGui::PushStyleColor(ImGuiCol_Text, col);
      if (ImGui::Selectable(head, sel, ImGuiSelectableFlags_AllowDoubleClick)) {
        if (e.msg) app.select(e.msg);
        if (ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) app.seek(e.t);
      }
      ImGui::SameLine();
      ImGui::TextUnformatted(describe(m, e).c_str());
      ImGui::PopStyleColor();
      ImGui::PopID();
    }
  }
  // Keep the current time in view while playing, unless the user scrolled away.
  if (app.log_follow) {
    float line = ImGui::GetTextLineHeightWithSpacing();
    float target = static_cast<float>(now) * line - ImGui::GetWindowHeight() * 0.6f;
    ImGui::SetScrollY(std::max(0.0f, target));
  }
  ImGui::EndChild();
}

}  // namespace bs::gui
