// The log model's (Kafka) event kinds: numbers 64-95.
#pragma once
#include <array>

#include "core/event_schema.hpp"

namespace bs {
namespace ev {
inline constexpr EventKind Append{64};         ///< the partition leader appended a record at an offset
inline constexpr EventKind Fetch{65};          ///< the broker answered a fetch with records from an offset
inline constexpr EventKind Commit{66};         ///< the coordinator stored (or rejected) a group's committed offset
inline constexpr EventKind Rebalance{67};      ///< a group moved to a new generation
inline constexpr EventKind SegmentRoll{68};    ///< the active segment was closed and a new one started
inline constexpr EventKind SegmentDelete{69};  ///< retention deleted a segment; the log start offset moved
inline constexpr EventKind OffsetReset{70};    ///< auto.offset.reset or a seek moved a group's position
inline constexpr EventKind Assign{71};         ///< a member was given a partition (or none)
}  // namespace ev

namespace kafka {
/// How the log model's kinds are written in the trace.
inline constexpr std::array kEvents = {
    EventSchema{ev::Append, "append", {"producer", "partition", "offset", "leader_epoch", nullptr, "key"}},
    EventSchema{ev::Fetch, "fetch", {"consumer", "partition", "offset", "count", nullptr, "group"}},
    EventSchema{ev::Commit, "commit", {"consumer", "partition", "offset", "generation", "rejected", "group"}},
    EventSchema{ev::Rebalance, "rebalance", {nullptr, nullptr, "members", "generation", nullptr, "group"}},
    EventSchema{ev::SegmentRoll, "segment_roll", {nullptr, "partition", "offset", "segment", nullptr, nullptr}},
    EventSchema{ev::SegmentDelete, "segment_delete", {nullptr, "partition", "offset", "log_start_offset", nullptr, "reason"}},
    EventSchema{ev::OffsetReset, "offset_reset", {"consumer", "partition", "offset", "from_offset", nullptr, "group"}},
    EventSchema{ev::Assign, "assign", {"consumer", "partition", nullptr, "generation", nullptr, "group"}},
};
}  // namespace kafka
}  // namespace bs
