// The partition tape of lesson 15 in miniature: a slow consumer whose cursor retention
// overtook, drawn at the edge with its lag, and its jump over the deleted records.
#include <catch2/catch.hpp>

#include "kafka/events.hpp"
#include "model/tape_window.hpp"

using namespace bs;
using namespace bs::gui;

namespace {
constexpr NodeId kFast = 1, kSlow = 2, kNew = 3;

Trace resets() {
  Trace tr;
  auto reset = [&](double t, NodeId c, std::int64_t from, std::int64_t to) {
    Event e;
    e.t = t;
    e.kind = ev::OffsetReset;
    e.peer = c;
    e.queue = "clicks/0";
    e.tag = to;
    e.seq = from;
    tr.events.push_back(e);
  };
  reset(0.05, kSlow, -1, 0);   // no committed offset yet: starts at the earliest
  reset(3.06, kSlow, 20, 50);  // asked for 20, deleted: moved to the log start
  reset(5.06, kSlow, 105, 150);
  return tr;
}

PartitionState clicks(std::int64_t log_start, std::int64_t log_end) {
  PartitionState p;
  p.name = "clicks/0";
  p.log_start = log_start;
  p.next_offset = log_end;
  for (std::int64_t o = log_start; o < log_end; ++o) p.records.push_back(Record{o, static_cast<MsgId>(o + 1), ""});
  p.cursors[kFast].position = log_end;
  p.cursors[kSlow].position = 153;
  p.cursors[kNew].position = 12;  // still pointing into the deleted range
  return p;
}

const TapeCursor& cursor(const TapeWindow& w, NodeId c) {
  for (const auto& tc : w.cursors)
    if (tc.consumer == c) return tc;
  FAIL("no cursor");
  throw;
}
}  // namespace

TEST_CASE("a tape of 13 cells shows the newest records, the deleted range and the elided rest") {
  const OffsetResets r(resets());
  const TapeWindow w = tape_window(clicks(150, 275), 13, r, 5.5);
  CHECK(w.deleted_end == 150);
  CHECK(w.first == 262);
  CHECK(w.end == 275);
  CHECK(w.elided);  // 150..261 are held but not drawn
  const TapeWindow all = tape_window(clicks(150, 160), 13, r, 5.5);
  CHECK(all.first == 150);
  CHECK_FALSE(all.elided);
}

TEST_CASE("cursors off the tape are placed at its edge with their lag") {
  const OffsetResets r(resets());
  const TapeWindow w = tape_window(clicks(150, 275), 13, r, 5.5);
  CHECK(cursor(w, kFast).place == CursorPlace::OnTape);
  CHECK(cursor(w, kFast).lag == 0);
  CHECK(cursor(w, kSlow).place == CursorPlace::LeftEdge);
  CHECK(cursor(w, kSlow).lag == 122);
  CHECK(cursor(w, kNew).place == CursorPlace::Deleted);
}

TEST_CASE("the last jump over deleted records at the viewed time, with how many were skipped") {
  const OffsetResets r(resets());
  CHECK(r.last("clicks/0", kSlow, 0.01) == nullptr);
  // The first reset had no committed offset to jump from: no jump drawn.
  CHECK(cursor(tape_window(clicks(0, 40), 13, r, 1.0), kSlow).jump == nullptr);
  // A cursor is a reference into its window: keep the window alive while it is read.
  const TapeWindow w4 = tape_window(clicks(50, 200), 13, r, 4.0);
  const TapeCursor& at4 = cursor(w4, kSlow);
  REQUIRE(at4.jump != nullptr);
  CHECK(at4.jump->from == 20);
  CHECK(at4.jump->to == 50);
  CHECK(at4.missed == 30);
  const TapeWindow w6 = tape_window(clicks(150, 275), 13, r, 6.0);
  const TapeCursor& at6 = cursor(w6, kSlow);
  REQUIRE(at6.jump != nullptr);
  CHECK(at6.missed == 45);
  CHECK(r.last("clicks/1", kSlow, 6.0) == nullptr);
}
