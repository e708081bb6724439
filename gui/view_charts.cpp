// Charts over time, drawn with ImDrawList (Debian has no ImPlot): one per measure the run
// has, on the run's sample grid (model/series.hpp), with the viewed time marked. Hover
// reads the values at a time; a click seeks there.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "model_panels.hpp"
#include "line_text.hpp"
#include "theme.hpp"
#include "views.hpp"

namespace bs::gui {
namespace {

// Line colours far apart in hue, bright on the dark background.
constexpr ImU32 kPalette[] = {IM_COL32(90, 170, 255, 255),  IM_COL32(255, 170, 40, 255), IM_COL32(90, 220, 120, 255),
                              IM_COL32(255, 90, 160, 255),  IM_COL32(200, 140, 255, 255), IM_COL32(255, 230, 90, 255),
                              IM_COL32(80, 220, 220, 255),  IM_COL32(230, 230, 230, 255)};

// "1.5k", "12 MB": short enough for the y axis.
void format_value(char (&buf)[32], double v, ChartUnit u) {
  if (u == ChartUnit::Bytes) {
    const char* units[] = {"B", "KB", "MB", "GB", "TB"};
    int i = 0;
    while (std::abs(v) >= 1024 && i < 4) v /= 1024, ++i;
    std::snprintf(buf, sizeof buf, "%.3g %s", v, units[i]);
  } else if (std::abs(v) >= 1e6) {
    std::snprintf(buf, sizeof buf, "%.3gM", v / 1e6);
  } else if (std::abs(v) >= 1e4) {
    std::snprintf(buf, sizeof buf, "%.3gk", v / 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%.4g", v);
  }
}

float peak_of(const Chart& c) {
  float m = 0;
  for (const auto& l : c.lines)
    for (float x : l.v)
      if (!std::isnan(x)) m = std::max(m, x);
  return m;
}

void draw_chart(AppState& app, const RunSeries& s, const Chart& c, float height) {
  const float em = ImGui::GetFontSize();
  // Title and unit wrap to the panel: at text scale 2 the panel is narrow.
  ImGui::TextWrapped("%s", c.title.c_str());
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextWrapped("%s%s%s", chart_unit_label(c.unit), c.note.empty() ? "" : ", ", c.note.c_str());
  ImGui::PopStyleColor();
  // Legend: a swatch and the name of each line, wrapping to the panel width.
  for (std::size_t i = 0; i < c.lines.size(); ++i) {
    const std::string& name = c.lines[i].name;
    const float w = 1.2f * em + ImGui::CalcTextSize(name.c_str()).x;
    if (i > 0) {
      ImGui::SameLine();
      if (ImGui::GetContentRegionAvail().x < w + em) ImGui::NewLine();
    }
    ImVec2 p = ImGui::GetCursorScreenPos();
    const ImU32 col = kPalette[i % std::size(kPalette)];
    ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(p.x, p.y + 0.3f * em), ImVec2(p.x + 0.8f * em, p.y + 0.8f * em),
                                              c.lines[i].dashed ? (col & 0x00FFFFFF) | 0x80000000 : col);
    ImGui::Dummy(ImVec2(em, em));
    ImGui::SameLine(0, 0.2f * em);
    ImGui::TextUnformatted(name.c_str());
  }

  const float peak = peak_of(c);
  const double top = peak > 0 ? round_step(peak, 4) * 4 : 1;  // round axis maximum
  char buf[32];
  float axis_w = 0;
  for (double v : {0.0, top / 2, top}) {
    format_value(buf, v, c.unit);
    axis_w = std::max(axis_w, ImGui::CalcTextSize(buf).x);
  }
  axis_w += 0.4f * em;
  ImVec2 p0 = ImGui::GetCursorScreenPos();
  const float w = ImGui::GetContentRegionAvail().x;
  ImGui::InvisibleButton(c.title.c_str(), ImVec2(w, height));
  const bool hovered = ImGui::IsItemHovered();
  const bool clicked = ImGui::IsItemClicked();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float x0 = p0.x + axis_w, x1 = p0.x + w - 0.3f * em;
  const float y0 = p0.y + 0.3f * em, y1 = p0.y + height - 1.3f * em;
  const double t_last = std::max(s.t_last(), 1e-9);
  auto tx = [&](double t) { return x0 + static_cast<float>(t / t_last) * (x1 - x0); };
  auto vy = [&](double v) { return y1 - static_cast<float>(v / top) * (y1 - y0); };

  dl->AddRectFilled(ImVec2(x0, y0), ImVec2(x1, y1), IM_COL32(255, 255, 255, 8));
  // Y axis: 0, half and the top, in the chart's unit.
  for (double v : {0.0, top / 2, top}) {
    format_value(buf, v, c.unit);
    const float y = vy(v);
    dl->AddLine(ImVec2(x0, y), ImVec2(x1, y), IM_COL32(255, 255, 255, 25));
    const ImVec2 ts = ImGui::CalcTextSize(buf);
    dl->AddText(ImVec2(x0 - ts.x - 0.2f * em, std::clamp(y - ts.y / 2, y0 - 0.3f * em, y1 - ts.y / 2)), theme::kDim, buf);
  }
  // X axis: round seconds.
  const double step = round_step(t_last, static_cast<std::size_t>(std::max(2.0f, (x1 - x0) / (5.0f * em))));
  for (double t = 0; t <= t_last + step * 1e-6; t += step) {
    std::snprintf(buf, sizeof buf, "%.4g s", t);
    const float x = tx(t), tw = ImGui::CalcTextSize(buf).x;
    dl->AddLine(ImVec2(x, y1), ImVec2(x, y1 + 0.25f * em), theme::kDim);
    dl->AddText(ImVec2(std::clamp(x - tw / 2, p0.x, x1 - tw), y1 + 0.25f * em), theme::kDim, buf);
  }
  // The lines, broken where a value is missing (NaN).
  std::vector<ImVec2> pts;
  for (std::size_t i = 0; i < c.lines.size(); ++i) {
    const SeriesLine& l = c.lines[i];
    ImU32 col = kPalette[i % std::size(kPalette)];
    if (l.dashed) col = (col & 0x00FFFFFF) | 0x90000000;
    auto flush = [&] {
      if (pts.size() == 1) dl->AddCircleFilled(pts[0], 2.0f, col);
      if (pts.size() > 1) dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), col, 0, l.dashed ? 1.5f : 2.0f);
      pts.clear();
    };
    for (std::size_t k = 0; k < l.v.size(); ++k) {
      if (std::isnan(l.v[k])) {
        flush();
        continue;
      }
      pts.push_back(ImVec2(tx(s.t_of(k)), vy(l.v[k])));
    }
    flush();
  }
  // The viewed time.
  const float nx = tx(std::min(app.t, t_last));
  dl->AddLine(ImVec2(nx, y0), ImVec2(nx, y1), theme::kPlayhead, 1.5f);

  if (hovered) {
    const float mx = std::clamp(ImGui::GetIO().MousePos.x, x0, x1);
    const double t = (mx - x0) / (x1 - x0) * t_last;
    dl->AddLine(ImVec2(mx, y0), ImVec2(mx, y1), IM_COL32(255, 255, 255, 90));
    const std::size_t k = s.sample_at(t);
    ImGui::BeginTooltip();
    ImGui::Text("t = %.4g s", s.t_of(k));
    for (std::size_t i = 0; i < c.lines.size(); ++i) {
      const float v = c.lines[i].v[k];
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kPalette[i % std::size(kPalette)]), "%s", c.lines[i].name.c_str());
      ImGui::SameLine();
      if (std::isnan(v)) {
        ImGui::TextDisabled("-");
      } else {
        format_value(buf, v, c.unit);
        ImGui::Text("%s %s", buf, c.unit == ChartUnit::Bytes ? "" : chart_unit_label(c.unit));
      }
    }
    ImGui::TextDisabled("click: go to this time");
    ImGui::EndTooltip();
    if (clicked) {
      app.playing = false;
      app.seek(t);
    }
  }
}

}  // namespace

void draw_chart_list(AppState& app, Run& run) {
  const RunSeries* sp = run_series(run);
  if (!sp) {
    ImGui::TextDisabled("Sampling the run for charts ...");
    return;
  }
  const RunSeries& s = *sp;
  const float em = ImGui::GetFontSize();
  if (s.charts.empty()) {
    ImGui::TextWrapped("Nothing to chart: no message was published in this run.");
    return;
  }
  const float h = std::max(7.0f * em, ImGui::GetContentRegionAvail().y / 3.0f - 2.5f * em);
  for (const auto& c : s.charts) {
    ImGui::PushID(&c);
    draw_chart(app, s, c, h);
    ImGui::PopID();
    ImGui::Spacing();
  }
}

void draw_charts(AppState& app, Run& run) {
  ImGui::BeginChild("##charts", ImVec2(0, 0), false);
  // The charts are of the last run on screen: say which, on one line.
  const std::size_t i = static_cast<std::size_t>(&run - app.runs.data());
  if (app.runs.size() > 1) line_text(theme::run_color(i), std::string(1, run_letter(i)) + ": " + run.label);
  draw_chart_list(app, run);
  ImGui::EndChild();
}

}  // namespace bs::gui
