// Fuzz the trace reader, the checker's ledger over what it read, and the GUI's ImGui-free
// model (gui/model/): the input is a trace file. What the viewer does with a trace is done
// here without a window: build the TraceModel, seek a Playhead to several times, and ask
// the draw model what is where (dots, deaths, steps, routing, tapes, charts, space-time).
//
// TraceError is the documented refusal of a bad trace; anything else is a finding.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "check/checker.hpp"
#include "model/replica_tapes.hpp"
#include "model/routing.hpp"
#include "model/series.hpp"
#include "model/spacetime.hpp"
#include "model/tape_window.hpp"
#include "model/trace_model.hpp"

using namespace bs;
using namespace bs::gui;

namespace {
/// read_trace takes a path: the input goes to an in-memory file, named by /proc/self/fd.
const std::string& input_path() {
  static const std::string path = [] {
    const int fd = memfd_create("brokersim-fuzz-trace", 0);
    if (fd < 0) __builtin_trap();
    return "/proc/self/fd/" + std::to_string(fd);
  }();
  return path;
}

void write_input(const std::uint8_t* data, std::size_t size) {
  const int fd = std::stoi(input_path().substr(14));
  if (ftruncate(fd, 0) != 0) __builtin_trap();
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = pwrite(fd, data + done, size - done, static_cast<off_t>(done));
    if (n <= 0) __builtin_trap();
    done += static_cast<std::size_t>(n);
  }
}

/// What the views ask of the model at viewed time t.
void view_at(const TraceModel& m, Playhead& play, const OffsetResets& resets, const RoutingGraph& routing,
             const SpaceTimeIndex& st, double t) {
  play.seek(t);
  const SimState& s = play.state();
  (void)totals_json(s.ledger().totals());
  (void)replica_tapes(s);
  for (const PartitionState& p : s.partitions()) (void)tape_window(p, 16, resets, t);
  std::vector<Dot> dots;
  m.packets.dots_at(t, dots);
  std::vector<Death> deaths;
  m.packets.deaths_at(t, 0.5, deaths);
  (void)m.next_step(t), (void)m.prev_step(t), (void)m.next_frame(t), (void)m.prev_frame(t);
  (void)m.next_marker(t), (void)m.prev_marker(t);
  std::vector<const Route*> routes;
  routing.routes_in(t - 1, t, routes);
  SpaceTimeFrame f;
  f.w = 800, f.h = 400, f.lanes = std::max<int>(1, static_cast<int>(st.lanes().size()));
  spacetime_window(t, 2.0, f.t0, f.t1);
  std::vector<std::size_t> selected;
  if (!m.trace.events.empty()) selected = m.lifecycle(m.trace.events.front().msg);
  SpaceTimeOptions opt;
  opt.selected_events = &selected;
  (void)layout_spacetime(m.packets, st, f, t, opt);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  write_input(data, size);
  Trace tr;
  try {
    tr = read_trace(input_path(), 1024);  // small chunks: lines cross chunk edges
  } catch (const TraceError&) {
    return 0;
  }
  // The checker as `brokersim check` runs it over the trace.
  Checker checker(tr.header.node_names, topic_groups_from_header(tr.header.raw),
                  topic_replicas_from_header(tr.header.raw), quorum_replicas_from_header(tr.header.raw));
  for (const Event& e : tr.events) checker.on_event(e);
  (void)totals_json(checker.totals());
  (void)checker.replication();
  (void)checker.unpublished();

  // The viewer's model, then what it draws at a few times.
  auto m = TraceModel::build(std::move(tr), 8);
  const OffsetResets resets(m->trace);
  const RoutingGraph routing(m->trace);
  const SpaceTimeIndex st(m->trace, m->topo, m->packets);
  (void)build_series(m->trace, m->t_end, 32, 4);
  Playhead play(m);
  const double times[] = {0, m->t_end / 2, m->t_end, m->activity_end / 3, 0.001};
  for (double t : times) view_at(*m, play, resets, routing, st, t);
  play.seek_to_event(m->trace.events.size() / 2);
  return 0;
}
