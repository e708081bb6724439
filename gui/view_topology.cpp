// Topology canvas: producers left, brokers middle, consumers right; frames as dots.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "model/colors.hpp"
#include "theme.hpp"
#include "views.hpp"

namespace bs::gui {
namespace {

// Normalized topology coordinates to screen, through the user's zoom around `center`.
struct Canvas {
  ImVec2 p0, size;
  float zoom = 1;
  P2 center{0.5f, 0.5f};
  ImVec2 at(P2 p) const {
    return ImVec2(p0.x + ((p.x - center.x) * zoom + 0.5f) * size.x, p0.y + ((p.y - center.y) * zoom + 0.5f) * size.y);
  }
};

// Mouse wheel zooms around the pointer, right-drag pans, double-click resets.
void handle_zoom(AppState& app, const Canvas& cv, bool hovered) {
  ImGuiIO& io = ImGui::GetIO();
  if (!hovered) return;
  if (io.MouseWheel != 0) {
    float mx = (io.MousePos.x - cv.p0.x) / cv.size.x - 0.5f, my = (io.MousePos.y - cv.p0.y) / cv.size.y - 0.5f;
    P2 world{app.view_center.x + mx / app.view_zoom, app.view_center.y + my / app.view_zoom};
    app.view_zoom = std::clamp(app.view_zoom * std::pow(1.2f, io.MouseWheel), 1.0f, 20.0f);
    app.view_center = P2{world.x - mx / app.view_zoom, world.y - my / app.view_zoom};
  }
  if (ImGui::IsMouseDragging(ImGuiMouseButton_Right)) {
    app.view_center.x -= io.MouseDelta.x / cv.size.x / app.view_zoom;
    app.view_center.y -= io.MouseDelta.y / cv.size.y / app.view_zoom;
  }
  if (ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) {
    app.view_zoom = 1;
    app.view_center = P2{0.5f, 0.5f};
  }
}

ImU32 with_alpha(ImU32 c, float a) {
  return (c & 0x00FFFFFFu) | (static_cast<ImU32>(std::clamp(a, 0.0f, 1.0f) * ((c >> 24) & 0xFF)) << 24);
}

void draw_link(ImDrawList* dl, ImVec2 a, ImVec2 b, bool down, float em) {
  if (!down) {
    dl->AddLine(a, b, theme::kLink, 0.18f * em);
    return;
  }
  // Broken: two stubs ending in bars across the line, with a gap between them. (Not a
  // cross: a red cross is a frame that died.)
  ImVec2 d(b.x - a.x, b.y - a.y);
  auto lerp = [&](float f) { return ImVec2(a.x + d.x * f, a.y + d.y * f); };
  dl->AddLine(a, lerp(0.42f), theme::kDown, 0.18f * em);
  dl->AddLine(lerp(0.58f), b, theme::kDown, 0.18f * em);
  float len = std::sqrt(d.x * d.x + d.y * d.y);
  ImVec2 n = len > 0 ? ImVec2(-d.y / len * 0.6f * em, d.x / len * 0.6f * em) : ImVec2(0, 0.6f * em);
  for (float f : {0.42f, 0.58f}) {
    ImVec2 c = lerp(f);
    dl->AddLine(ImVec2(c.x - n.x, c.y - n.y), ImVec2(c.x + n.x, c.y + n.y), theme::kDown, 0.2f * em);
  }
  ImVec2 m = lerp(0.5f);
  float r = 0.6f * em;
  dl->AddText(ImVec2(m.x - ImGui::CalcTextSize("DOWN").x / 2, m.y + r), theme::kDown, "DOWN");
}

// Opposite directions on one link run side by side rather than on top of each other.
ImVec2 lane_offset(ImVec2 a, ImVec2 b, bool forward, float em) {
  float dx = b.x - a.x, dy = b.y - a.y, len = std::sqrt(dx * dx + dy * dy);
  if (len < 1) return ImVec2(0, 0);
  float s = (forward ? 0.45f : -0.45f) * em;
  return ImVec2(-dy / len * s, dx / len * s);
}

void draw_legend(ImDrawList* dl, ImVec2 p, float em) {
  const Op ops[] = {Op::Publish, Op::Deliver, Op::Ack, Op::Nack, Op::Confirm, Op::Heartbeat};
  float x = p.x;
  for (Op op : ops) {
    theme::draw_op_shape(dl, ImVec2(x + 0.5f * em, p.y + 0.55f * em), 0.38f * em, op, theme::kText, theme::kBackground);
    auto label = op_label(op);
    dl->AddText(ImVec2(x + 1.2f * em, p.y), theme::kText, label.data(), label.data() + label.size());
    x += 1.2f * em + ImGui::CalcTextSize(label.data(), label.data() + label.size()).x + 0.9f * em;
  }
  dl->AddLine(ImVec2(x, p.y + 0.2f * em), ImVec2(x + 0.8f * em, p.y + 0.9f * em), theme::kDown, 0.2f * em);
  dl->AddLine(ImVec2(x, p.y + 0.9f * em), ImVec2(x + 0.8f * em, p.y + 0.2f * em), theme::kDown, 0.2f * em);
  dl->AddText(ImVec2(x + 1.2f * em, p.y), theme::kText, "frame lost");
}

}  // namespace

void draw_topology(AppState& app, Run& run, ImVec2 size) {
  const TraceModel& m = *run.model;
  const Topology& topo = m.topo;
  float em = ImGui::GetFontSize();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImVec2 origin = ImGui::GetCursorScreenPos();
  // A frame, not a fill: every full-size layer costs a software rasterizer a millisecond.
  dl->AddRect(origin, ImVec2(origin.x + size.x, origin.y + size.y), theme::kCanvas, 0, 0, 2.0f);
  ImGui::InvisibleButton("##topology", size);
  bool clicked = ImGui::IsItemClicked(ImGuiMouseButton_Left);
  ImVec2 mouse = ImGui::GetIO().MousePos;

  // Leave room for node boxes at the edges and the legend at the bottom.
  float box_w = 5.0f * em, box_h = 2.6f * em;
  Canvas cv{ImVec2(origin.x + box_w * 0.1f, origin.y + 0.4f * em), ImVec2(size.x - box_w * 0.2f, size.y - 2.4f * em)};
  handle_zoom(app, cv, ImGui::IsItemHovered());
  cv.zoom = app.view_zoom;
  cv.center = app.view_center;
  double t = app.t;
  dl->PushClipRect(origin, ImVec2(origin.x + size.x, origin.y + size.y), true);

  for (const auto& l : topo.links()) draw_link(dl, cv.at(topo.pos(l.a)), cv.at(topo.pos(l.b)), topo.link_down(l.a, l.b, t), em);

  // Frames in flight.
  static std::vector<Dot> dots;
  m.packets.dots_at(t, dots);
  // Ids are readable when few frames are up, or once the user has zoomed in.
  bool labels = app.show_labels && (dots.size() <= 150 || app.view_zoom >= 4);
  bool dense = dots.size() > 150;  // same threshold as the labels: past it, ids are unreadable anyway
  float r = (dense ? 0.28f : 0.5f) * em;
  // Thousands of dots: skip anti-aliased fringes and outlines, which triple the vertices.
  ImDrawListFlags saved_flags = dl->Flags;
  if (dense) dl->Flags &= ~(ImDrawListFlags_AntiAliasedFill | ImDrawListFlags_AntiAliasedLines);
  MsgId hit = 0;
  float hit_d = 0.8f * em;
  for (const Dot& d : dots) {
    ImVec2 a = cv.at(topo.pos(d.from)), b = cv.at(topo.pos(d.to));
    ImVec2 off = lane_offset(a, b, d.from < d.to, em);
    P2 q = topo.along(d.from, d.to, d.frac);
    ImVec2 p = cv.at(q);
    p.x += off.x;
    p.y += off.y;
    bool sel = app.selected != 0 && d.msg == app.selected;
    ImU32 col = d.op == Op::Heartbeat ? theme::kDim : msg_color(d.msg, app.selected && !sel ? 110 : 255);
    theme::draw_op_shape(dl, p, sel ? r * 1.5f : r, d.op, col, sel ? theme::kSelected : dense ? 0 : IM_COL32(0, 0, 0, 255));
    if (sel) dl->AddCircle(p, r * 2.4f, theme::kSelected, 20, 2.0f);
    if (d.redelivered) dl->AddCircle(p, r * 1.9f, theme::kRedelivered, 16, 0.15f * em);
    if (labels && d.msg) {
      char buf[24];
      msg_label(d.msg, buf);
      float lx = p.x + (d.redelivered ? r * 2.0f : r) + 2;  // clear of the redelivered ring
      dl->AddText(ImVec2(lx, p.y - em - r * 0.2f), col, buf);
      if (d.redelivered)
        dl->AddText(ImVec2(lx + ImGui::CalcTextSize(buf).x + 0.3f * em, p.y - em - r * 0.2f), theme::kRedelivered, "redelivered");
    }
    float dx = mouse.x - p.x, dy = mouse.y - p.y, dd = std::sqrt(dx * dx + dy * dy);
    if (d.msg && dd < hit_d) {
      hit = d.msg;
      hit_d = dd;
    }
  }
  dl->Flags = saved_flags;
  // Frames that died recently: a red cross fading where it happened.
  static std::vector<Death> deaths;
  double fade = std::clamp(m.t_end * 0.03, 0.05, 1.0);
  m.packets.deaths_at(t, fade, deaths);
  for (const Death& d : deaths) {
    ImVec2 a = cv.at(topo.pos(d.from)), b = cv.at(topo.pos(d.to));
    ImVec2 off = lane_offset(a, b, d.from < d.to, em);
    ImVec2 p = cv.at(topo.along(d.from, d.to, d.frac));
    p.x += off.x;
    p.y += off.y;
    float s = (0.5f + 0.5f * d.age) * em;
    ImU32 c = with_alpha(theme::kDown, 1.0f - d.age);
    dl->AddLine(ImVec2(p.x - s, p.y - s), ImVec2(p.x + s, p.y + s), c, 0.25f * em);
    dl->AddLine(ImVec2(p.x - s, p.y + s), ImVec2(p.x + s, p.y - s), c, 0.25f * em);
    const Packet& pk = m.packets.packets()[d.packet];
    if (labels && pk.msg) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "m%llu lost (%s)", static_cast<unsigned long long>(pk.msg), pk.drop_reason.c_str());
      dl->AddText(ImVec2(p.x - ImGui::CalcTextSize(buf).x / 2, p.y - s - 1.2f * em), c, buf);
    }
  }

  // Nodes on top of links and dots.
  for (NodeId n = 0; n < topo.size(); ++n) {
    ImVec2 c = cv.at(topo.pos(n));
    // Wide enough for the node's name; kept inside the canvas at the edges (unzoomed).
    float w = std::max(box_w, ImGui::CalcTextSize(topo.name(n).c_str()).x + 0.8f * em);
    ImVec2 a(c.x - w / 2, c.y - box_h / 2), b(c.x + w / 2, c.y + box_h / 2);
    if (app.view_zoom == 1) a.x = std::max(a.x, origin.x + 2);  // when zoomed, off-canvas is off-canvas
    b.x = a.x + w;
    if (app.view_zoom == 1 && b.x > origin.x + size.x - 2) {
      b.x = origin.x + size.x - 2;
      a.x = b.x - w;
    }
    bool down = topo.node_down(n, t);
    dl->AddRectFilled(a, b, down ? theme::kCrashed : theme::role_color(topo.role(n)), 0.3f * em);
    dl->AddRect(a, b, theme::kText, 0.3f * em, 0, 1.5f);
    const std::string& name = topo.name(n);
    ImVec2 ts = ImGui::CalcTextSize(name.c_str());
    dl->AddText(ImVec2((a.x + b.x - ts.x) / 2, a.y + 0.15f * em), theme::kText, name.c_str());
    // The role under the name, unless the name already says it ("broker").
    const char* role = topo.role(n) == Role::Producer ? "producer" : topo.role(n) == Role::Broker ? "broker"
                     : topo.role(n) == Role::Consumer ? "consumer" : "";
    if (name != role) {
      ImVec2 ss = ImGui::CalcTextSize(role);
      dl->AddText(ImVec2((a.x + b.x - ss.x) / 2, a.y + 1.25f * em), theme::kText, role);
    }
    if (down) {
      dl->AddLine(a, b, theme::kDown, 0.22f * em);
      dl->AddLine(ImVec2(a.x, b.y), ImVec2(b.x, a.y), theme::kDown, 0.22f * em);
      ImVec2 cs = ImGui::CalcTextSize("CRASHED");
      dl->AddText(ImVec2((a.x + b.x - cs.x) / 2, b.y + 0.1f * em), theme::kDown, "CRASHED");
    }
  }
  draw_legend(dl, ImVec2(origin.x + 0.5f * em, origin.y + size.y - 1.6f * em), em);
  if (app.view_zoom > 1) {
    char z[64];
    std::snprintf(z, sizeof z, "zoom %.1fx (double-click to reset)", app.view_zoom);
    dl->AddText(ImVec2(origin.x + 0.5f * em, origin.y + 0.3f * em), theme::kDim, z);
  }
  if (hit && ImGui::IsItemHovered()) {
    char buf[24];
    ImGui::SetTooltip("%s: click to follow this message", msg_label(hit, buf));
  }
  if (clicked) app.select(hit);
  dl->PopClipRect();
}

}  // namespace bs::gui
