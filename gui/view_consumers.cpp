// Consumer view: what each consumer processed, in order, with reorders and duplicates marked.
#include <algorithm>

#include "msg_box.hpp"
#include "theme.hpp"
#include "views.hpp"

namespace bs::gui {

void draw_consumers(AppState& app, Run& run, ImVec2 size) {
  const TraceModel& m = *run.model;
  const SimState& st = run.play->state();
  float em = ImGui::GetFontSize();
  ImGui::BeginChild("##consumers", size, true);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImGui::TextUnformatted("Processed by each consumer, in order");
  ImGui::SameLine();
  ImGui::TextDisabled("(red: late)");
  float width = ImGui::GetContentRegionAvail().x;
  ImVec2 bs = msg_box_size();
  float step = bs.x + 0.35f * em;
  std::size_t per_row = static_cast<std::size_t>(std::max(1.0f, width / step));
  for (NodeId n = 0; n < m.topo.size(); ++n) {
    if (m.topo.role(n) != Role::Consumer) continue;
    auto it = st.consumers().find(n);
    static const ConsumerState empty;
    const ConsumerState& c = it == st.consumers().end() ? empty : it->second;
    bool down = m.topo.node_down(n, app.t);
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(down ? theme::kDown : theme::kText));
    ImGui::Text("%s%s", m.node_name(n).c_str(), down ? " (crashed)" : "");
    ImGui::PopStyleColor();
    ImGui::SameLine();
    // Only what happened is listed, so the line fits a narrow panel. The figures are the
    // checker's: "late" counts red boxes, the checker's reordered counts inverted pairs
    // (m2 after m3 and m4 = 2).
    static const ConsumerTotals none;
    auto ct_it = run.summary->totals().consumers.find(m.node_name(n));
    const ConsumerTotals& ct = ct_it == run.summary->totals().consumers.end() ? none : ct_it->second;
    ImGui::Text("processed %llu", static_cast<unsigned long long>(ct.processed));
    auto stat = [](std::uint64_t v, ImU32 col, const char* fmt, std::uint64_t v2 = 0) {
      if (!v) return;
      ImGui::SameLine();
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(col), fmt, static_cast<unsigned long long>(v),
                         static_cast<unsigned long long>(v2));
    };
    stat(c.reordered, theme::kReordered, "late %llu (reordered pairs %llu)", ct.reordered);
    stat(ct.duplicates, theme::kDuplicate, "duplicates %llu");
    stat(ct.redelivered, theme::kRedelivered, "redelivered %llu");
    stat(ct.duplicates_skipped, theme::kDim, "skipped as duplicates %llu");
    // Say in words what the red boxes mean, for the last few of them.
    std::string late;
    int shown_late = 0;
    for (auto it = c.processed.rbegin(); it != c.processed.rend() && shown_late < 3; ++it) {
      if (!it->reordered) continue;
      MsgId before = 0;
      for (const auto& q : c.processed) {
        if (&q == &*it) break;
        if (q.queue == it->queue && q.position > it->position) { before = q.msg; break; }
      }
      late = "m" + std::to_string(it->msg) + " after m" + std::to_string(before) + (late.empty() ? "" : ", ") + late;
      ++shown_late;
    }
    if (!late.empty()) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(theme::kReordered), "late: %s", late.c_str());
    // Two rows at most; the newest are what matter when a long run has gone by.
    std::size_t max_shown = per_row * 2;
    std::size_t first = c.processed.size() > max_shown ? c.processed.size() - max_shown : 0;
    if (first > 0) ImGui::TextDisabled("... %zu earlier", first);
    ImVec2 p = ImGui::GetCursorScreenPos();
    std::size_t shown = 0;
    for (std::size_t i = first; i < c.processed.size(); ++i, ++shown) {
      const ProcessedMsg& pm = c.processed[i];
      ImVec2 q(p.x + static_cast<float>(shown % per_row) * step, p.y + static_cast<float>(shown / per_row) * (bs.y + 1.2f * em));
      BoxMarks k;
      k.redelivered = pm.redelivered;
      auto rk = m.routing_key.find(pm.msg);
      k.key = rk == m.routing_key.end() ? nullptr : rk->second.c_str();
      k.reordered = pm.reordered;
      k.duplicate = pm.duplicate;
      k.selected = pm.msg == app.selected;
      k.dimmed = app.selected && !k.selected;
      if (draw_msg_box(dl, q, pm.msg, k)) app.select(pm.msg);
    }
    std::size_t rows = std::max<std::size_t>(1, (shown + per_row - 1) / per_row);
    if (c.processed.empty()) dl->AddText(ImVec2(p.x, p.y + 0.2f * em), theme::kDim, "(nothing processed yet)");
    ImGui::Dummy(ImVec2(width, static_cast<float>(rows) * (bs.y + 1.2f * em)));
    ImGui::Separator();
  }
  ImGui::EndChild();
}

}  // namespace bs::gui
