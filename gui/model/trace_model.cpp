#include "model/trace_model.hpp"
#include "vocabulary/vocabulary.hpp"

#include <algorithm>
#include <future>

namespace bs::gui {
std::shared_ptr<const TraceModel> TraceModel::build(Trace tr, std::size_t checkpoint_every) {
  auto m = std::make_shared<TraceModel>();
  m->trace = std::move(tr);
  const Trace& t = m->trace;
  m->topo = Topology(t);
  // The replay is most of the work on a long trace; the frame index and the keys only
  // read the trace, so they are built meanwhile.
  MarkerFinder finder(t);
  auto replay = std::async(std::launch::async, [&] {
    return replay_with_checkpoints(t, m->topo, checkpoint_every, [&](std::size_t i, const SimState& s) { finder.on_event(i, s); });
  });
  m->packets = PacketIndex(t, m->topo.links());
  for (const auto& e : t.events)
    if (e.kind == ev::Publish && !e.text.empty()) m->routing_key.emplace(e.msg, e.text);
  m->checkpoints = std::make_shared<const Checkpoints>(replay.get());
  m->markers = finder.take();
  m->steps = StepIndex(t, m->markers);
  double last = t.events.empty() ? 0 : t.events.back().t;
  double end = last;
  if (t.footer.is_object() && t.footer.contains("end_t") && t.footer["end_t"].is_number())
    end = t.footer["end_t"].get<double>();
  else if (t.header.raw.contains("duration_s") && t.header.raw["duration_s"].is_number())
    end = t.header.raw["duration_s"].get<double>();
  m->t_end = std::max(end, last);
  const auto& meaning = m->steps.meaning();
  m->activity_end = meaning.empty() ? m->t_end : std::max(meaning.back(), m->steps.markers().empty() ? 0.0 : m->steps.markers().back());
  return m;
}

double TraceModel::next_step(double t) const { return StepIndex::after(steps.meaning(), t, t_end); }
double TraceModel::prev_step(double t) const { return StepIndex::before(steps.meaning(), t, 0.0); }
double TraceModel::next_frame(double t) const { return StepIndex::after(steps.frames(), t, t_end); }
double TraceModel::prev_frame(double t) const { return StepIndex::before(steps.frames(), t, 0.0); }
double TraceModel::next_marker(double t) const { return StepIndex::after(steps.markers(), t, t); }
double TraceModel::prev_marker(double t) const { return StepIndex::before(steps.markers(), t, t); }

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
