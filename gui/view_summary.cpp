// Summary: the checker's totals as of the viewed time and the lesson's expectations.
#include <cstdio>
#include <string>

#include "theme.hpp"
#include "views.hpp"

namespace bs::gui {

void draw_summary(AppState& app, Run& run) {
  const Totals& t = run.summary->totals();
  bool at_end = app.t >= run.model->t_end;
  ImGui::Text("Checker totals at t = %.3f s%s", app.t, at_end ? " (end of run)" : " (so far)");
  if (ImGui::BeginTable("##totals", 4, ImGuiTableFlags_Borders | ImGuiTableFlags_SizingStretchSame)) {
    auto cell = [](const char* name, double v, bool bad = false, bool integer = true) {
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(name);
      ImGui::TableNextColumn();
      if (bad) ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme::kReordered));
      if (integer) ImGui::Text("%.0f", v);
      else ImGui::Text("%.1f", v);
      if (bad) ImGui::PopStyleColor();
    };
    cell("published", double(t.published));
    cell("retries", double(t.retries), t.retries > 0);
    cell("confirmed", double(t.confirmed));
    cell("unconfirmed", double(t.unconfirmed), t.unconfirmed > 0);
    cell("routed", double(t.routed));
    cell("unroutable", double(t.unroutable), t.unroutable > 0);
    cell("returned", double(t.returned));
    cell("delivered", double(t.delivered));
    cell("redelivered", double(t.redelivered), t.redelivered > 0);
    cell("processed", double(t.processed));
    cell("acked", double(t.acked));
    cell("requeued", double(t.requeued), t.requeued > 0);
    cell("lost", double(t.lost), t.lost > 0);
    cell("dropped", double(t.dropped), t.dropped > 0);
    cell("duplicates", double(t.duplicates), t.duplicates > 0);
    cell("reordered", double(t.reordered), t.reordered > 0);
    cell("dead-lettered", double(t.dead_lettered));
    cell("pending", double(t.pending));
    cell("latency p50 ms", t.latency_p50_ms, false, false);
    cell("latency p99 ms", t.latency_p99_ms, false, false);
    // The same figures the CLI summary adds for a replicated log or a memory alarm.
    if (t.replication) {
      cell("lost: truncated", double(t.lost_truncated), t.lost_truncated > 0);
      cell("lost: unclean", double(t.lost_unclean_election), t.lost_unclean_election > 0);
      cell("log duplicates", double(t.duplicates_in_log), t.duplicates_in_log > 0);
      cell("diverged", double(t.diverged), t.diverged > 0);
      cell("offline s", t.offline_s, t.offline_s > 0, false);
      cell("below min s", t.below_min_isr_s, t.below_min_isr_s > 0, false);
    }
    if (t.memory_alarms) {
      cell("memory alarms", double(t.memory_alarms), true);
      cell("blocked s", t.blocked_s, t.blocked_s > 0, false);
    }
    ImGui::EndTable();
  }
  // Which messages, and since when: the ledger marks each at the event that lost it.
  const auto& lost = run.play->state().lost();
  if (!lost.empty()) {
    std::string ids;
    for (std::size_t i = 0; i < lost.size() && i < 12; ++i)
      ids += (i ? ", " : "") + ("m" + std::to_string(lost[i].msg)) + " at " + std::to_string(lost[i].t).substr(0, 5) + " s";
    if (lost.size() > 12) ids += ", ...";
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme::kReordered));
    ImGui::TextWrapped("lost: %s", ids.c_str());
    ImGui::PopStyleColor();
  }
  const auto& ex = run.summary->expectations();
  if (ex.empty()) {
    ImGui::TextDisabled("This scenario states no expectations.");
    return;
  }
  ImGui::Spacing();
  ImGui::TextUnformatted(at_end ? "What the lesson expects:" : "What the lesson expects (judged at the end; shown so far):");
  for (const auto& r : check_expectations(ex, t)) {
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(r.pass ? IM_COL32(90, 230, 120, 255) : theme::kReordered), "%s",
                       r.pass ? "PASS" : (at_end ? "FAIL" : "not yet"));
    ImGui::SameLine();
    ImGui::TextWrapped("%s", r.describe().c_str());
  }
  const auto& f = run.model->trace.footer;
  if (f.is_object() && f.contains("verdict") && f["verdict"].is_string())
    ImGui::Text("Simulator's verdict for the whole run: %s", f["verdict"].get<std::string>().c_str());
}

}  // namespace bs::gui
