// Timeline: a scrubber over simulated time with fault and anomaly markers per run.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "theme.hpp"
#include "views.hpp"
#include "vocabulary/vocabulary.hpp"

namespace bs::gui {
namespace {

void draw_marker_glyph(ImDrawList* dl, ImVec2 p, float r, MarkerKind k) {
  ImU32 c = theme::marker_color(k);
  switch (k) {
    case MarkerKind::Crash:
    case MarkerKind::LinkDown:
      dl->AddLine(ImVec2(p.x - r, p.y - r), ImVec2(p.x + r, p.y + r), c, 3.0f);
      dl->AddLine(ImVec2(p.x - r, p.y + r), ImVec2(p.x + r, p.y - r), c, 3.0f);
      break;
    case MarkerKind::Restart:
    case MarkerKind::LinkUp:
      dl->AddCircle(p, r, c, 12, 3.0f);
      break;
    case MarkerKind::Redelivery:
      dl->AddTriangleFilled(ImVec2(p.x, p.y - r), ImVec2(p.x - r, p.y + r), ImVec2(p.x + r, p.y + r), c);
      break;
    case MarkerKind::Reorder:
      dl->AddRectFilled(ImVec2(p.x - r * 0.8f, p.y - r * 0.8f), ImVec2(p.x + r * 0.8f, p.y + r * 0.8f), c);
      break;
    case MarkerKind::Loss:
    case MarkerKind::Duplicate: {
      ImVec2 q[4] = {ImVec2(p.x, p.y - r), ImVec2(p.x + r, p.y), ImVec2(p.x, p.y + r), ImVec2(p.x - r, p.y)};
      dl->AddConvexPolyFilled(q, 4, c);
      break;
    }
    case MarkerKind::Failover:  // a client moving on: an arrow to the right
      dl->AddTriangleFilled(ImVec2(p.x - r, p.y - r), ImVec2(p.x + r, p.y), ImVec2(p.x - r, p.y + r), c);
      break;
    case MarkerKind::Election:  // a crown-like star: a new leader
    case MarkerKind::UncleanElection: {
      dl->AddTriangleFilled(ImVec2(p.x, p.y - r), ImVec2(p.x - r, p.y + r * 0.6f), ImVec2(p.x + r, p.y + r * 0.6f), c);
      dl->AddTriangleFilled(ImVec2(p.x, p.y + r), ImVec2(p.x - r, p.y - r * 0.6f), ImVec2(p.x + r, p.y - r * 0.6f), c);
      if (k == MarkerKind::UncleanElection) dl->AddCircle(p, r * 1.25f, c, 12, 2.0f);
      break;
    }
    case MarkerKind::IsrShrink:  // a bar getting shorter: pointing down
      dl->AddTriangleFilled(ImVec2(p.x - r, p.y - r * 0.6f), ImVec2(p.x + r, p.y - r * 0.6f), ImVec2(p.x, p.y + r), c);
      break;
    case MarkerKind::IsrExpand:
      dl->AddTriangleFilled(ImVec2(p.x - r, p.y + r * 0.6f), ImVec2(p.x + r, p.y + r * 0.6f), ImVec2(p.x, p.y - r), c);
      break;
    case MarkerKind::Truncate:  // a cut: a vertical bar with a slash
      dl->AddLine(ImVec2(p.x - r * 0.3f, p.y - r), ImVec2(p.x - r * 0.3f, p.y + r), c, 3.0f);
      dl->AddLine(ImVec2(p.x - r, p.y + r), ImVec2(p.x + r, p.y - r), c, 2.0f);
      break;
    case MarkerKind::Fenced:  // a closed square: the broker is shut out
      dl->AddRect(ImVec2(p.x - r * 0.8f, p.y - r * 0.8f), ImVec2(p.x + r * 0.8f, p.y + r * 0.8f), c, 0, 0, 2.5f);
      dl->AddLine(ImVec2(p.x - r * 0.8f, p.y), ImVec2(p.x + r * 0.8f, p.y), c, 2.0f);
      break;
    case MarkerKind::Paused:  // two bars: pause
      dl->AddRectFilled(ImVec2(p.x - r * 0.8f, p.y - r), ImVec2(p.x - r * 0.2f, p.y + r), c);
      dl->AddRectFilled(ImVec2(p.x + r * 0.2f, p.y - r), ImVec2(p.x + r * 0.8f, p.y + r), c);
      break;
    case MarkerKind::MemoryAlarm:  // a gauge over its limit: a bar with a mark above it
      dl->AddRectFilled(ImVec2(p.x - r * 0.35f, p.y - r * 0.3f), ImVec2(p.x + r * 0.35f, p.y + r), c);
      dl->AddLine(ImVec2(p.x - r, p.y - r * 0.6f), ImVec2(p.x + r, p.y - r * 0.6f), c, 2.0f);
      break;
  }
}

// Which marker row a kind goes on: faults above, anomalies below.
int row_of(MarkerKind k) {
  return k == MarkerKind::Crash || k == MarkerKind::Restart || k == MarkerKind::LinkDown || k == MarkerKind::LinkUp ||
                 k == MarkerKind::Failover || k == MarkerKind::Fenced || k == MarkerKind::MemoryAlarm ||
                 k == MarkerKind::Paused
             ? 0
             : 1;
}

}  // namespace

void draw_timeline(AppState& app, ImVec2 size) {
  if (!app.has_trace()) return;
  float em = ImGui::GetFontSize();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImVec2 o = ImGui::GetCursorScreenPos();
  // Lessons often go quiet long before their duration: scale the axis to the activity
  // (and the viewed time), so a crash at 0.35 s of a 10 s run is not squeezed to the left.
  double activity = 0;
  for (const auto& r : app.runs) activity = std::max(activity, r.model->activity_end);
  double end = std::max({std::min(app.t_end(), activity * 1.1 + 0.05), app.t, 1e-9});
  float label_w = 6.0f * em;
  float x0 = o.x + label_w, x1 = o.x + size.x - 1.0f * em;
  auto x_of = [&](double t) { return x0 + static_cast<float>(t / end) * (x1 - x0); };
  dl->AddRect(o, ImVec2(o.x + size.x, o.y + size.y), theme::kCanvas, 0, 0, 2.0f);

  // Axis with ticks at a readable step.
  float axis_y = o.y + 1.3f * em;
  dl->AddLine(ImVec2(x0, axis_y), ImVec2(x1, axis_y), theme::kDim, 2.0f);
  double raw = end / 10.0, mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = raw / mag < 2 ? 2 * mag : raw / mag < 5 ? 5 * mag : 10 * mag;
  for (double t = 0; t <= end + 1e-9; t += step) {
    char buf[32];
    std::snprintf(buf, sizeof buf, step < 1 ? "%.1fs" : "%.0fs", t);
    float x = x_of(t);
    dl->AddLine(ImVec2(x, axis_y - 0.3f * em), ImVec2(x, axis_y + 0.3f * em), theme::kDim, 2.0f);
    dl->AddText(ImVec2(x - ImGui::CalcTextSize(buf).x / 2, o.y), theme::kDim, buf);
  }

  // One band per run: faults row and anomalies row.
  float band_h = 2.2f * em;
  float y = axis_y + 0.6f * em;
  const Marker* hovered = nullptr;
  ImVec2 mouse = ImGui::GetIO().MousePos;
  float best = 0.6f * em;
  for (std::size_t ri = 0; ri < app.runs.size(); ++ri) {
    Run& run = app.runs[ri];
    dl->AddText(ImVec2(o.x + 0.3f * em, y + 0.3f * em), ri == 0 ? theme::kText : theme::kRedelivered,
                ri == 0 ? "original" : "what-if");
    if (run.fork_t >= 0) {
      float fx = x_of(run.fork_t);
      dl->AddLine(ImVec2(fx, y), ImVec2(fx, y + band_h), theme::kRedelivered, 3.0f);
      dl->AddText(ImVec2(fx + 4, y - 0.1f * em), theme::kRedelivered, "fork");
    }
    for (const Marker& mk : run.model->markers) {
      // A what-if run repeats the original until the fork: show only what differs.
      if (run.fork_t >= 0 && mk.t < run.fork_t) continue;
      ImVec2 p(x_of(mk.t), y + (row_of(mk.kind) == 0 ? 0.55f : 1.6f) * em);
      draw_marker_glyph(dl, p, 0.42f * em, mk.kind);
      float d = std::hypot(mouse.x - p.x, mouse.y - p.y);
      if (d < best) {
        best = d;
        hovered = &mk;
      }
    }
    y += band_h + 0.2f * em;
  }
  // The followed message's events, as ticks on their own line.
  if (app.selected) {
    char buf[24];
    dl->AddText(ImVec2(o.x + 0.3f * em, y), theme::kSelected, msg_label(app.selected, buf));
    for (std::size_t i : app.selected_events) {
      float x = x_of(app.model().trace.events[i].t);
      dl->AddLine(ImVec2(x, y + 0.2f * em), ImVec2(x, y + 1.0f * em), theme::kSelected, 2.0f);
    }
  }
  // Legend of marker glyphs along the bottom edge.
  float lx = x0, ly = o.y + size.y - 1.25f * em;
  bool present[kMarkerKindCount] = {};
  for (const Marker& mk : app.model().markers) present[static_cast<int>(mk.kind)] = true;
  for (int k = 0; k < kMarkerKindCount; ++k) {
    auto kind = static_cast<MarkerKind>(k);
    if (k >= kFirstReplicationMarker && !present[k]) continue;
    draw_marker_glyph(dl, ImVec2(lx + 0.5f * em, ly + 0.6f * em), 0.4f * em, kind);
    const char* name = marker_kind_name(kind);
    dl->AddText(ImVec2(lx + 1.2f * em, ly), theme::kDim, name);
    lx += 1.2f * em + ImGui::CalcTextSize(name).x + 1.0f * em;
  }
  float px = x_of(app.t);
  dl->AddLine(ImVec2(px, o.y + 0.9f * em), ImVec2(px, o.y + size.y), theme::kPlayhead, 3.0f);
  dl->AddTriangleFilled(ImVec2(px - 0.5f * em, o.y + 0.9f * em), ImVec2(px + 0.5f * em, o.y + 0.9f * em),
                        ImVec2(px, o.y + 1.5f * em), theme::kPlayhead);

  ImGui::InvisibleButton("##timeline", size);
  // A press on a marker jumps to it; a press elsewhere scrubs until released.
  static bool on_marker = false;
  if (ImGui::IsItemClicked()) on_marker = hovered != nullptr;
  if (hovered && ImGui::IsItemHovered()) {
    ImGui::SetTooltip("%.3f s: %s (click to jump here)", hovered->t, hovered->label.c_str());
    if (ImGui::IsItemClicked()) {
      app.seek(hovered->t);
      app.playing = false;
      if (hovered->msg) app.select(hovered->msg);
    }
  }
  if (ImGui::IsItemActive() && !on_marker) {
    double t = (mouse.x - x0) / (x1 - x0) * end;
    // Past the right edge means "the very end", even when the axis shows only the activity.
    app.seek(mouse.x >= x1 ? app.t_end() : std::clamp(t, 0.0, end));
    app.playing = false;
  }
}

}  // namespace bs::gui
