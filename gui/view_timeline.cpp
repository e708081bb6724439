// Timeline: a scrubber over simulated time with fault and anomaly markers per run.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "model/time_window.hpp"
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
    case MarkerKind::Rebalance:  // partitions handed round: a ring with an arrowhead
      dl->AddCircle(p, r * 0.75f, c, 12, 2.5f);
      dl->AddTriangleFilled(ImVec2(p.x + r * 0.2f, p.y - r * 1.15f), ImVec2(p.x + r * 0.2f, p.y - r * 0.35f),
                            ImVec2(p.x + r * 0.9f, p.y - r * 0.75f), c);
      break;
    case MarkerKind::Seek:  // rewind: two triangles pointing left
      dl->AddTriangleFilled(ImVec2(p.x - r, p.y), ImVec2(p.x, p.y - r * 0.8f), ImVec2(p.x, p.y + r * 0.8f), c);
      dl->AddTriangleFilled(ImVec2(p.x, p.y), ImVec2(p.x + r, p.y - r * 0.8f), ImVec2(p.x + r, p.y + r * 0.8f), c);
      break;
    case MarkerKind::DeadLetter:  // an envelope
      dl->AddRect(ImVec2(p.x - r, p.y - r * 0.7f), ImVec2(p.x + r, p.y + r * 0.7f), c, 0, 0, 2.0f);
      dl->AddLine(ImVec2(p.x - r, p.y - r * 0.7f), ImVec2(p.x, p.y + r * 0.1f), c, 2.0f);
      dl->AddLine(ImVec2(p.x + r, p.y - r * 0.7f), ImVec2(p.x, p.y + r * 0.1f), c, 2.0f);
      break;
    case MarkerKind::Deduplicated:  // "=": the same message again, absorbed
      dl->AddRectFilled(ImVec2(p.x - r, p.y - r * 0.6f), ImVec2(p.x + r, p.y - r * 0.15f), c);
      dl->AddRectFilled(ImVec2(p.x - r, p.y + r * 0.15f), ImVec2(p.x + r, p.y + r * 0.6f), c);
      break;
    case MarkerKind::LinkLatency:  // a slow link: a wave on the wire
      dl->AddBezierCubic(ImVec2(p.x - r, p.y), ImVec2(p.x - r * 0.3f, p.y - r * 1.4f), ImVec2(p.x + r * 0.3f, p.y + r * 1.4f),
                         ImVec2(p.x + r, p.y), c, 2.5f);
      break;
    case MarkerKind::Snapshot:  // a camera: a body and its lens
      dl->AddRect(ImVec2(p.x - r, p.y - r * 0.6f), ImVec2(p.x + r, p.y + r * 0.7f), c, 0, 0, 2.0f);
      dl->AddCircle(ImVec2(p.x, p.y + r * 0.05f), r * 0.35f, c, 10, 2.0f);
      break;
    case MarkerKind::Deferred:  // set aside: a small box lifted off a line
      dl->AddLine(ImVec2(p.x - r, p.y + r * 0.7f), ImVec2(p.x + r, p.y + r * 0.7f), c, 2.0f);
      dl->AddRectFilled(ImVec2(p.x - r * 0.45f, p.y - r * 0.8f), ImVec2(p.x + r * 0.45f, p.y + r * 0.1f), c);
      break;
    case MarkerKind::Expired:  // an hourglass
    case MarkerKind::LeaseExpired:
      dl->AddTriangleFilled(ImVec2(p.x - r * 0.8f, p.y - r), ImVec2(p.x + r * 0.8f, p.y - r), ImVec2(p.x, p.y), c);
      dl->AddTriangleFilled(ImVec2(p.x, p.y), ImVec2(p.x - r * 0.8f, p.y + r), ImVec2(p.x + r * 0.8f, p.y + r), c);
      break;
    case MarkerKind::Returned:  // sent back: an arrow to the left with a hook
      dl->AddLine(ImVec2(p.x - r * 0.3f, p.y + r * 0.3f), ImVec2(p.x + r, p.y + r * 0.3f), c, 2.5f);
      dl->AddLine(ImVec2(p.x + r, p.y + r * 0.3f), ImVec2(p.x + r, p.y - r * 0.7f), c, 2.5f);
      dl->AddTriangleFilled(ImVec2(p.x - r, p.y + r * 0.3f), ImVec2(p.x - r * 0.3f, p.y - r * 0.3f),
                            ImVec2(p.x - r * 0.3f, p.y + r * 0.9f), c);
      break;
    case MarkerKind::Blocked:  // no entry: a disc with a bar across
    case MarkerKind::LockWait:
      dl->AddCircleFilled(p, r, c, 12);
      dl->AddRectFilled(ImVec2(p.x - r * 0.65f, p.y - r * 0.2f), ImVec2(p.x + r * 0.65f, p.y + r * 0.2f), theme::kBackground);
      break;
    case MarkerKind::TxnCommit:  // a tick: the transaction's writes become visible
      dl->AddLine(ImVec2(p.x - r, p.y), ImVec2(p.x - r * 0.3f, p.y + r * 0.7f), c, 2.5f);
      dl->AddLine(ImVec2(p.x - r * 0.3f, p.y + r * 0.7f), ImVec2(p.x + r, p.y - r * 0.8f), c, 2.5f);
      break;
    case MarkerKind::TxnAbort:  // a struck-through box: the transaction's writes are void
      dl->AddRect(ImVec2(p.x - r * 0.8f, p.y - r * 0.8f), ImVec2(p.x + r * 0.8f, p.y + r * 0.8f), c, 0, 0, 2.0f);
      dl->AddLine(ImVec2(p.x - r * 0.8f, p.y + r * 0.8f), ImVec2(p.x + r * 0.8f, p.y - r * 0.8f), c, 2.5f);
      break;
    case MarkerKind::Throttled:  // a funnel: more offered than the shard lets through
      dl->AddTriangleFilled(ImVec2(p.x - r, p.y - r * 0.8f), ImVec2(p.x + r, p.y - r * 0.8f), ImVec2(p.x, p.y + r * 0.1f), c);
      dl->AddRectFilled(ImVec2(p.x - r * 0.2f, p.y), ImVec2(p.x + r * 0.2f, p.y + r * 0.9f), c);
      break;
    case MarkerKind::Reshard:  // a fork: one shard becomes two
      dl->AddLine(ImVec2(p.x - r, p.y), ImVec2(p.x, p.y), c, 2.5f);
      dl->AddLine(ImVec2(p.x, p.y), ImVec2(p.x + r, p.y - r * 0.8f), c, 2.5f);
      dl->AddLine(ImVec2(p.x, p.y), ImVec2(p.x + r, p.y + r * 0.8f), c, 2.5f);
      break;
  }
}

// Which marker row a kind goes on: faults above, anomalies below.
int row_of(MarkerKind k) {
  return k == MarkerKind::Crash || k == MarkerKind::Restart || k == MarkerKind::LinkDown || k == MarkerKind::LinkUp ||
                 k == MarkerKind::Failover || k == MarkerKind::Fenced || k == MarkerKind::MemoryAlarm ||
                 k == MarkerKind::Paused || k == MarkerKind::Blocked || k == MarkerKind::LockWait || k == MarkerKind::Rebalance || k == MarkerKind::Seek || k == MarkerKind::Snapshot ||
                 k == MarkerKind::Reshard || k == MarkerKind::LinkLatency
             ? 0
             : 1;
}

// What the timeline shows of the run(s) now. It lives with the view: a new trace (or a
// what-if run added beside it) refits it to the activity.
struct TimelineView {
  const void* key = nullptr;
  std::size_t runs = 0;
  TimeWindow win;
  TimeWindow fitted;
  double last_t = -1;
};

// Tick labels precise enough to tell neighbouring ticks apart.
const char* tick_format(double step) {
  return step < 0.001 ? "%.4fs" : step < 0.01 ? "%.3fs" : step < 0.1 ? "%.2fs" : step < 1 ? "%.1fs" : "%.0fs";
}

}  // namespace

void draw_timeline(AppState& app, ImVec2 size) {
  if (!app.has_trace()) return;
  float em = ImGui::GetFontSize();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImVec2 o = ImGui::GetCursorScreenPos();
  // Lessons often go quiet long before their duration: the axis covers the activity, so a
  // crash at 0.35 s of a 10 s run is not squeezed to the left. The wheel zooms, a right
  // drag or a horizontal scroll pans, a double-click (or "fit") returns to the activity.
  static TimelineView view;
  if (view.key != app.runs.front().model.get() || view.runs != app.runs.size()) {
    double activity = 0;
    for (const auto& r : app.runs) activity = std::max(activity, r.model->activity_end);
    view = TimelineView{app.runs.front().model.get(), app.runs.size(), {}, TimeWindow::fit(activity, app.t_end()), app.t};
    view.win = view.fitted;
  }
  TimeWindow& win = view.win;
  // The playhead moved (playing, a key, a click elsewhere): keep it in sight.
  if (app.t != view.last_t) win.follow(app.t, app.t_end());
  view.last_t = app.t;
  float label_w = 6.0f * em;
  float x0 = o.x + label_w, x1 = o.x + size.x - 1.0f * em;
  auto x_of = [&](double t) { return x0 + static_cast<float>((t - win.t0) / win.span()) * (x1 - x0); };
  auto t_of = [&](float x) { return win.t0 + (x - x0) / (x1 - x0) * win.span(); };
  dl->AddRect(o, ImVec2(o.x + size.x, o.y + size.y), theme::kCanvas, 0, 0, 2.0f);

  // Axis with ticks at a readable step.
  float axis_y = o.y + 1.3f * em;
  dl->AddLine(ImVec2(x0, axis_y), ImVec2(x1, axis_y), theme::kDim, 2.0f);
  double raw = win.span() / 10.0, mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = raw / mag < 2 ? 2 * mag : raw / mag < 5 ? 5 * mag : 10 * mag;
  for (double t = std::ceil(win.t0 / step - 1e-9) * step; t <= win.t1 + 1e-9 * step; t += step) {
    char buf[32];
    std::snprintf(buf, sizeof buf, tick_format(step), std::fabs(t) < 1e-6 * step ? 0.0 : t);
    float x = x_of(t);
    dl->AddLine(ImVec2(x, axis_y - 0.3f * em), ImVec2(x, axis_y + 0.3f * em), theme::kDim, 2.0f);
    dl->AddText(ImVec2(x - ImGui::CalcTextSize(buf).x / 2, o.y), theme::kDim, buf);
  }
  // Where the view is: the whole activity, or a zoomed part (say how much).
  const bool zoomed = std::fabs(win.t0 - view.fitted.t0) > 1e-12 || std::fabs(win.t1 - view.fitted.t1) > 1e-12;
  ImGui::SetCursorScreenPos(ImVec2(o.x + 0.3f * em, o.y + 0.15f * em));
  if (ImGui::SmallButton(zoomed ? "fit" : "fit##idle")) win = view.fitted;
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Show the active part of the run again (0 - %.3f s). Wheel: zoom; right-drag: pan; double-click: fit",
                      view.fitted.t1);
  ImGui::SetCursorScreenPos(o);

  // One band per run: faults row and anomalies row; from three runs on, one row for both
  // (so four runs leave the views above their height at text scale 2).
  const bool one_row = app.runs.size() > 2;
  float band_h = (timeline_band_em(app.runs.size()) - 0.2f) * em;
  float y = axis_y + 0.6f * em;
  const Marker* hovered = nullptr;
  ImVec2 mouse = ImGui::GetIO().MousePos;
  float best = 0.6f * em;
  // Several runs: the rows are "A", "B" as in the run list at the top ("A: <label>"); the
  // label itself is too long for the narrow column, so the column's hover names it.
  const Run* hovered_run = nullptr;
  char hovered_letter = 0;
  for (std::size_t ri = 0; ri < app.runs.size(); ++ri) {
    Run& run = app.runs[ri];
    const char letter[2] = {run_letter(ri), 0};
    dl->AddText(ImVec2(o.x + 0.3f * em, y + (one_row ? 0.0f : 0.3f) * em), theme::run_color(ri),
                app.runs.size() > 1 ? letter : "original");
    if (app.runs.size() > 1 && mouse.x >= o.x && mouse.x < x0 && mouse.y >= y && mouse.y < y + band_h) {
      hovered_run = &run;
      hovered_letter = letter[0];
    }
    if (run.fork_t >= 0 && win.contains(run.fork_t)) {
      float fx = x_of(run.fork_t);
      dl->AddLine(ImVec2(fx, y), ImVec2(fx, y + band_h), theme::kRedelivered, 3.0f);
      dl->AddText(ImVec2(fx + 4, y - 0.1f * em), theme::kRedelivered, "fork");
    }
    int hidden_before = 0, hidden_after = 0;
    for (const Marker& mk : run.model->markers) {
      // A what-if run repeats the original until the fork: show only what differs.
      if (run.fork_t >= 0 && mk.t < run.fork_t) continue;
      if (mk.t < win.t0 || mk.t > win.t1) {
        ++(mk.t < win.t0 ? hidden_before : hidden_after);
        continue;
      }
      ImVec2 p(x_of(mk.t), y + (one_row ? 0.55f : row_of(mk.kind) == 0 ? 0.55f : 1.6f) * em);
      draw_marker_glyph(dl, p, 0.42f * em, mk.kind);
      float d = std::hypot(mouse.x - p.x, mouse.y - p.y);
      if (d < best) {
        best = d;
        hovered = &mk;
      }
    }
    // Markers outside the view are counted at its edges (Shift+arrows still reach them).
    char more[32];
    if (hidden_before) {
      std::snprintf(more, sizeof more, "< %d", hidden_before);
      dl->AddText(ImVec2(x0 - ImGui::CalcTextSize(more).x - 0.2f * em, y + (one_row ? 0.0f : 1.1f) * em), theme::kText, more);
    }
    if (hidden_after) {
      std::snprintf(more, sizeof more, "%d >", hidden_after);
      dl->AddText(ImVec2(x1 - ImGui::CalcTextSize(more).x, y + (one_row ? 0.0f : 1.1f) * em), theme::kText, more);
    }
    y += band_h + 0.2f * em;
  }
  // The followed message's events, as ticks on their own line.
  if (app.selected) {
    char buf[24];
    dl->AddText(ImVec2(o.x + 0.3f * em, y), theme::kSelected, msg_label(app.selected, buf));
    for (std::size_t i : app.selected_events) {
      if (!win.contains(app.model().trace.events[i].t)) continue;
      float x = x_of(app.model().trace.events[i].t);
      dl->AddLine(ImVec2(x, y + 0.2f * em), ImVec2(x, y + 1.0f * em), theme::kSelected, 2.0f);
    }
  }
  // Legend of the marker glyphs this run uses, along the bottom edge: a lesson with one
  // crash reads "crash", not a catalogue of 23 kinds. What does not fit is counted.
  float lx = x0, ly = o.y + size.y - 1.25f * em;
  bool present[kMarkerKindCount] = {};
  for (const auto& r : app.runs)
    for (const Marker& mk : r.model->markers) present[static_cast<int>(mk.kind)] = true;
  int left_out = 0;
  std::string left_out_names;  // for the hover on "+N"
  for (int k = 0; k < kMarkerKindCount; ++k) {
    if (!present[k]) continue;
    auto kind = static_cast<MarkerKind>(k);
    const char* name = marker_kind_name(kind);
    const float w = 1.2f * em + ImGui::CalcTextSize(name).x + 1.0f * em;
    if (left_out || lx + w > x1 - 2.0f * em) {
      ++left_out;
      left_out_names += (left_out_names.empty() ? "" : ", ") + std::string(name);
      continue;
    }
    draw_marker_glyph(dl, ImVec2(lx + 0.5f * em, ly + 0.6f * em), 0.4f * em, kind);
    dl->AddText(ImVec2(lx + 1.2f * em, ly), theme::kDim, name);
    lx += w;
  }
  bool more_hovered = false;
  if (left_out) {
    char more[16];
    std::snprintf(more, sizeof more, "+%d", left_out);
    dl->AddText(ImVec2(lx, ly), theme::kDim, more);
    const ImVec2 ms = ImGui::CalcTextSize(more);
    more_hovered = mouse.x >= lx - 0.3f * em && mouse.x < lx + ms.x + 0.3f * em && mouse.y >= ly && mouse.y < ly + ms.y;
  }
  if (std::none_of(present, present + kMarkerKindCount, [](bool b) { return b; }))
    dl->AddText(ImVec2(lx, ly), theme::kDim, "no fault or anomaly in this run");
  if (win.contains(app.t)) {
    float px = x_of(app.t);
    dl->AddLine(ImVec2(px, o.y + 0.9f * em), ImVec2(px, o.y + size.y), theme::kPlayhead, 3.0f);
    dl->AddTriangleFilled(ImVec2(px - 0.5f * em, o.y + 0.9f * em), ImVec2(px + 0.5f * em, o.y + 0.9f * em),
                          ImVec2(px, o.y + 1.5f * em), theme::kPlayhead);
  }

  ImGui::InvisibleButton("##timeline", size, ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
  ImGuiIO& io = ImGui::GetIO();
  if (ImGui::IsItemHovered()) {
    if (io.MouseWheel != 0 && !io.KeyShift)
      win.zoom_at(std::clamp(t_of(mouse.x), win.t0, win.t1), std::pow(0.8, io.MouseWheel), app.t_end());
    // Shift+wheel or a horizontal scroll pans: a tenth of the view per notch.
    const float h = io.MouseWheelH != 0 ? io.MouseWheelH : io.KeyShift ? io.MouseWheel : 0.0f;
    if (h != 0) win.pan(-h * 0.1 * win.span(), app.t_end());
    if (ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) win = view.fitted;
  }
  if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Right, 0.0f)) {
    win.pan(-io.MouseDelta.x / (x1 - x0) * win.span(), app.t_end());
  }
  // A press on a marker jumps to it; a press elsewhere scrubs until released.
  static bool on_marker = false;
  if (ImGui::IsItemClicked()) on_marker = hovered != nullptr;
  if (more_hovered && ImGui::IsItemHovered())
    ImGui::SetTooltip("Also in this run: %s", left_out_names.c_str());
  else if (hovered_run && ImGui::IsItemHovered())
    ImGui::SetTooltip("%c: %s", hovered_letter, hovered_run->label.c_str());
  if (hovered && ImGui::IsItemHovered()) {
    ImGui::SetTooltip("%.3f s: %s (click to jump here)", hovered->t, hovered->label.c_str());
    if (ImGui::IsItemClicked()) {
      app.seek(hovered->t);
      app.playing = false;
      if (hovered->msg) app.select(hovered->msg);
    }
  }
  if (ImGui::IsItemActive() && !on_marker && ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
    // Past the right edge of the fitted view means "the very end" of the run.
    const bool to_end = mouse.x >= x1 && win.t1 >= view.fitted.t1;
    app.seek(to_end ? app.t_end() : std::clamp(t_of(mouse.x), win.t0, win.t1));
    view.last_t = app.t;  // scrubbing inside the view never pages it
    app.playing = false;
  }
}

}  // namespace bs::gui
