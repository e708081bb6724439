// Summary: the checker's totals as of the viewed time and the lesson's expectations; with
// two runs on screen, their totals side by side and each run's expectations under its label.
#include <cstdio>
#include <string>
#include <vector>

#include "check/variant.hpp"
#include "model/comparison.hpp"
#include "theme.hpp"
#include "views.hpp"

namespace bs::gui {
namespace {

void value_cell(const Figure& f) {
  ImGui::TableNextColumn();
  if (f.bad) ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme::kReordered));
  if (f.integer) ImGui::Text("%.0f", f.value);
  else ImGui::Text("%.1f", f.value);
  if (f.bad) ImGui::PopStyleColor();
}

void totals_table(const Totals& t) {
  auto f = summary_figures(t, t.replication, t.memory_alarms > 0);
  // Two figures a row when the panel is wide enough for both names, else one.
  int cols = ImGui::GetContentRegionAvail().x > 34 * ImGui::GetFontSize() ? 4 : 2;
  if (!ImGui::BeginTable("##totals", cols, ImGuiTableFlags_Borders | ImGuiTableFlags_SizingStretchSame)) return;
  for (const auto& x : f) {
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(x.name.c_str());
    value_cell(x);
  }
  ImGui::EndTable();
}

// Two runs' totals, one row per figure; rows where they differ are marked.
void diff_table(const Run& a, const Run& b) {
  const Totals& ta = a.summary->totals();
  const Totals& tb = b.summary->totals();
  bool repl = ta.replication || tb.replication, mem = ta.memory_alarms + tb.memory_alarms > 0;
  auto fa = summary_figures(ta, repl, mem), fb = summary_figures(tb, repl, mem);
  if (!ImGui::BeginTable("##diff", 3, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp))
    return;
  ImGui::TableSetupColumn("figure", ImGuiTableColumnFlags_WidthStretch, 1.2f);
  ImGui::TableSetupColumn("A", ImGuiTableColumnFlags_WidthStretch, 1.0f);
  ImGui::TableSetupColumn("B", ImGuiTableColumnFlags_WidthStretch, 1.0f);
  ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
  ImGui::TableNextColumn();
  ImGui::TextUnformatted("figure");
  ImGui::TableNextColumn();
  ImGui::TextUnformatted("A");
  ImGui::TableNextColumn();
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(theme::kRedelivered), "B");
  for (std::size_t i = 0; i < fa.size(); ++i) {
    ImGui::TableNextRow();
    if (figures_differ(fa[i], fb[i])) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, IM_COL32(90, 70, 20, 160));
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(fa[i].name.c_str());
    value_cell(fa[i]);
    value_cell(fb[i]);
  }
  ImGui::EndTable();
}

void lost_ids(const Run& run) {
  // Which messages, and since when: the ledger marks each at the event that lost it.
  const auto& lost = run.play->state().lost();
  if (lost.empty()) return;
  std::string ids;
  char buf[48];
  for (std::size_t i = 0; i < lost.size() && i < 12; ++i) {
    std::snprintf(buf, sizeof buf, "%sm%llu at %.3f s", i ? ", " : "", static_cast<unsigned long long>(lost[i].msg),
                  lost[i].t);
    ids += buf;
  }
  if (lost.size() > 12) ids += ", ...";
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme::kReordered));
  ImGui::TextWrapped("lost: %s", ids.c_str());
  ImGui::PopStyleColor();
}

// A lesson's own run: PASS / FAIL (not yet, before the end).
void verdict_lines(const std::vector<Expectation>& ex, const Totals& t, bool at_end) {
  for (const auto& r : check_expectations(ex, t)) {
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(r.pass ? theme::kPass : theme::kReordered), "%s",
                       r.pass ? "PASS" : (at_end ? "FAIL" : "not yet"));
    ImGui::SameLine();
    ImGui::TextWrapped("%s", r.describe().c_str());
  }
}

// A variant of the lesson: its expectations are "same" or "changed", never FAIL.
void variant_lines(const std::vector<Expectation>& ex, const Totals& t, bool at_end) {
  for (const auto& v : judge_against_lesson(ex, t)) {
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(v.same() ? theme::kText : theme::kRedelivered), "%s",
                       v.same() || at_end ? v.word() : "differs so far");
    ImGui::SameLine();
    ImGui::TextWrapped("%s", v.describe().c_str());
  }
}

// Everything the lesson (or the variant's prediction) expects of one run.
void run_expectations(const AppState& app, const Run& run) {
  const Totals& t = run.summary->totals();
  bool at_end = app.t >= run.model->t_end;
  const char* when = at_end ? "" : " (judged at the end; shown so far)";
  if (run.kind == RunKind::TryThis) {
    auto predicted = parse_expectations(app.lesson.try_expect);
    if (!predicted.empty()) {
      ImGui::TextWrapped("What Try this predicts%s:", when);
      verdict_lines(predicted, t, at_end);
    }
  }
  if (run.kind == RunKind::WhatIf || run.kind == RunKind::TryThis) {
    if (run.reference.empty()) return;
    ImGui::TextWrapped("The lesson's expectations in this variant%s:", when);
    variant_lines(run.reference, t, at_end);
    return;
  }
  const auto& ex = run.summary->expectations();
  if (ex.empty()) {
    ImGui::TextDisabled("This scenario states no expectations.");
    return;
  }
  ImGui::TextWrapped("What the lesson expects%s:", when);
  verdict_lines(ex, t, at_end);
  const auto& f = run.model->trace.footer;
  if (f.is_object() && f.contains("verdict") && f["verdict"].is_string())
    ImGui::TextWrapped("Simulator's verdict for the whole run: %s", f["verdict"].get<std::string>().c_str());
}

}  // namespace

void draw_summary(AppState& app) {
  if (app.runs.size() == 1) {
    const Run& run = app.runs.front();
    ImGui::TextWrapped("Checker totals at t = %.3f s%s", app.t, app.t >= run.model->t_end ? " (end of run)" : " (so far)");
    totals_table(run.summary->totals());
    lost_ids(run);
    ImGui::Spacing();
    run_expectations(app, run);
    return;
  }
  const Run& a = app.runs[0];
  const Run& b = app.runs[1];
  ImGui::PushTextWrapPos(0);
  ImGui::Text("A: %s", a.label.c_str());
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(theme::kRedelivered), "B: %s", b.label.c_str());
  ImGui::Text("Checker totals at t = %.3f s; differing rows are highlighted.", app.t);
  ImGui::PopTextWrapPos();
  diff_table(a, b);
  const char* names[2] = {"A", "B"};
  for (int i = 0; i < 2; ++i) {
    const Run& r = app.runs[i];
    ImGui::Spacing();
    ImGui::Separator();
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(i ? theme::kRedelivered : theme::kText), "%s: %s", names[i],
                       r.label.c_str());
    ImGui::PopTextWrapPos();
    lost_ids(r);
    run_expectations(app, r);
  }
}

}  // namespace bs::gui
