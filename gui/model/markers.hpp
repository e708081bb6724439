// Timeline markers: faults, and the anomalies a lesson is about.
#pragma once
#include <string>
#include <vector>

#include "trace/trace.hpp"

namespace bs::gui {

/// What a marker stands for. Faults come from the schedule; the rest are found by replay.
/// The replication kinds (log model, replication factor > 1; quorum-queue elections and
/// mirror promotions) and the queue model's memory alarm and paused nodes (pause_minority,
/// a queue left without a leader) come after Failover, then the events a single lesson is
/// about: a consumer group's rebalance, a seek (or an auto.offset.reset that jumps), a
/// dead-lettered message, one that expired (TTL), one returned or dropped as unroutable,
/// and a publisher blocked by a memory alarm (connection.blocked).
enum class MarkerKind {
  Crash, Restart, LinkDown, LinkUp, Redelivery, Reorder, Loss, Duplicate, Failover,
  Election, UncleanElection, IsrShrink, IsrExpand, Truncate, Fenced, MemoryAlarm, Paused,
  Rebalance, Seek, DeadLetter, Expired, Returned, Blocked
};
inline constexpr int kMarkerKindCount = 23;

/// Name of a marker kind for the legend ("crash", "reorder", ...).
const char* marker_kind_name(MarkerKind k);

/// One point of interest on the timeline; clicking it jumps to `t`.
struct Marker {
  double t = 0;
  MarkerKind kind = MarkerKind::Crash;
  std::size_t event = 0;  ///< index in Trace::events
  MsgId msg = 0;
  NodeId node = kNoNode;
  std::string label;      ///< e.g. "c2 processed m3 after m4"
};

/// Every marker of a trace, in time order.
std::vector<Marker> build_markers(const Trace& tr);

}  // namespace bs::gui
