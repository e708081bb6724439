// Consumer view: what each consumer processed, in order, with reorders and duplicates marked.
#include <algorithm>
#include <cstdio>

#include "msg_box.hpp"
#include "theme.hpp"
#include "views.hpp"
#include "wrap_text.hpp"

namespace bs::gui {

void draw_consumers(AppState& app, Run& run, ImVec2 size) {
  const TraceModel& m = *run.model;
  const SimState& st = run.play->state();
  float em = ImGui::GetFontSize();
  ImGui::BeginChild("##consumers", size, true);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  // Three or more runs: the heading is said once above them all (frame.cpp), not per run.
  if (app.runs.size() <= 2) {
    wrap_text(theme::kText, "Processed by each consumer, in order");
    wrap_more_dim("(red: late)");
  }
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
    wrap_text(down ? theme::kDown : theme::kText, "%s%s", m.node_name(n).c_str(), down ? " (crashed)" : "");
    // Only what happened is listed, so the line fits a narrow panel. The figures are the
    // checker's: "late" counts red boxes, the checker's reordered counts inverted pairs
    // (m2 after m3 and m4 = 2).
    static const ConsumerTotals none;
    auto ct_it = run.summary->totals().consumers.find(m.node_name(n));
    const ConsumerTotals& ct = ct_it == run.summary->totals().consumers.end() ? none : ct_it->second;
    wrap_more_plain("processed %llu", static_cast<unsigned long long>(ct.processed));
    // Each figure is a piece of the row: at large text the row breaks between figures.
    auto stat = [](std::uint64_t v, ImU32 col, const char* fmt, std::uint64_t v2 = 0) {
      if (!v) return;
      char buf[160];
      std::snprintf(buf, sizeof buf, fmt, static_cast<unsigned long long>(v), static_cast<unsigned long long>(v2));
      wrap_more(col, "%s", buf);
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
    if (!late.empty()) wrap_text(theme::kReordered, "late: %s", late.c_str());
    // Processings and skipped duplicates (an idempotent consumer's "seen it, not again"),
    // in the order they happened.
    std::vector<std::pair<const ProcessedMsg*, bool>> row;  // (entry, skipped)
    row.reserve(c.processed.size() + c.skipped.size());
    for (const auto& pm : c.processed) row.emplace_back(&pm, false);
    for (const auto& pm : c.skipped) row.emplace_back(&pm, true);
    if (!c.skipped.empty())
      std::sort(row.begin(), row.end(), [](const auto& a, const auto& b) { return a.first->event < b.first->event; });
    // Two rows at most; the newest are what matter when a long run has gone by.
    std::size_t max_shown = per_row * 2;
    std::size_t first = row.size() > max_shown ? row.size() - max_shown : 0;
    if (first > 0) wrap_dim("... %zu earlier", first);
    ImVec2 p = ImGui::GetCursorScreenPos();
    std::size_t shown = 0;
    for (std::size_t i = first; i < row.size(); ++i, ++shown) {
      const ProcessedMsg& pm = *row[i].first;
      ImVec2 q(p.x + static_cast<float>(shown % per_row) * step, p.y + static_cast<float>(shown / per_row) * (bs.y + 1.2f * em));
      if (row[i].second) {
        // Delivered again and recognised: faded (it was not processed), framed magenta.
        BoxMarks k;
        k.redelivered = pm.redelivered;
        k.selected = pm.msg == app.selected;
        k.dimmed = !k.selected;
        bool clicked = draw_msg_box(dl, q, pm.msg, k);
        dl->AddRect(q, ImVec2(q.x + bs.x, q.y + bs.y), theme::kDuplicate, 0.0f, 0, 0.12f * em);
        dl->AddText(ImVec2(q.x + std::max(0.0f, (bs.x - ImGui::CalcTextSize("skip").x) / 2), q.y + bs.y + 0.05f * em),
                    theme::kDuplicate, "skip");
        ImVec2 mouse = ImGui::GetIO().MousePos;
        if (ImGui::IsWindowHovered() && mouse.x >= q.x && mouse.x < q.x + bs.x && mouse.y >= q.y && mouse.y < q.y + bs.y)
          ImGui::SetTooltip("m%llu delivered again (%s) and skipped: %s had processed it already, so it acked it "
                            "without processing it twice - click to follow it",
                            static_cast<unsigned long long>(pm.msg), pm.redelivered ? "redelivered" : "a second copy",
                            m.node_name(n).c_str());
        if (clicked) app.select(pm.msg);
        continue;
      }
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
    if (row.empty()) dl->AddText(ImVec2(p.x, p.y + 0.2f * em), theme::kDim, "(nothing processed yet)");
    ImGui::Dummy(ImVec2(width, static_cast<float>(rows) * (bs.y + 1.2f * em)));
    ImGui::Separator();
  }
  ImGui::EndChild();
}

}  // namespace bs::gui
