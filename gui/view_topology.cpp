// Topology canvas: producers left, brokers middle, consumers right; frames as dots.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <unordered_set>

#include <fmt/format.h>

#include "canvas_routing.hpp"
#include "layout_audit.hpp"
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

void draw_link(ImDrawList* dl, ImVec2 a, ImVec2 b, bool down, double slow_ms, float em, const CanvasText& ct) {
  if (!down && slow_ms > 0) {
    // Slowed (a link_latency fault): the slow-link marker's colour, and its latency.
    const ImU32 c = theme::marker_color(MarkerKind::LinkLatency);
    dl->AddLine(a, b, c, 0.3f * em);
    const ImVec2 m((a.x + b.x) / 2, (a.y + b.y) / 2);
    const std::string label = fmt::format("slow {:g} ms", slow_ms);
    const ImVec2 ds = ImGui::CalcTextSize(label.c_str());
    const float r = 0.4f * em;
    ct.text(dl, ct.place(ds, {ImVec2(m.x - ds.x / 2, m.y + r), ImVec2(m.x - ds.x / 2, m.y - r - ds.y)}, ""), c, label, "");
    return;
  }
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
  const ImVec2 ds = ImGui::CalcTextSize("DOWN");
  ct.text(dl, ct.place(ds, {ImVec2(m.x - ds.x / 2, m.y + r), ImVec2(m.x - ds.x / 2, m.y - r - ds.y), ImVec2(m.x + r, m.y - ds.y / 2)}, ""),
          theme::kDown, "DOWN", "");
}

// Opposite directions on one link run side by side rather than on top of each other.
ImVec2 lane_offset(ImVec2 a, ImVec2 b, bool forward, float em) {
  float dx = b.x - a.x, dy = b.y - a.y, len = std::sqrt(dx * dx + dy * dy);
  if (len < 1) return ImVec2(0, 0);
  float s = (forward ? 0.45f : -0.45f) * em;
  return ImVec2(-dy / len * s, dx / len * s);
}

// A client's link to a broker of its bootstrap list it is not connected to now: a thin
// dashed line, so the connection in use stands out and a failover visibly moves it.
void draw_standby_link(ImDrawList* dl, ImVec2 a, ImVec2 b, float em) {
  const float dx = b.x - a.x, dy = b.y - a.y, len = std::sqrt(dx * dx + dy * dy);
  const float dash = 0.6f * em, gap = 0.45f * em;
  const ImU32 c = with_alpha(theme::kLink, 0.55f);
  for (float d = 0; d < len; d += dash + gap) {
    const float e = std::min(len, d + dash);
    dl->AddLine(ImVec2(a.x + dx * d / len, a.y + dy * d / len), ImVec2(a.x + dx * e / len, a.y + dy * e / len), c, 0.1f * em);
  }
}

// The brokers of a multi-broker scenario sit in one column inside a frame; the frame
// says "cluster" when they are linked to each other (peers), "brokers" otherwise. Its
// label sits beside the first broker, not above it, so a small canvas (large text) does
// not push it off the top; the frame is as wide on the right, where "CRASHED" goes.
void draw_cluster_frame(ImDrawList* dl, const Topology& topo, const Canvas& cv, float box_w, float box_h, float em,
                        bool linked, const CanvasText& ct) {
  ImVec2 lo(1e9f, 1e9f), hi(-1e9f, -1e9f);
  for (NodeId n = 0; n < topo.size(); ++n) {
    if (topo.role(n) != Role::Broker) continue;
    ImVec2 c = cv.at(topo.pos(n));
    float w = std::max(box_w, ImGui::CalcTextSize(topo.name(n).c_str()).x + 0.8f * em);
    lo = ImVec2(std::min(lo.x, c.x - w / 2), std::min(lo.y, c.y - box_h / 2));
    hi = ImVec2(std::max(hi.x, c.x + w / 2), std::max(hi.y, c.y + box_h / 2));
  }
  const char* label = linked ? "cluster" : "brokers";
  const float side = std::max(ImGui::CalcTextSize(label).x, ImGui::CalcTextSize("CRASHED").x) + 0.9f * em;
  lo = ImVec2(lo.x - side, lo.y - 0.45f * em);
  hi = ImVec2(hi.x + side, hi.y + 0.45f * em);
  dl->AddRectFilled(lo, hi, theme::kClusterFill, 0.5f * em);
  dl->AddRect(lo, hi, with_alpha(theme::kLink, 0.8f), 0.5f * em, 0, 1.5f);
  const ImVec2 ls = ImGui::CalcTextSize(label);
  ct.text(dl, ct.place(ls, {ImVec2(lo.x + 0.45f * em, lo.y + 0.3f * em), ImVec2(lo.x + 0.45f * em, hi.y - 0.3f * em - ls.y)}, ""),
          theme::kDim, label, "");
}

// A link between two brokers: straight between neighbours of the column, bowed out to
// the side when another broker sits between them (so it does not run through its box).
void draw_peer_link(ImDrawList* dl, const Topology& topo, const Canvas& cv, const LinkTiming& l, bool down, float em,
                    const CanvasText& ct) {
  ImVec2 a = cv.at(topo.pos(l.a)), b = cv.at(topo.pos(l.b));
  const float ylo = std::min(topo.pos(l.a).y, topo.pos(l.b).y), yhi = std::max(topo.pos(l.a).y, topo.pos(l.b).y);
  bool between = false;
  for (NodeId n = 0; n < topo.size(); ++n)
    if (topo.role(n) == Role::Broker && n != l.a && n != l.b && topo.pos(n).y > ylo && topo.pos(n).y < yhi) between = true;
  const ImU32 c = down ? theme::kDown : theme::kPeerLink;
  if (!between) {
    if (down) return draw_link(dl, a, b, true, 0, em, ct);
    dl->AddLine(a, b, c, 0.22f * em);
    return;
  }
  const float bow = 3.2f * em + 0.15f * std::fabs(b.y - a.y);
  dl->AddBezierCubic(a, ImVec2(a.x + bow, a.y), ImVec2(b.x + bow, b.y), b, c, 0.22f * em);
}

// The key to the dot shapes along the bottom of the canvas, wrapping onto a second line
// above the first when large text makes it wider than the canvas. Returns its height.
float legend_height(float width, float em);
float draw_legend(ImDrawList* dl, ImVec2 p, float width, float em, const CanvasText* ct) {
  const Op ops[] = {Op::Publish, Op::Deliver, Op::Ack, Op::Nack, Op::Confirm, Op::Heartbeat};
  // Each entry: its shape (or the lost-frame cross), 1.2 em, its text, 0.9 em.
  struct Entry {
    std::string text;
    int op;  // index into ops; -1: the cross
  };
  std::vector<Entry> entries;
  for (int i = 0; i < 6; ++i) entries.push_back({std::string(op_label(ops[i])), i});
  entries.push_back({"frame lost", -1});
  std::vector<int> row(entries.size(), 0);
  std::vector<float> xs(entries.size(), 0);
  float x = 0;
  int rows = 1;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const float w = 1.2f * em + ImGui::CalcTextSize(entries[i].text.c_str()).x;
    if (x > 0 && x + w > width) {
      x = 0;
      ++rows;
    }
    row[i] = rows - 1;
    xs[i] = x;
    x += w + 0.9f * em;
  }
  const float lh = 1.25f * em;
  if (!ct) return static_cast<float>(rows) * lh;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const ImVec2 q(p.x + xs[i], p.y - static_cast<float>(rows - 1 - row[i]) * lh);
    if (entries[i].op >= 0) {
      theme::draw_op_shape(dl, ImVec2(q.x + 0.5f * em, q.y + 0.55f * em), 0.38f * em, ops[entries[i].op], theme::kText,
                           theme::kBackground);
    } else {
      dl->AddLine(ImVec2(q.x, q.y + 0.2f * em), ImVec2(q.x + 0.8f * em, q.y + 0.9f * em), theme::kDown, 0.2f * em);
      dl->AddLine(ImVec2(q.x, q.y + 0.9f * em), ImVec2(q.x + 0.8f * em, q.y + 0.2f * em), theme::kDown, 0.2f * em);
    }
    ct->text(dl, ImVec2(q.x + 1.2f * em, q.y), theme::kText, entries[i].text, "");
  }
  return static_cast<float>(rows) * lh;
}
float legend_height(float width, float em) { return draw_legend(nullptr, ImVec2(0, 0), width, em, nullptr); }


// Past this many frames in flight dots overlap on every link: they lose their outlines
// and ids, are thinned to what can be seen, and each lane says how many it carries.
constexpr std::size_t kDenseDots = 150;

void draw_dot(AppState& app, const Topology& topo, const Dot& d, ImVec2 p, float r, bool dense, float em, bool labels,
              ImDrawList* dl) {
  // Its labels (id, routing key, "redelivered", "basic.return") are not reported to the
  // layout audit: they ride with the dot from one node's centre to another's, so each
  // lies on its sender and its receiver for a moment on every hop, in every lesson.
  const bool sel = app.selected != 0 && d.msg == app.selected;
  const ImU32 col = d.op == Op::Heartbeat ? theme::kDim : msg_color(d.msg, app.selected && !sel ? 110 : 255);
  theme::draw_op_shape(dl, p, sel ? r * 1.5f : r, d.op, col, sel ? theme::kSelected : dense ? 0 : IM_COL32(0, 0, 0, 255));
  if (sel) dl->AddCircle(p, r * 2.4f, theme::kSelected, 20, 2.0f);
  if (d.redelivered) dl->AddCircle(p, r * 1.9f, theme::kRedelivered, 16, 0.15f * em);
  if (labels && d.msg) {
    char buf[24];
    msg_label(d.msg, buf);
    const float lx = p.x + (d.redelivered ? r * 2.0f : r) + 2;  // clear of the redelivered ring
    dl->AddText(ImVec2(lx, p.y - em - r * 0.2f), col, buf);
    if (d.redelivered)
      dl->AddText(ImVec2(lx + ImGui::CalcTextSize(buf).x + 0.3f * em, p.y - em - r * 0.2f), theme::kRedelivered, "redelivered");
    // What routes it: the routing key (or headers) of a publish, and a basic.return.
    const bool ret = d.op == Op::Nack && topo.routing().returned(d.msg) && topo.role(d.to) == Role::Producer;
    if (d.op == Op::Publish || ret) {
      const std::string& key = topo.routing().label(d.msg);
      std::string what = ret ? "basic.return " + key : key;
      if (!what.empty())
        dl->AddText(ImVec2(lx + ImGui::CalcTextSize(buf).x + 0.3f * em, p.y - em - r * 0.2f), ret ? theme::kDown : col,
                    what.c_str());
    }
  }
}

// A store node's figures at the viewed time (the checker's, through the Summary's totals).
StoreTotals store_totals(const Run& run, const std::string& name) {
  const auto& stores = run.summary->totals().stores;
  const auto it = stores.find(name);
  return it == stores.end() ? StoreTotals{} : it->second;
}

// "2,500" with thousands separators: a count read from across a lecture room.
const char* group_thousands(std::size_t n, char (&buf)[32]) {
  char raw[24];
  const int len = std::snprintf(raw, sizeof raw, "%zu", n);
  int o = 0;
  for (int i = 0; i < len; ++i) {
    if (i > 0 && (len - i) % 3 == 0) buf[o++] = ',';
    buf[o++] = raw[i];
  }
  buf[o] = 0;
  return buf;
}

// Draws the frames in flight and sets `hit` to the message of the dot under the mouse.
// Returns whether ids were drawn (the deaths below follow the same rule). Thousands of
// frames would cost a software rasterizer a triangle fan each while most hide behind
// their neighbours, so dense dots are thinned to one per cell of a screen grid (the
// last in drawing order, which is the one that would be seen), off-canvas dots are
// skipped, and the selected message and redeliveries are always drawn.
bool draw_dots(AppState& app, const std::vector<Dot>& dots, const Topology& topo, const Canvas& cv,
               const std::function<ImVec2(const Dot&)>& place, ImVec2 lo, ImVec2 hi, ImVec2 mouse, float em,
               ImDrawList* dl, MsgId& hit, const CanvasText& ct) {
  const bool dense = dots.size() > kDenseDots;
  const bool labels = app.show_labels && (!dense || app.view_zoom >= 4);
  const float r = (dense ? 0.28f : 0.5f) * em;
  static std::vector<ImVec2> at;  // screen position per dot; x = NaN when off-canvas
  at.resize(dots.size());
  for (std::size_t i = 0; i < dots.size(); ++i) {
    const ImVec2 p = place(dots[i]);
    const bool inside = p.x > lo.x - r && p.x < hi.x + r && p.y > lo.y - r && p.y < hi.y + r;
    at[i] = inside ? p : ImVec2(NAN, NAN);
  }
  // Dense: the winner of each grid cell.
  const float cell = std::max(2.0f, r);
  const int gw = static_cast<int>((hi.x - lo.x) / cell) + 3, gh = static_cast<int>((hi.y - lo.y) / cell) + 3;
  static std::vector<std::int32_t> grid;
  auto cell_of = [&](ImVec2 p) {
    const int cx = std::clamp(static_cast<int>((p.x - lo.x) / cell) + 1, 0, gw - 1);
    const int cy = std::clamp(static_cast<int>((p.y - lo.y) / cell) + 1, 0, gh - 1);
    return static_cast<std::size_t>(cy) * static_cast<std::size_t>(gw) + static_cast<std::size_t>(cx);
  };
  if (dense) {
    grid.assign(static_cast<std::size_t>(gw) * static_cast<std::size_t>(gh), -1);
    for (std::size_t i = 0; i < dots.size(); ++i)
      if (!std::isnan(at[i].x)) grid[cell_of(at[i])] = static_cast<std::int32_t>(i);
  }
  // Thousands of dots: skip anti-aliased fringes, which double the vertices.
  const ImDrawListFlags saved_flags = dl->Flags;
  if (dense) dl->Flags &= ~(ImDrawListFlags_AntiAliasedFill | ImDrawListFlags_AntiAliasedLines);
  float hit_d = 0.8f * em;
  auto consider_hit = [&](const Dot& d, ImVec2 p) {
    const float dx = mouse.x - p.x, dy = mouse.y - p.y, dd = std::sqrt(dx * dx + dy * dy);
    if (d.msg && dd < hit_d) {
      hit = d.msg;
      hit_d = dd;
    }
  };
  // Zoomed into a crowd: an id only where it does not cover another one.
  static std::unordered_set<std::uint64_t> label_cells;
  label_cells.clear();
  auto label_fits = [&](ImVec2 p) {
    if (!dense) return true;
    const auto cx = static_cast<std::int64_t>(std::floor((p.x - lo.x) / (3.5f * em)));
    const auto cy = static_cast<std::int64_t>(std::floor((p.y - lo.y) / (1.1f * em)));
    // A label runs past its own cell into the next one: it needs both free.
    auto key = [&](std::int64_t x) { return (static_cast<std::uint64_t>(cy) << 32) ^ static_cast<std::uint64_t>(x); };
    if (label_cells.count(key(cx)) || label_cells.count(key(cx + 1))) return false;
    label_cells.insert(key(cx));
    label_cells.insert(key(cx + 1));
    return true;
  };
  std::size_t special = 0;
  for (std::size_t i = 0; i < dots.size(); ++i) {
    const Dot& d = dots[i];
    if (std::isnan(at[i].x)) continue;
    if (dense && (d.redelivered || (app.selected != 0 && d.msg == app.selected))) {
      ++special;  // drawn last, on top of the crowd
      continue;
    }
    if (dense && grid[cell_of(at[i])] != static_cast<std::int32_t>(i)) continue;
    draw_dot(app, topo, d, at[i], r, dense, em, labels && label_fits(at[i]), dl);
    consider_hit(d, at[i]);
  }
  for (std::size_t i = 0; special > 0 && i < dots.size(); ++i) {
    const Dot& d = dots[i];
    if (std::isnan(at[i].x) || !(d.redelivered || (app.selected != 0 && d.msg == app.selected))) continue;
    draw_dot(app, topo, d, at[i], r, dense, em, labels, dl);
    consider_hit(d, at[i]);
  }
  dl->Flags = saved_flags;
  if (!dense) return labels;
  // Each lane's count, near its sender (the two directions of a link do not collide).
  static std::vector<std::pair<std::uint64_t, std::size_t>> lanes;  // (from << 32 | to, count)
  lanes.clear();
  for (const Dot& d : dots) {
    const std::uint64_t key = (static_cast<std::uint64_t>(d.from) << 32) | d.to;
    auto it = std::find_if(lanes.begin(), lanes.end(), [&](const auto& l) { return l.first == key; });
    if (it == lanes.end()) lanes.emplace_back(key, 1);
    else ++it->second;
  }
  for (const auto& [key, count] : lanes) {
    const NodeId from = static_cast<NodeId>(key >> 32), to = static_cast<NodeId>(key & 0xFFFFFFFFu);
    const ImVec2 a = cv.at(topo.pos(from)), b = cv.at(topo.pos(to));
    const ImVec2 off = lane_offset(a, b, from < to, em);
    ImVec2 p = cv.at(topo.along(from, to, 0.3f));
    p.x += off.x * 2.2f;
    p.y += off.y * 2.2f;
    char buf[32];
    group_thousands(count, buf);
    const ImVec2 ts = ImGui::CalcTextSize(buf);
    // On its lane, slid along it (or beside it) off a node box that sits there.
    const ImVec2 q = cv.at(topo.along(from, to, 0.45f)), r = cv.at(topo.along(from, to, 0.15f));
    const ImVec2 tl = ct.place(ts, {ImVec2(p.x - ts.x / 2, p.y - ts.y / 2), ImVec2(q.x + off.x * 2.2f - ts.x / 2, q.y + off.y * 2.2f - ts.y / 2),
                                    ImVec2(r.x + off.x * 2.2f - ts.x / 2, r.y + off.y * 2.2f - ts.y / 2)},
                               "");
    dl->AddRectFilled(ImVec2(tl.x - 2, tl.y), ImVec2(tl.x + ts.x + 2, tl.y + ts.y), theme::kBackground);
    ct.text(dl, tl, theme::kText, buf, "");
  }
  if (app.view_zoom == 1) {  // zoomed in, the note would sit on the dots
    const char* note = "numbers: frames in flight, per direction";
    const ImVec2 ns = ImGui::CalcTextSize(note);
    const float lg = legend_height(hi.x - lo.x - 1.0f * em, em);
    ct.text(dl, ct.place(ns, {ImVec2(hi.x - ns.x - 0.5f * em, hi.y - lg - 0.6f * em - ns.y), ImVec2(lo.x + 0.5f * em, lo.y + 0.3f * em)}, ""),
            theme::kDim, note, "");
  }
  return labels;
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
  const float legend_h = legend_height(size.x - 1.0f * em, em);
  Canvas cv{ImVec2(origin.x + box_w * 0.1f, origin.y + 0.4f * em), ImVec2(size.x - box_w * 0.2f, size.y - legend_h - 1.15f * em)};
  handle_zoom(app, cv, ImGui::IsItemHovered());
  cv.zoom = app.view_zoom;
  cv.center = app.view_center;
  double t = app.t;
  dl->PushClipRect(origin, ImVec2(origin.x + size.x, origin.y + size.y), true);

  // One broker with exchanges in the trace: its routing fills the middle of the canvas,
  // between the producers' and the consumers' boxes.
  RoutingLayout routing;
  if (!topo.routing().empty() && topo.broker_count() == 1) {
    float left = cv.at(P2{0.3f, 0}).x, right = cv.at(P2{0.7f, 0}).x;
    for (NodeId n = 0; n < topo.size(); ++n) {
      const float w = std::max(box_w, ImGui::CalcTextSize(topo.name(n).c_str()).x + 0.8f * em) / 2;
      if (topo.role(n) == Role::Producer) left = std::max(left, cv.at(topo.pos(n)).x + w + 1.0f * em);
      if (topo.role(n) == Role::Consumer) right = std::min(right, cv.at(topo.pos(n)).x - w - 1.0f * em);
    }
    routing = layout_routing(topo, ImVec2(left, cv.at(P2{0, 0}).y + 0.2f * em), ImVec2(right, cv.at(P2{0, 1}).y - 0.2f * em), em);
  }
  // Where a frame leaves or reaches a node: the node's centre, or inside a broker drawn
  // with its routing, the exchange a producer publishes to / the queue a consumer reads.
  auto end_px = [&](NodeId n, NodeId other) {
    return routing.active && n == routing.broker ? routing.anchor(topo, other) : cv.at(topo.pos(n));
  };
  // A routing decision stays lit for about a round trip on the broker's links.
  double flash_s = 0;
  for (const auto& l : topo.links()) flash_s = std::max(flash_s, l.latency_s);
  flash_s = std::max(3 * flash_s, 0.003);
  // Every node box before any text, so captions can be put where none is.
  bool linked = false;
  for (const auto& l : topo.links()) linked |= topo.peer_link(l);
  const bool cluster = topo.broker_count() > 1;
  const float compact_h = 1.7f * em;
  // A column with more nodes than its height holds at two lines each: one-line boxes,
  // as tall as the spacing leaves (consumers of a short canvas at large text).
  std::vector<float> node_h(topo.size());
  for (NodeId n = 0; n < topo.size(); ++n) {
    node_h[n] = cluster && topo.role(n) == Role::Broker ? compact_h : box_h;
    float spacing = 1e9f;
    for (NodeId m = 0; m < topo.size(); ++m)
      if (m != n && std::fabs(topo.pos(m).x - topo.pos(n).x) < 1e-4f && !(routing.active && m == routing.broker))
        spacing = std::min(spacing, std::fabs(cv.at(topo.pos(m)).y - cv.at(topo.pos(n)).y));
    // Down to a one-line box in ImGui's default text size (13 px) if need be.
    node_h[n] = std::max(1.2f * std::min(em, std::max(13.0f, 0.6f * em)), std::min(node_h[n], spacing - 0.2f * em));
  }
  auto node_box = [&](NodeId n, ImVec2& a, ImVec2& b) {
    const ImVec2 c = cv.at(topo.pos(n));
    // Wide enough for the node's name; kept inside the canvas at the edges (unzoomed).
    const float w = std::max(box_w, ImGui::CalcTextSize(topo.name(n).c_str()).x + 0.8f * em);
    // Brokers of a cluster column: one line (the frame says what they are), so several
    // fit one above the other.
    const float h = node_h[n];
    a = ImVec2(c.x - w / 2, c.y - h / 2);
    b = ImVec2(c.x + w / 2, c.y + h / 2);
    if (app.view_zoom == 1) a.x = std::max(a.x, origin.x + 2);  // when zoomed, off-canvas is off-canvas
    b.x = a.x + w;
    if (app.view_zoom == 1 && b.x > origin.x + size.x - 2) {
      b.x = origin.x + size.x - 2;
      a.x = b.x - w;
    }
    // Likewise at the top (controllers of a short canvas) and above the legend.
    if (app.view_zoom == 1) {
      const float h = b.y - a.y, bottom = origin.y + size.y - legend_h - 0.6f * em;
      if (b.y > bottom) b.y = bottom, a.y = b.y - h;
      if (a.y < origin.y + 2) a.y = origin.y + 2, b.y = a.y + h;
    }
  };
  CanvasText ct{origin, ImVec2(origin.x + size.x, origin.y + size.y), {}, {}};
  for (NodeId n = 0; n < topo.size(); ++n) {
    if (routing.active && n == routing.broker) continue;
    ImVec2 a, b;
    node_box(n, a, b);
    ct.node(a, b, topo.name(n));
  }
  routing.report_nodes(topo, ct);
  // The legend's rows: captions keep off them too (not a node: the audit does not know it).
  ct.boxes.push_back({origin.x, origin.y + size.y - legend_h - 0.5f * em, origin.x + size.x, origin.y + size.y});
  ct.names.push_back("legend");
  if (routing.active) draw_routing_back(dl, topo, routing, t, ct);

  if (cluster) draw_cluster_frame(dl, topo, cv, box_w, compact_h, em, linked, ct);
  for (const auto& l : topo.links()) {
    const bool down = topo.link_down(l.a, l.b, t);
    if (topo.peer_link(l)) {
      draw_peer_link(dl, topo, cv, l, down, em, ct);
      continue;
    }
    // A client's links to brokers of its list it is not using now are drawn dashed.
    const NodeId client = topo.role(l.a) == Role::Broker ? l.b : l.a, broker = client == l.a ? l.b : l.a;
    const NodeId in_use = topo.client_broker(client, t);
    if (!down && topo.role(broker) == Role::Broker && in_use != kNoNode && in_use != broker) {
      draw_standby_link(dl, cv.at(topo.pos(l.a)), cv.at(topo.pos(l.b)), em);
      continue;
    }
    draw_link(dl, end_px(l.a, l.b), end_px(l.b, l.a), down, topo.link_slow_ms(l.a, l.b, t), em, ct);
  }

  // Frames in flight.
  static std::vector<Dot> dots;
  m.packets.dots_at(t, dots);
  const ImVec2 clip_lo = origin, clip_hi(origin.x + size.x, origin.y + size.y);
  // A dot's place: between the ends it travels (an exchange or a queue inside a broker
  // drawn with its routing), moved to its direction's lane.
  auto place = [&](const Dot& d) {
    ImVec2 a = end_px(d.from, d.to), b = end_px(d.to, d.from);
    ImVec2 off = lane_offset(a, b, d.from < d.to, em);
    ImVec2 p = routing.active ? ImVec2(a.x + (b.x - a.x) * d.frac, a.y + (b.y - a.y) * d.frac)
                              : cv.at(topo.along(d.from, d.to, d.frac));
    return ImVec2(p.x + off.x, p.y + off.y);
  };
  MsgId hit = 0;
  const bool labels = draw_dots(app, dots, topo, cv, place, clip_lo, clip_hi, mouse, em, dl, hit, ct);
  // Frames that died recently: a red cross fading where it happened.
  static std::vector<Death> deaths;
  double fade = std::clamp(m.t_end * 0.03, 0.05, 1.0);
  m.packets.deaths_at(t, fade, deaths);
  for (const Death& d : deaths) {
    ImVec2 a = end_px(d.from, d.to), b = end_px(d.to, d.from);
    ImVec2 off = lane_offset(a, b, d.from < d.to, em);
    ImVec2 p(a.x + (b.x - a.x) * d.frac, a.y + (b.y - a.y) * d.frac);
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
      // Above the cross, else below or beside it: off the nodes it died between.
      auto spot_for = [&](ImVec2 bs) {
        std::vector<ImVec2> spots;
        for (float dy : {-s - 1.2f * em, s + 0.2f * em, -bs.y / 2, -s - 2.4f * em, s + 1.4f * em, -s - 3.6f * em, s + 2.6f * em})
          for (float dx : {-bs.x / 2, s + 0.3f * em, -s - 0.3f * em - bs.x})
            if (!(dy == -bs.y / 2 && dx == -bs.x / 2)) spots.push_back(ImVec2(p.x + dx, p.y + dy));
        // A frame lost at a node (its host was down) dies at the node's centre: around its box.
        for (std::size_t i = 0; i < ct.boxes.size(); ++i) {
          const PxRect& nb = ct.boxes[i];
          if (p.x < nb.x0 - em || p.x > nb.x1 + em || p.y < nb.y0 - em || p.y > nb.y1 + em) continue;
          const float mx = (nb.x0 + nb.x1) / 2, my = (nb.y0 + nb.y1) / 2;
          spots.push_back(ImVec2(nb.x0 - 0.3f * em - bs.x, my - bs.y / 2));
          spots.push_back(ImVec2(nb.x1 + 0.3f * em, my - bs.y / 2));
          spots.push_back(ImVec2(mx - bs.x / 2, nb.y1 + 0.1f * em));
          spots.push_back(ImVec2(mx - bs.x / 2, nb.y0 - 0.1f * em - bs.y));
          spots.push_back(ImVec2(nb.x0 - 0.3f * em - bs.x, nb.y0 - 0.1f * em - bs.y));
          spots.push_back(ImVec2(nb.x0 - 0.3f * em - bs.x, nb.y1 + 0.1f * em));
        }
        return ct.place(bs, spots, "");
      };
      // No free spot (a short canvas at large text): the caption in smaller text, if that finds one.
      float fs = em;
      ImVec2 bs = ImGui::CalcTextSize(buf), at = spot_for(bs);
      if (!ct.clear(at, bs, "")) {
        const float small = std::max(13.0f, 0.6f * em);
        const ImVec2 ss = ImGui::GetFont()->CalcTextSizeA(small, 1e9f, 0, buf);
        const ImVec2 at2 = spot_for(ss);
        if (ct.clear(at2, ss, "")) {
          ct.taken.erase(ct.taken.end() - 2);  // the first, larger try
          fs = small, at = at2;
        } else {
          ct.taken.pop_back();
        }
      }
      ct.text(dl, at, c, buf, "", fs);
    }
  }

  if (routing.active) draw_routing_front(dl, topo, routing, t, flash_s, app.selected, ct);
  // Nodes on top of links and dots.
  for (NodeId n = 0; n < topo.size(); ++n) {
    if (routing.active && n == routing.broker) continue;  // drawn as its routing
    const bool compact = cluster && topo.role(n) == Role::Broker;
    ImVec2 a, b;
    node_box(n, a, b);
    const ImVec2 c((a.x + b.x) / 2, (a.y + b.y) / 2);
    const std::string& name = topo.name(n);
    // A caption of this node: below it (or beside it, for a broker of a cluster column),
    // else wherever around it there is room on the canvas.
    // `off_box`: keep off the node's own box too (its name and second line are inside).
    // No free spot (a short canvas at large text): the caption in smaller text, if that finds one.
    auto caption = [&](const std::string& text, ImU32 col, float below, bool off_box = false) {
      const std::string owner = off_box ? std::string() : name;
      auto spot = [&](ImVec2 ts) {
        const ImVec2 under((a.x + b.x - ts.x) / 2, b.y + below), right(b.x + 0.35f * em, c.y - ts.y / 2);
        const ImVec2 left(a.x - 0.35f * em - ts.x, c.y - ts.y / 2), over((a.x + b.x - ts.x) / 2, a.y - ts.y - 0.1f * em);
        return ct.place(ts, compact ? std::vector<ImVec2>{right, left, under, over} : std::vector<ImVec2>{under, right, left, over}, owner);
      };
      ImVec2 ts = ImGui::CalcTextSize(text.c_str()), at = spot(ts);
      float fs = em;
      if (!ct.clear(at, ts, owner)) {
        const float small = std::max(13.0f, 0.6f * em);
        const ImVec2 ss = ImGui::GetFont()->CalcTextSizeA(small, 1e9f, 0, text.c_str());
        const ImVec2 at2 = spot(ss);
        if (ct.clear(at2, ss, owner)) {
          ct.taken.erase(ct.taken.end() - 2);  // the first, larger try
          at = at2, fs = small;
        } else {
          ct.taken.pop_back();
        }
      }
      ct.text(dl, at, col, text, owner, fs);
    };
    bool down = topo.node_down(n, t);
    dl->AddRectFilled(a, b, down ? theme::kCrashed : theme::role_color(topo.role(n)), 0.3f * em);
    dl->AddRect(a, b, theme::kText, 0.3f * em, 0, 1.5f);
    // Two lines when the box has room for the role under the name, else the name alone,
    // smaller if the box is shorter than a line.
    const bool two_lines = b.y - a.y >= box_h - 0.01f;
    const float fs = std::min(em, (b.y - a.y) / 1.2f);
    const ImVec2 ts = ImGui::GetFont()->CalcTextSizeA(fs, 1e9f, 0, name.c_str());
    ct.text(dl, ImVec2((a.x + b.x - ts.x) / 2, two_lines ? a.y + 0.15f * em : c.y - ts.y / 2), theme::kText, name, name, fs);
    // The role under the name, unless the name already says it ("broker").
    const char* role = topo.role(n) == Role::Producer ? "producer" : topo.role(n) == Role::Broker ? "broker"
                     : topo.role(n) == Role::Consumer ? "consumer" : topo.role(n) == Role::Controller ? "controller"
                     : topo.role(n) == Role::Store ? "store" : "";
    // The active controller: the Raft leader of the controller quorum, with its term.
    if (topo.role(n) == Role::Controller && !down && run.play->state().raft_leader() == n) {
      dl->AddRect(ImVec2(a.x - 3, a.y - 3), ImVec2(b.x + 3, b.y + 3), theme::kLeader, 0.35f * em, 0, 3.0f);
      char buf[48];
      std::snprintf(buf, sizeof buf, "active, term %lld", static_cast<long long>(run.play->state().raft_term()));
      caption(buf, theme::kLeader, 0.25f * em);
    }
    // A publisher held by a memory alarm (connection.blocked): outlined and labelled.
    if (!down && run.play->state().blocked(n)) {
      dl->AddRect(ImVec2(a.x - 3, a.y - 3), ImVec2(b.x + 3, b.y + 3), IM_COL32(255, 170, 40, 255), 0.35f * em, 0, 3.0f);
      caption("BLOCKED", IM_COL32(255, 170, 40, 255), 0.25f * em);
    }
    // Two-phase commit: a participant holding prepared transactions it may not decide on
    // alone (the broker holds their messages, a store their locks), from the checker's ledger.
    if (const auto& ps = run.summary->totals().participants; !down && ps.count(name) && ps.at(name).in_doubt) {
      dl->AddRect(ImVec2(a.x - 3, a.y - 3), ImVec2(b.x + 3, b.y + 3), IM_COL32(255, 170, 40, 255), 0.35f * em, 0, 3.0f);
      caption(std::to_string(ps.at(name).in_doubt) + " in doubt (prepared)", IM_COL32(255, 170, 40, 255), 0.25f * em, true);
    }
    // A transactional application: its transaction's state at the coordinator, or that a
    // newer instance fenced it (from the checker's ledger).
    if (!down) {
      const Totals& tt = run.summary->totals();
      if (tt.fenced_clients.count(name)) {
        caption("FENCED (zombie)", theme::kDown, 0.25f * em, true);
      } else {
        for (const auto& [id, x] : tt.transactions)
          if (x.client == name) {
            const bool open = x.state == "Ongoing" || x.state.rfind("Prepare", 0) == 0;
            caption("txn " + x.state + " (epoch " + std::to_string(x.producer_epoch) + ")",
                    x.state.find("Abort") != std::string::npos ? theme::kDown : open ? IM_COL32(255, 200, 60, 255) : theme::kDim,
                    0.25f * em, true);
          }
      }
    }
    // A store: what landed there so far, and what landed twice, never, or not yet.
    if (topo.role(n) == Role::Store) {
      const StoreTotals st = store_totals(run, name);
      // The count is the box's second line (below); each anomaly a caption of its own.
      if (st.duplicate_effects) caption(std::to_string(st.duplicate_effects) + " applied twice", theme::kDown, 0.25f * em, true);
      if (st.effects_lost) caption(std::to_string(st.effects_lost) + " never applied", theme::kDown, 0.25f * em, true);
      // With an outbox the relay will publish them: waiting, not wrong.
      if (st.unpublished)
        caption(std::to_string(st.unpublished) + " not published", st.outbox_unsent ? theme::kText : theme::kDown, 0.25f * em, true);
      if (st.outbox_unsent) caption("outbox: " + std::to_string(st.outbox_unsent) + " unsent", theme::kText, 0.25f * em, true);
    }
    if (down && compact) {
      dl->AddLine(a, b, theme::kDown, 0.22f * em);
      dl->AddLine(ImVec2(a.x, b.y), ImVec2(b.x, a.y), theme::kDown, 0.22f * em);
      caption("CRASHED", theme::kDown, 0.1f * em);
      continue;
    }
    // A RabbitMQ cluster node: what it leads or mirrors now, or that it paused itself.
    if (compact) {
      const SimState& st = run.play->state();
      std::string what;
      if (st.paused(n)) what = "PAUSED (minority)";
      for (const QueueState& q : st.queues()) {
        std::string part;
        if (q.broker == n && (q.quorum || !q.mirrors.empty() || q.promotions))
          part = "leads " + q.name + (q.quorum ? " (term " + std::to_string(q.term) + ")" : "");
        else if (auto mi = q.mirrors.find(n); mi != q.mirrors.end())
          part = "mirror of " + q.name + (mi->second ? "" : " (unsynced)");
        if (!part.empty()) what += (what.empty() ? "" : ", ") + part;
      }
      if (!what.empty())
        caption(what, st.paused(n) ? theme::kDown : theme::kLeader, 0.1f * em);
    }
    if (name != role && !compact && two_lines) {
      // A store says what landed in it, shrunk to its box when the count is long.
      std::string line = role;
      if (topo.role(n) == Role::Store) {
        const StoreTotals st = store_totals(run, name);
        const bool service = st.state_changes > 0 && st.effects == 0;  // a producing service's database
        const std::uint64_t k = service ? st.state_changes : st.effects;
        line = std::to_string(k) + (service ? (k == 1 ? " change" : " changes") : (k == 1 ? " effect" : " effects"));
      }
      float lf = em;
      ImVec2 ss = ImGui::GetFont()->CalcTextSizeA(lf, 1e9f, 0, line.c_str());
      if (ss.x > b.x - a.x - 0.3f * em) {
        lf = std::max(0.6f * em, em * (b.x - a.x - 0.3f * em) / ss.x);
        ss = ImGui::GetFont()->CalcTextSizeA(lf, 1e9f, 0, line.c_str());
      }
      ct.text(dl, ImVec2((a.x + b.x - ss.x) / 2, a.y + 1.25f * em), theme::kText, line, name, lf);
    }
    if (down) {
      dl->AddLine(a, b, theme::kDown, 0.22f * em);
      dl->AddLine(ImVec2(a.x, b.y), ImVec2(b.x, a.y), theme::kDown, 0.22f * em);
      caption("CRASHED", theme::kDown, 0.1f * em);
    }
  }
  draw_legend(dl, ImVec2(origin.x + 0.5f * em, origin.y + size.y - 1.6f * em), size.x - 1.0f * em, em, &ct);
  if (app.view_zoom > 1) {
    char z[64];
    std::snprintf(z, sizeof z, "zoom %.1fx (double-click to reset)", app.view_zoom);
    ct.text(dl, ImVec2(origin.x + 0.5f * em, origin.y + 0.3f * em), theme::kDim, z, "");
  }
  if (hit && ImGui::IsItemHovered()) {
    char buf[24];
    ImGui::SetTooltip("%s: click to follow this message", msg_label(hit, buf));
  }
  if (clicked) app.select(hit);
  dl->PopClipRect();
}

}  // namespace bs::gui
