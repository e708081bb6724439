#include "model/trace_model.hpp"
#include "vocabulary/vocabulary.hpp"

#include <algorithm>
#include <unordered_set>

namespace bs::gui {
namespace {
bool is_heartbeat_frame(const Event& e) {
  if (e.kind != ev::NetSend) return false;
  for (const auto& it : e.items)
    if (it.op != "heartbeat") return false;
  return true;
}
}  // namespace

std::shared_ptr<const TraceModel> TraceModel::build(Trace tr) {
  auto m = std::make_shared<TraceModel>();
  m->trace = std::move(tr);
  const Trace& t = m->trace;
  m->topo = Topology(t);
  m->packets = PacketIndex(t, m->topo.links());
  m->markers = build_markers(t);
  std::unordered_set<std::uint64_t> hb_frames;  // heartbeats alone are not worth a step
  for (const auto& e : t.events) {
    if (e.kind == ev::Publish && !e.text.empty()) m->routing_key.emplace(e.msg, e.text);
    if (is_heartbeat_frame(e)) {
      hb_frames.insert(e.pkt);
      continue;
    }
    if (e.kind == ev::NetRecv && hb_frames.erase(e.pkt)) continue;
    if (m->step_times.empty() || m->step_times.back() != e.t) m->step_times.push_back(e.t);
  }
  double last = t.events.empty() ? 0 : t.events.back().t;
  double end = last;
  if (t.footer.is_object() && t.footer.contains("end_t") && t.footer["end_t"].is_number())
    end = t.footer["end_t"].get<double>();
  else if (t.header.raw.contains("duration_s") && t.header.raw["duration_s"].is_number())
    end = t.header.raw["duration_s"].get<double>();
  m->t_end = std::max(end, last);
  m->activity_end = m->step_times.empty() ? m->t_end : m->step_times.back();
  return m;
}

double TraceModel::next_step(double t) const {
  auto it = std::upper_bound(step_times.begin(), step_times.end(), t);
  return it == step_times.end() ? t_end : *it;
}

double TraceModel::prev_step(double t) const {
  auto it = std::lower_bound(step_times.begin(), step_times.end(), t);
  return it == step_times.begin() ? 0.0 : *std::prev(it);
}

std::vector<std::size_t> TraceModel::lifecycle(MsgId msg) const {
  std::vector<std::size_t> out;
  if (msg == 0) return out;
  std::vector<std::uint64_t> frames;
  for (std::size_t i = 0; i < trace.events.size(); ++i) {
    const Event& e = trace.events[i];
    bool hit = e.msg == msg;
    if (e.kind == ev::NetSend)
      for (const auto& it : e.items)
        if (it.msg == msg) {
          hit = true;
          frames.push_back(e.pkt);
        }
    if ((e.kind == ev::NetRecv || e.kind == ev::NetDrop) &&
        std::find(frames.begin(), frames.end(), e.pkt) != frames.end())
      hit = true;
    if (hit) out.push_back(i);
  }
  return out;
}

const std::string& TraceModel::node_name(NodeId n) const {
  static const std::string unknown = "?";
  return n < trace.header.node_names.size() ? trace.header.node_names[n] : unknown;
}

}  // namespace bs::gui
