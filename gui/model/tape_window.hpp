// Log model: what a partition's tape shows when it has room for only a few cells: the
// range retention deleted (below the log start offset), the newest records, and every
// consumer's cursor, on the tape or at its edge, with its lag and its last jump
// (offset_reset: auto.offset.reset over deleted records, or a seek). ImGui-free.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "model/sim_state.hpp"
#include "trace/trace.hpp"

namespace bs::gui {

/// A cursor moved by offset_reset at `t` from `from` (-1: the group had no committed
/// offset) to `to`.
struct OffsetJump {
  double t = 0;
  std::int64_t from = -1, to = 0;
};

/// Every offset_reset of a trace, by partition and consumer, queryable by time.
class OffsetResets {
 public:
  OffsetResets() = default;
  explicit OffsetResets(const Trace& tr);
  /// The last reset of `consumer` on `partition` at or before t, or nullptr. O(log n).
  const OffsetJump* last(const std::string& partition, NodeId consumer, double t) const;

 private:
  std::map<std::pair<std::string, NodeId>, std::vector<OffsetJump>> jumps_;
};

/// Where a cursor is drawn relative to the shown cells.
enum class CursorPlace { Deleted, LeftEdge, OnTape };

/// One consumer's cursor as the tape draws it.
struct TapeCursor {
  NodeId consumer = kNoNode;
  std::int64_t position = -1;  ///< next offset it fetches
  std::int64_t lag = 0;        ///< log end - position: records it has still to read
  CursorPlace place = CursorPlace::OnTape;
  const OffsetJump* jump = nullptr;  ///< its last offset_reset, if it skipped records
  std::int64_t missed = 0;           ///< records the jump skipped (to - from), 0 if none
};

/// The offsets one tape row shows.
struct TapeWindow {
  std::int64_t deleted_end = 0;  ///< [0, deleted_end) deleted by retention (= log start); 0: none
  std::int64_t first = 0;        ///< first offset drawn as a cell
  std::int64_t end = 0;          ///< one past the last (= log end)
  bool elided = false;           ///< records the log still holds in [log start, first) are not drawn
  std::vector<TapeCursor> cursors;
};

/// The newest `cells` records of `p`, the deleted range before them, and the cursors
/// (a jump is reported only when it skipped records: from < to).
TapeWindow tape_window(const PartitionState& p, std::size_t cells, const OffsetResets& resets, double t);

}  // namespace bs::gui
