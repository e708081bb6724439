// Summary: the checker's totals as of the viewed time and the lesson's expectations; with
// several runs on screen, their totals side by side and each run's expectations under its label.
#include <cstdio>
#include <string>
#include <vector>

#include "check/variant.hpp"
#include "model/comparison.hpp"
#include "line_text.hpp"
#include "theme.hpp"
#include "vocabulary/systems.hpp"
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

// Several runs' totals, one row per figure and one column per run (each run's figures
// from its own checker ledger); rows where any two runs differ are marked.
void diff_table(const std::vector<Run>& runs) {
  bool repl = false, mem = false;
  for (const Run& r : runs) {
    repl = repl || r.summary->totals().replication;
    mem = mem || r.summary->totals().memory_alarms > 0;
  }
  std::vector<std::vector<Figure>> f;
  for (const Run& r : runs) f.push_back(summary_figures(r.summary->totals(), repl, mem));
  const int cols = static_cast<int>(runs.size()) + 1;
  if (!ImGui::BeginTable("##diff", cols, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp))
    return;
  // The figure's name needs more room than a value; with four runs the names still wrap less.
  ImGui::TableSetupColumn("figure", ImGuiTableColumnFlags_WidthStretch, runs.size() > 2 ? 1.8f : 1.2f);
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const char name[2] = {run_letter(i), 0};
    ImGui::TableSetupColumn(name, ImGuiTableColumnFlags_WidthStretch, 1.0f);
  }
  ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
  ImGui::TableNextColumn();
  ImGui::TextUnformatted("figure");
  for (std::size_t i = 0; i < runs.size(); ++i) {
    ImGui::TableNextColumn();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(theme::run_color(i)), "%c", run_letter(i));
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", runs[i].label.c_str());
  }
  for (std::size_t row = 0; row < f.front().size(); ++row) {
    ImGui::TableNextRow();
    bool differ = false;
    for (std::size_t i = 1; i < f.size(); ++i) differ = differ || figures_differ(f[0][row], f[i][row]);
    if (differ) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, IM_COL32(90, 70, 20, 160));
    ImGui::TableNextColumn();
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(f[0][row].name.c_str());
    ImGui::PopTextWrapPos();
    for (const auto& run_figures : f) value_cell(run_figures[row]);
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
  // Which broker each column is (the comparison lessons run one workload on several
  // systems). From three runs on, one line each, the system first, so the table stays in view.
  const bool one_line = app.runs.size() > 2;
  if (!one_line) ImGui::PushTextWrapPos(0);
  for (std::size_t i = 0; i < app.runs.size(); ++i) {
    const Run& r = app.runs[i];
    const std::string system(system_of_model(r.model->trace.header.model));
    if (one_line) {
      line_text(theme::run_color(i), std::string(1, run_letter(i)) + ": " + system + ": " + r.label);
    } else {
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(theme::run_color(i)), "%c: %s, on %s", run_letter(i),
                         r.label.c_str(), system.c_str());
    }
  }
  if (one_line) ImGui::PushTextWrapPos(0);
  ImGui::Text("Checker totals at t = %.3f s; differing rows are highlighted.", app.t);
  ImGui::PopTextWrapPos();
  diff_table(app.runs);
  for (std::size_t i = 0; i < app.runs.size(); ++i) {
    const Run& r = app.runs[i];
    ImGui::Spacing();
    ImGui::Separator();
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(theme::run_color(i)), "%c: %s", run_letter(i), r.label.c_str());
    ImGui::PopTextWrapPos();
    lost_ids(r);
    run_expectations(app, r);
  }
}

}  // namespace bs::gui
