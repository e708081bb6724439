#include "common/event.hpp"

#include <array>

namespace bs {
namespace {
constexpr std::array<std::string_view, 31> kNames = {
    "crash",   "restart", "link_down", "link_up", "net_send", "net_recv", "net_drop",
    "publish", "enqueue", "unroutable", "confirm", "returned", "deliver", "process",
    "duplicate_skipped", "ack", "nack", "requeue", "dead_letter", "drop", "consumer_up",
    "connection_lost", "append", "fetch", "commit", "rebalance", "segment_roll",
    "segment_delete", "offset_reset", "assign", ""};
}  // namespace

std::string_view kind_name(EventKind k) { return kNames[static_cast<std::size_t>(k)]; }

std::optional<EventKind> kind_from_name(std::string_view name) {
  for (std::size_t i = 0; i + 1 < kNames.size(); ++i)
    if (kNames[i] == name) return static_cast<EventKind>(i);
  return std::nullopt;
}

}  // namespace bs
