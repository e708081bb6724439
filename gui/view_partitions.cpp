// Broker internals (log model): each partition as a tape of offsets, with the log start
// moving on retention, each consumer's fetch position and committed offset under it.
#include <algorithm>
#include <cstdio>

#include "model/colors.hpp"
#include "theme.hpp"
#include "views.hpp"

namespace bs::gui {

void draw_partitions(AppState& app, Run& run, ImVec2 size) {
  const TraceModel& m = *run.model;
  const SimState& st = run.play->state();
  float em = ImGui::GetFontSize();
  ImGui::BeginChild("##partitions", size, true);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  if (st.partitions().empty()) ImGui::TextDisabled("No partition has a record yet.");
  else ImGui::TextDisabled("green triangle: consumer's next fetch offset   white bar: committed   yellow: segment start");
  float width = ImGui::GetContentRegionAvail().x;
  float cell = 2.4f * em, ch = 1.6f * em;
  std::size_t fit = static_cast<std::size_t>(std::max(1.0f, (width - cell) / cell));
  for (const PartitionState& p : st.partitions()) {
    ImGui::Text("partition %s", p.name.c_str());
    ImGui::SameLine();
    ImGui::TextDisabled("leader %s   log start %lld   log end %lld", m.node_name(p.leader).c_str(),
                        static_cast<long long>(p.log_start), static_cast<long long>(p.next_offset));
    // Show the newest records that fit, but keep cursors in view when they lag behind.
    std::int64_t first = std::max<std::int64_t>(p.log_start, p.next_offset - static_cast<std::int64_t>(fit));
    ImVec2 o = ImGui::GetCursorScreenPos();
    auto x_of = [&](std::int64_t off) { return o.x + static_cast<float>(off - first) * cell; };
    if (first > p.log_start)
      dl->AddText(ImVec2(o.x, o.y + 0.2f * em), theme::kDim, "...");
    if (p.log_start > 0) {
      ImGui::SameLine();
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(theme::kDown), "offsets 0..%lld deleted by retention",
                         static_cast<long long>(p.log_start - 1));
      o = ImGui::GetCursorScreenPos();
    }
    for (const Record& r : p.records) {
      if (r.offset < first) continue;
      ImVec2 a(x_of(r.offset), o.y), b(a.x + cell - 2, o.y + ch);
      bool sel = app.selected && r.msg == app.selected;
      dl->AddRectFilled(a, b, msg_color(r.msg, app.selected && !sel ? 90 : 255), 0.15f * em);
      dl->AddRect(a, b, sel ? theme::kSelected : IM_COL32(0, 0, 0, 255), 0.15f * em, 0, sel ? 3.0f : 1.0f);
      char buf[24];
      std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(r.offset));
      dl->AddText(ImVec2(a.x + 0.2f * em, a.y + 0.2f * em), IM_COL32(0, 0, 0, 255), buf);
      ImVec2 mouse = ImGui::GetIO().MousePos;
      if (mouse.x >= a.x && mouse.x < b.x && mouse.y >= a.y && mouse.y < b.y && ImGui::IsWindowHovered()) {
        ImGui::SetTooltip("offset %lld: m%llu key %s", static_cast<long long>(r.offset),
                          static_cast<unsigned long long>(r.msg), r.key.c_str());
        if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) app.select(r.msg);
      }
    }
    for (std::int64_t b : p.segment_bases)
      if (b >= first) dl->AddLine(ImVec2(x_of(b) - 1, o.y - 0.2f * em), ImVec2(x_of(b) - 1, o.y + ch + 0.2f * em), theme::kRedelivered, 3.0f);
    ImGui::Dummy(ImVec2(width, ch + 0.3f * em));
    for (const auto& [c, cur] : p.cursors) {
      ImGui::Text("%s%s%s", m.node_name(c).c_str(), cur.group.empty() ? "" : " / ", cur.group.c_str());
      ImGui::SameLine();
      // A group that has not committed yet has no committed offset (Kafka returns -1).
      if (cur.committed >= 0)
        ImGui::TextDisabled("position %lld  committed %lld", static_cast<long long>(cur.position),
                            static_cast<long long>(cur.committed));
      else
        ImGui::TextDisabled("position %lld  no commit yet", static_cast<long long>(cur.position));
      // Cursor marks on the tape row above: triangle = position, bar = committed.
      if (cur.position >= first) {
        float x = x_of(cur.position);
        dl->AddTriangleFilled(ImVec2(x, o.y + ch), ImVec2(x - 0.4f * em, o.y + ch + 0.5f * em), ImVec2(x + 0.4f * em, o.y + ch + 0.5f * em),
                              theme::role_color(Role::Consumer));
      }
      if (cur.committed >= first) {
        float x = x_of(cur.committed);
        dl->AddLine(ImVec2(x, o.y - 0.3f * em), ImVec2(x, o.y + ch + 0.3f * em), theme::kText, 3.0f);
      }
    }
    ImGui::Separator();
  }
  ImGui::EndChild();
}

}  // namespace bs::gui
