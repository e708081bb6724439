#include "model/spacetime.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "vocabulary/vocabulary.hpp"

namespace bs::gui {
namespace {
// Rows top to bottom follow the canvas's columns left to right: who sends first is on top.
constexpr int kRanks = 6;
int row_rank(Role r) {
  switch (r) {
    case Role::Producer: return 0;
    case Role::Controller: return 1;
    case Role::Broker: return 2;
    case Role::Other: return 3;
    case Role::Consumer: return 4;
    case Role::Store: return 5;
  }
  return 3;
}

const char* role_plural(Role r) {
  switch (r) {
    case Role::Producer: return "producers";
    case Role::Controller: return "controllers";
    case Role::Broker: return "brokers";
    case Role::Consumer: return "consumers";
    case Role::Other: return "others";
    case Role::Store: return "stores";
  }
  return "others";
}

float dist_to_segment(float px, float py, const Arrow& a) {
  float dx = a.x1 - a.x0, dy = a.y1 - a.y0;
  float len2 = dx * dx + dy * dy;
  float u = len2 > 0 ? std::clamp(((px - a.x0) * dx + (py - a.y0) * dy) / len2, 0.0f, 1.0f) : 0.0f;
  float qx = a.x0 + u * dx - px, qy = a.y0 + u * dy - py;
  return std::sqrt(qx * qx + qy * qy);
}
}  // namespace

SpaceTimeIndex::SpaceTimeIndex(const Trace& tr, const Topology& topo, const PacketIndex& packets, std::size_t max_lanes) {
  const std::size_t n = topo.size();
  std::vector<std::vector<NodeId>> by_rank(kRanks);
  for (NodeId i = 0; i < n; ++i) by_rank[row_rank(topo.role(i))].push_back(i);
  // Fold the largest client groups first until the lanes fit; brokers fold last.
  std::vector<bool> fold(kRanks, false);
  auto count = [&] {
    std::size_t c = 0;
    for (int r = 0; r < kRanks; ++r) c += fold[r] ? (by_rank[r].empty() ? 0 : 1) : by_rank[r].size();
    return c;
  };
  for (int r : {4, 0, 3, 5, 1, 2})
    if (count() > max_lanes && by_rank[r].size() > 1) fold[r] = true;
  lane_of_.assign(n, -1);
  for (int r = 0; r < kRanks; ++r) {
    if (by_rank[r].empty()) continue;
    if (fold[r]) {
      Lane l;
      l.role = topo.role(by_rank[r].front());
      l.name = std::string(role_plural(l.role)) + " (" + std::to_string(by_rank[r].size()) + ")";
      l.nodes = by_rank[r];
      for (NodeId id : l.nodes) lane_of_[id] = static_cast<int>(lanes_.size());
      lanes_.push_back(std::move(l));
      continue;
    }
    for (NodeId id : by_rank[r]) {
      lane_of_[id] = static_cast<int>(lanes_.size());
      lanes_.push_back(Lane{topo.name(id), topo.role(id), {id}});
    }
  }

  std::vector<double> crashed_at(n, -1);
  for (const auto& e : tr.events) {
    if (e.kind == ev::Crash || e.kind == ev::Restart) {
      marks_.push_back(LaneMark{e.t, e.kind == ev::Crash ? LaneMarkKind::Crash : LaneMarkKind::Restart, e.node, kNoNode});
      if (e.node >= n) continue;
      if (e.kind == ev::Crash && crashed_at[e.node] < 0) crashed_at[e.node] = e.t;
      if (e.kind == ev::Restart && crashed_at[e.node] >= 0) {
        down_.push_back(DownSpan{e.node, crashed_at[e.node], e.t});
        crashed_at[e.node] = -1;
      }
    } else if (e.kind == ev::LinkDown || e.kind == ev::LinkUp) {
      marks_.push_back(LaneMark{e.t, e.kind == ev::LinkDown ? LaneMarkKind::LinkDown : LaneMarkKind::LinkUp, e.node, e.peer});
    }
  }
  for (NodeId i = 0; i < n; ++i)
    if (crashed_at[i] >= 0) down_.push_back(DownSpan{i, crashed_at[i], std::numeric_limits<double>::infinity()});
  for (const auto& p : packets.packets()) max_span_ = std::max(max_span_, p.t_end - p.t_send);
}

void spacetime_window(double now, double span_s, double& t0, double& t1) {
  // Four fifths past, one fifth future: the "now" line sits near the right, frames grow
  // towards it as the lesson plays.
  t0 = now - 0.8 * span_s;
  t1 = now + 0.2 * span_s;
}

SpaceTimeView layout_spacetime(const PacketIndex& packets, const SpaceTimeIndex& idx, const SpaceTimeFrame& f,
                               double now, const SpaceTimeOptions& opt) {
  SpaceTimeView v;
  const auto& ps = packets.packets();
  const double t_hi = std::min(f.t1, now);
  auto first = std::lower_bound(ps.begin(), ps.end(), f.t0 - idx.max_span(),
                                [](const Packet& p, double t) { return p.t_send < t; });
  std::vector<std::size_t> in_window;
  for (auto it = first; it != ps.end() && it->t_send <= t_hi; ++it) {
    if (std::min(it->t_end, now) < f.t0) continue;  // over before the window opens
    if (!opt.show_heartbeats && it->op == Op::Heartbeat) continue;
    if (idx.lane_of(it->from) < 0 || idx.lane_of(it->to) < 0) continue;
    in_window.push_back(static_cast<std::size_t>(it - ps.begin()));
  }
  v.frames = in_window.size();
  v.aggregated = in_window.size() > opt.max_arrows;

  auto is_selected = [&](const Packet& p) {
    return opt.selected_events && std::binary_search(opt.selected_events->begin(), opt.selected_events->end(), p.send_event);
  };
  auto arrow_of = [&](std::size_t i) {
    const Packet& p = ps[i];
    Arrow a;
    a.packet = i;
    a.op = p.op;
    a.msg = p.msg;
    a.x0 = f.time_x(p.t_send);
    a.y0 = f.lane_y(idx.lane_of(p.from));
    const float y_to = f.lane_y(idx.lane_of(p.to));
    a.in_flight = now < p.t_end;
    const double t_stop = a.in_flight ? now : p.t_end;
    // A dropped frame stops where it died, at the link's pace (as on the canvas).
    const float frac = a.in_flight || p.dropped ? PacketIndex::frac_at(p, t_stop) : 1.0f;
    a.x1 = f.time_x(t_stop);
    a.y1 = a.y0 + (y_to - a.y0) * frac;
    a.dropped = p.dropped && !a.in_flight;
    a.selected = is_selected(p);
    return a;
  };

  if (!v.aggregated) {
    v.arrows.reserve(in_window.size());
    for (std::size_t i : in_window) v.arrows.push_back(arrow_of(i));
  } else {
    std::unordered_map<std::uint64_t, std::size_t> cell_of;
    std::vector<double> x1_sum;
    const float px = std::max(1.0f, opt.density_px);
    for (std::size_t i : in_window) {
      const Packet& p = ps[i];
      if (is_selected(p)) v.arrows.push_back(arrow_of(i));
      const int from = idx.lane_of(p.from), to = idx.lane_of(p.to);
      const auto col = static_cast<std::int64_t>(std::floor((f.time_x(p.t_send) - f.x0) / px));
      const std::uint64_t key = (static_cast<std::uint64_t>(col + (1 << 20)) << 40) |
                                (static_cast<std::uint64_t>(from) << 20) | static_cast<std::uint64_t>(to);
      auto [it, fresh] = cell_of.emplace(key, v.density.size());
      if (fresh) {
        v.density.push_back(DensityCell{from, to, f.x0 + (static_cast<float>(col) + 0.5f) * px, 0, 0});
        x1_sum.push_back(0);
      }
      DensityCell& c = v.density[it->second];
      ++c.count;
      x1_sum[it->second] += f.time_x(std::min(p.t_end, now));
    }
    for (std::size_t k = 0; k < v.density.size(); ++k)
      v.density[k].x1 = static_cast<float>(x1_sum[k] / v.density[k].count);
  }

  const auto& marks = idx.marks();
  auto m = std::lower_bound(marks.begin(), marks.end(), f.t0, [](const LaneMark& l, double t) { return l.t < t; });
  for (; m != marks.end() && m->t <= t_hi; ++m)
    for (NodeId n : {m->node, m->peer}) {
      if (idx.lane_of(n) < 0) continue;
      v.marks.push_back(PlacedMark{f.time_x(m->t), f.lane_y(idx.lane_of(n)), *m});
    }
  for (const auto& d : idx.down_spans()) {
    const double a = std::max(d.from, f.t0), b = std::min({d.to, t_hi, f.t1});
    if (b <= a || idx.lane_of(d.node) < 0) continue;
    v.down.push_back(PlacedSpan{f.time_x(a), f.time_x(b), f.lane_y(idx.lane_of(d.node)), d.node});
  }
  return v;
}

int hit_arrow(const SpaceTimeView& v, float px, float py, float radius) {
  int best = -1;
  float best_d = radius;
  for (std::size_t i = 0; i < v.arrows.size(); ++i) {
    float d = dist_to_segment(px, py, v.arrows[i]);
    if (v.arrows[i].selected) d -= 0.5f;  // the highlighted arrow wins when they overlap
    if (d <= best_d) {
      best_d = d;
      best = static_cast<int>(i);
    }
  }
  return best;
}

}  // namespace bs::gui
