// Stepping by meaning, markers for lesson-worthy events and what the views must not
// hide, on small traces written here (each tells its story in its comment).
#include <cstdio>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "model/trace_model.hpp"
#include "vocabulary/vocabulary.hpp"

using namespace bs;
using namespace bs::gui;

namespace {
std::shared_ptr<const TraceModel> from_lines(const std::string& name, const std::string& header_extra,
                                             const std::string& events) {
  const std::string path = std::string(GUI_TEST_BUILD_DIR) + "/" + name + ".jsonl";
  std::ofstream(path) << R"({"type":"header","format":"brokersim-trace","version":1,"brokersim":"0.1.0","scenario":")" << name
                      << R"(","seed":1,"duration_s":10,)" << header_extra << "}\n"
                      << events;
  return TraceModel::build(read_trace(path));
}
std::shared_ptr<const TraceModel> ack_fixture() {
  static auto m = TraceModel::build(read_trace(std::string(GUI_TEST_DATA_DIR) + "/ack_redelivery.jsonl"));
  return m;
}
}  // namespace

TEST_CASE("→ stops only at events that change what is drawn, Alt+→ at every frame") {
  auto m = ack_fixture();
  const auto& ev = m->trace.events;
  // Every meaning stop is the time of an event that is not a frame or a positive confirm.
  for (double t : m->steps.meaning()) {
    bool seen = false;
    for (const Event& e : ev)
      if (e.t == t && !is_frame_or_bookkeeping(e)) seen = true;
    CHECK(seen);
  }
  // ... and every such event is a stop.
  for (const Event& e : ev)
    if (!is_frame_or_bookkeeping(e))
      CHECK(std::binary_search(m->steps.meaning().begin(), m->steps.meaning().end(), e.t));
  // Frames give more stops, and include every meaning stop.
  CHECK(m->steps.frames().size() > m->steps.meaning().size());
  CHECK(std::includes(m->steps.frames().begin(), m->steps.frames().end(), m->steps.meaning().begin(), m->steps.meaning().end()));
  // From the first publish, → skips its frame's arrival and lands on the enqueue.
  double t = m->next_step(0.1);
  CHECK(m->next_frame(0.1) <= t);
  bool enqueue_at_t = false;
  for (const Event& e : ev) enqueue_at_t |= e.t == t && e.kind == ev::Enqueue;
  CHECK(enqueue_at_t);
  CHECK(m->prev_step(t) == Approx(0.1));
}

TEST_CASE("a commit that does not move the offset and a follower's Raft commit are not stops") {
  auto m = from_lines("steps_commit", R"("model":"log","nodes":[{"name":"broker","role":"broker"},{"name":"c1","role":"consumer"}])",
                      R"({"t":1.0,"kind":"commit","node":"broker","consumer":"c1","partition":"t/0","offset":3,"generation":1,"group":"g"}
{"t":2.0,"kind":"commit","node":"broker","consumer":"c1","partition":"t/0","offset":3,"generation":1,"group":"g"}
{"t":3.0,"kind":"commit","node":"broker","consumer":"c1","partition":"t/0","offset":3,"generation":0,"group":"g","rejected":true}
{"t":4.0,"kind":"commit","node":"broker","consumer":"c1","partition":"t/0","offset":5,"generation":1,"group":"g"}
{"t":5.0,"kind":"raft_leader","node":"broker","group":"queue q","term":1,"last_index":1}
{"t":6.0,"kind":"raft_commit","node":"c1","group":"queue q","term":1,"commit_index":1}
{"t":7.0,"kind":"raft_commit","node":"broker","group":"queue q","term":1,"commit_index":1}
)");
  CHECK(m->steps.meaning() == std::vector<double>{1.0, 3.0, 4.0, 5.0, 7.0});
  CHECK(m->next_step(1.0) == 3.0);   // the repeated commit at 2 s is passed
  CHECK(m->next_frame(1.0) == 2.0);  // but not when stepping every event
  CHECK(m->next_step(5.0) == 7.0);   // the follower's Raft commit at 6 s is passed
  CHECK(m->activity_end == 7.0);
}
