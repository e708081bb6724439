// Space-time diagram: one lane per node, simulated time left to right, each network frame
// an arrow from send to receive (or a cross where it died). Live: the window follows the
// viewed time and the "now" line, frames in flight grow as the lesson plays.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <vector>

#include <imgui_internal.h>  // SetItemUsingMouseWheel

#include "model/colors.hpp"
#include "model_panels.hpp"
#include "theme.hpp"
#include "views.hpp"

namespace bs::gui {
namespace {

// A window a few message transits wide: wide enough to see a request and its answer,
// narrow enough that one frame is a readable arrow.
double default_span(const TraceModel& m) {
  std::vector<double> transit, gap;
  double last_send = -1;
  for (const auto& p : m.packets.packets()) {
    if (p.msg == 0 || transit.size() >= 4096) continue;
    if (p.ended && !p.dropped) transit.push_back(p.t_end - p.t_send);
    if (last_send >= 0 && p.t_send > last_send) gap.push_back(p.t_send - last_send);
    last_send = p.t_send;
  }
  const double active = m.activity_end > 0 ? m.activity_end : m.t_end;
  auto median = [](std::vector<double>& v) {
    if (v.empty()) return 0.0;
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
    return v[v.size() / 2];
  };
  // A typical frame spans about a twentieth of the window, and a dozen sends fit in it.
  const double want = std::max(20.0 * median(transit), 12.0 * median(gap));
  if (!(want > 0)) return std::max(round_step(active / 6.0, 1), 1e-3);
  return std::clamp(round_step(want, 1), 1e-4, std::max(active, 1e-3));
}

void draw_mark(ImDrawList* dl, ImVec2 p, float r, LaneMarkKind k) {
  switch (k) {
    case LaneMarkKind::Crash:
    case LaneMarkKind::LinkDown: {
      const ImU32 c = theme::marker_color(k == LaneMarkKind::Crash ? MarkerKind::Crash : MarkerKind::LinkDown);
      dl->AddLine(ImVec2(p.x - r, p.y - r), ImVec2(p.x + r, p.y + r), c, 3.0f);
      dl->AddLine(ImVec2(p.x - r, p.y + r), ImVec2(p.x + r, p.y - r), c, 3.0f);
      break;
    }
    case LaneMarkKind::Restart:
    case LaneMarkKind::LinkUp:
      dl->AddCircle(p, r, theme::marker_color(k == LaneMarkKind::Restart ? MarkerKind::Restart : MarkerKind::LinkUp), 12, 3.0f);
      break;
  }
}

const char* mark_name(LaneMarkKind k) {
  switch (k) {
    case LaneMarkKind::Crash: return "crash";
    case LaneMarkKind::Restart: return "restart";
    case LaneMarkKind::LinkDown: return "link down";
    case LaneMarkKind::LinkUp: return "link up";
  }
  return "";
}

void arrow_head(ImDrawList* dl, ImVec2 a, ImVec2 b, float r, ImU32 c) {
  float dx = b.x - a.x, dy = b.y - a.y, len = std::sqrt(dx * dx + dy * dy);
  if (len < 1) return;
  dx /= len;
  dy /= len;
  dl->AddTriangleFilled(b, ImVec2(b.x - dx * r * 2 - dy * r, b.y - dy * r * 2 + dx * r),
                        ImVec2(b.x - dx * r * 2 + dy * r, b.y - dy * r * 2 - dx * r), c);
}

}  // namespace

void draw_spacetime(AppState& app, Run& run) {
  const TraceModel& m = *run.model;
  if (!run.spacetime) run.spacetime = std::make_shared<SpaceTimeIndex>(m.trace, m.topo, m.packets);
  const SpaceTimeIndex& idx = *run.spacetime;
  const float em = ImGui::GetFontSize();
  // A new lesson gets its own window width; zooming keeps it until then.
  static std::weak_ptr<const TraceModel> chosen_for;
  if (app.spacetime_span <= 0 || chosen_for.lock() != run.model) {
    app.spacetime_span = default_span(m);
    chosen_for = run.model;
  }

  // Controls: window width and the heartbeat toggle.
  ImGui::Text("Window %.3g s", app.spacetime_span);
  ImGui::SameLine();
  if (ImGui::SmallButton("-")) app.spacetime_span = std::min(app.spacetime_span * 1.5, std::max(m.t_end, 1e-3) * 2);
  ImGui::SameLine();
  if (ImGui::SmallButton("+")) app.spacetime_span = std::max(app.spacetime_span / 1.5, 1e-5);
  ImGui::SameLine();
  ImGui::Checkbox("heartbeats", &app.spacetime_heartbeats);

  ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImVec2 avail = ImGui::GetContentRegionAvail();
  const float axis_h = ImGui::GetTextLineHeightWithSpacing() * 2.0f;
  // Every lane at least a line of text high (names stay legible): the tab scrolls instead.
  avail.y = std::max({avail.y, 6.0f * em, static_cast<float>(idx.lanes().size()) * 1.3f * ImGui::GetTextLineHeight() + axis_h});
  ImGui::InvisibleButton("##spacetime", avail);
  ImGui::SetItemUsingMouseWheel();  // the wheel zooms the window of time, not the tab's scroll
  const bool hovered = ImGui::IsItemHovered();
  ImDrawList* dl = ImGui::GetWindowDrawList();

  // Lane names on the left, as wide as the longest (capped so the plot keeps its room).
  float name_w = 0;
  for (const auto& l : idx.lanes()) name_w = std::max(name_w, ImGui::CalcTextSize(l.name.c_str()).x);
  name_w = std::min(name_w + 0.6f * em, avail.x * 0.35f);
  SpaceTimeFrame f;
  f.x0 = p0.x + name_w;
  f.y0 = p0.y;
  f.w = std::max(avail.x - name_w - 0.4f * em, 1.0f);
  f.h = std::max(avail.y - axis_h, 1.0f);
  f.lanes = std::max<int>(1, static_cast<int>(idx.lanes().size()));
  spacetime_window(app.t, app.spacetime_span, f.t0, f.t1);

  if (hovered && ImGui::GetIO().MouseWheel != 0)
    app.spacetime_span = std::clamp(app.spacetime_span * std::pow(1.25, -ImGui::GetIO().MouseWheel), 1e-5,
                                    std::max(m.t_end, 1e-3) * 2);

  dl->PushClipRect(p0, ImVec2(p0.x + avail.x, p0.y + avail.y), true);
  // Lanes: alternate stripes, a centre line, the name in its role's colour.
  const float lane_h = f.h / static_cast<float>(f.lanes);
  for (int i = 0; i < static_cast<int>(idx.lanes().size()); ++i) {
    const Lane& l = idx.lanes()[i];
    const float y = f.lane_y(i);
    if (i % 2) dl->AddRectFilled(ImVec2(p0.x, y - lane_h / 2), ImVec2(f.x0 + f.w, y + lane_h / 2), IM_COL32(255, 255, 255, 10));
    dl->AddLine(ImVec2(f.x0, y), ImVec2(f.x0 + f.w, y), theme::kCanvas, 1.0f);
    const ImVec2 ts = ImGui::CalcTextSize(l.name.c_str());
    dl->AddText(ImVec2(p0.x, y - ts.y / 2), theme::role_color(l.role) | IM_COL32(60, 60, 60, 0), l.name.c_str());
  }

  SpaceTimeOptions opt;
  opt.show_heartbeats = app.spacetime_heartbeats;
  opt.selected_events = app.selected && &run == &app.runs.front() ? &app.selected_events : nullptr;
  opt.density_px = std::max(2.0f, 0.25f * em);
  const SpaceTimeView v = layout_spacetime(m.packets, idx, f, app.t, opt);

  // Crashed spans shaded on their lane.
  for (const auto& d : v.down) {
    dl->AddRectFilled(ImVec2(d.x0, d.y - lane_h * 0.4f), ImVec2(d.x1, d.y + lane_h * 0.4f), IM_COL32(255, 70, 70, 55));
    if (d.x1 - d.x0 > 5 * em) dl->AddText(ImVec2(d.x0 + 0.3f * em, d.y - lane_h * 0.4f), theme::kDown, "crashed");
  }

  // The aggregate: one stroke per lane pair and pixel column, brighter for more frames.
  if (v.aggregated) {
    std::uint32_t most = 1;
    for (const auto& c : v.density) most = std::max(most, c.count);
    for (const auto& c : v.density) {
      const float k = std::log1p(static_cast<float>(c.count)) / std::log1p(static_cast<float>(most));
      dl->AddLine(ImVec2(c.x0, f.lane_y(c.from_lane)), ImVec2(c.x1, f.lane_y(c.to_lane)),
                  IM_COL32(120, 200, 255, static_cast<int>(30 + 200 * k)), opt.density_px);
    }
  }
  // Arrows: heartbeats faint, the selected message bright and thick, the rest dimmed
  // while something is selected.
  const float r = std::max(3.0f, 0.28f * em);
  auto draw_arrow = [&](const Arrow& a) {
    const bool hb = a.op == Op::Heartbeat || a.msg == 0;
    ImU32 col = hb ? (a.op == Op::Heartbeat ? IM_COL32(150, 155, 165, 70) : theme::kDim)
                   : msg_color(a.msg, app.selected && !a.selected ? 90 : 255);
    if (a.selected) col = msg_color(a.msg);
    const float thick = a.selected ? 3.0f : hb ? 1.0f : 1.8f;
    ImVec2 s(a.x0, a.y0), e(a.x1, a.y1);
    dl->AddLine(s, e, col, thick);
    if (a.dropped) {
      dl->AddLine(ImVec2(e.x - r, e.y - r), ImVec2(e.x + r, e.y + r), theme::kDown, 2.5f);
      dl->AddLine(ImVec2(e.x - r, e.y + r), ImVec2(e.x + r, e.y - r), theme::kDown, 2.5f);
    } else if (a.in_flight) {
      theme::draw_op_shape(dl, e, a.selected ? r * 1.4f : r, a.op, col, a.selected ? theme::kSelected : IM_COL32(0, 0, 0, 255));
    } else if (!hb || a.selected) {
      arrow_head(dl, s, e, a.selected ? r * 1.2f : r * 0.8f, col);
    }
  };
  for (const auto& a : v.arrows)
    if (!a.selected) draw_arrow(a);
  for (const auto& a : v.arrows)
    if (a.selected) draw_arrow(a);

  // Fault marks say what they are: a dropped frame's cross looks alike.
  for (const auto& mk : v.marks) {
    draw_mark(dl, ImVec2(mk.x, mk.y), 0.45f * em, mk.mark.kind);
    dl->AddText(ImVec2(mk.x + 0.55f * em, mk.y - 0.5f * em - ImGui::GetTextLineHeight() * 0.5f), theme::kText,
                mark_name(mk.mark.kind));
  }

  // Time axis: round ticks in seconds under the lanes.
  const float axis_y = f.y0 + f.h;
  dl->AddLine(ImVec2(f.x0, axis_y), ImVec2(f.x0 + f.w, axis_y), theme::kDim);
  const double step = round_step(f.t1 - f.t0, static_cast<std::size_t>(std::max(2.0f, f.w / (6.0f * em))));
  for (double tt = std::ceil(std::max(f.t0, 0.0) / step) * step; tt <= f.t1; tt += step) {
    const float x = f.time_x(tt);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g s", tt);
    dl->AddLine(ImVec2(x, axis_y), ImVec2(x, axis_y + 0.3f * em), theme::kDim);
    const float tw = ImGui::CalcTextSize(buf).x;
    dl->AddText(ImVec2(std::clamp(x - tw / 2, f.x0, f.x0 + f.w - tw), axis_y + 0.3f * em), theme::kDim, buf);
  }
  // Before the run began: nothing can be there.
  if (f.t0 < 0) dl->AddRectFilled(ImVec2(f.x0, f.y0), ImVec2(f.time_x(0), axis_y), IM_COL32(0, 0, 0, 90));
  // "now", and a note when frames are drawn as a density.
  const float nx = f.time_x(app.t);
  dl->AddLine(ImVec2(nx, f.y0), ImVec2(nx, axis_y), theme::kPlayhead, 2.0f);
  dl->AddText(ImVec2(nx + 0.2f * em, f.y0), theme::kPlayhead, "now");
  char info[96];
  std::snprintf(info, sizeof info, v.aggregated ? "%zu frames: density" : "%zu frames", v.frames);
  const float iw = ImGui::CalcTextSize(info).x;
  dl->AddText(ImVec2(f.x0 + f.w - iw, axis_y + 0.3f * em + ImGui::GetTextLineHeight()), theme::kDim, info);
  dl->PopClipRect();

  // Hover: the arrow under the mouse; click selects its message and seeks to its end.
  if (hovered) {
    const ImVec2 mp = ImGui::GetIO().MousePos;
    const int hit = hit_arrow(v, mp.x, mp.y, 0.4f * em);
    if (hit >= 0) {
      const Arrow& a = v.arrows[hit];
      const Packet& p = m.packets.packets()[a.packet];
      char ml[24];
      ImGui::BeginTooltip();
      ImGui::Text("%s %s  %s -> %s", p.msg ? msg_label(p.msg, ml) : "", std::string(op_label(p.op)).c_str(),
                  m.node_name(p.from).c_str(), m.node_name(p.to).c_str());
      if (p.dropped)
        ImGui::Text("sent %.4f s, dropped %.4f s%s%s", p.t_send, p.t_end, p.drop_reason.empty() ? "" : ": ",
                    p.drop_reason.c_str());
      else
        ImGui::Text("sent %.4f s, %s %.4f s", p.t_send, p.ended ? "received" : "due", p.t_end);
      if (p.n_items > 1) ImGui::Text("%u items in this frame", p.n_items);
      ImGui::TextDisabled("click: follow this message");
      ImGui::EndTooltip();
      if (ImGui::IsItemClicked()) {
        app.playing = false;
        if (p.msg) app.select(p.msg);
        app.seek(p.t_end);
      }
    } else {
      for (const auto& mk : v.marks)
        if (std::abs(mp.x - mk.x) < 0.5f * em && std::abs(mp.y - mk.y) < 0.5f * em) {
          ImGui::SetTooltip("%s %s%s%s at %.4f s", mark_name(mk.mark.kind), m.node_name(mk.mark.node).c_str(),
                            mk.mark.peer != kNoNode ? " - " : "",
                            mk.mark.peer != kNoNode ? m.node_name(mk.mark.peer).c_str() : "", mk.mark.t);
          break;
        }
    }
  }
}

}  // namespace bs::gui
