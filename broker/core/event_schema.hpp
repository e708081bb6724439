// The event vocabulary in one table: for every EventKind, its JSON name and the JSON
// names of the generic Event fields it uses. kind_name(), the trace writer and the trace
// reader all read it; a static_assert keeps it in step with the enum, so adding a kind
// without its row (or out of order) does not compile. docs/trace-format.md describes it.
#pragma once
#include <array>
#include <cstddef>
#include <string_view>

#include "core/event.hpp"

namespace bs {

/// JSON names for the generic Event fields of one kind; nullptr = the field is unused.
struct FieldNames {
  const char* peer;
  const char* queue;
  const char* tag;
  const char* seq;
  const char* flag;
  const char* text;
};

/// One row of the vocabulary (docs/trace-format.md documents each kind).
struct EventSchema {
  EventKind kind;
  std::string_view name;
  FieldNames fields;
};

inline constexpr std::array kEventSchema = {
    // Faults and node lifecycle.
    EventSchema{EventKind::Crash, "crash", {nullptr, nullptr, nullptr, nullptr, nullptr, nullptr}},
    EventSchema{EventKind::Restart, "restart", {nullptr, nullptr, nullptr, nullptr, nullptr, nullptr}},
    EventSchema{EventKind::LinkDown, "link_down", {"peer", nullptr, nullptr, nullptr, nullptr, nullptr}},
    EventSchema{EventKind::LinkUp, "link_up", {"peer", nullptr, nullptr, nullptr, nullptr, nullptr}},
    // Network transmissions.
    EventSchema{EventKind::NetSend, "net_send", {"to", nullptr, nullptr, "bytes", nullptr, nullptr}},
    EventSchema{EventKind::NetRecv, "net_recv", {"from", nullptr, nullptr, nullptr, nullptr, nullptr}},
    EventSchema{EventKind::NetDrop, "net_drop", {"from", nullptr, nullptr, nullptr, nullptr, "reason"}},
    // Queue model (AMQP 0-9-1 / RabbitMQ).
    EventSchema{EventKind::Publish, "publish", {"broker", "exchange", nullptr, "seq", "mandatory", "routing_key"}},
    EventSchema{EventKind::Enqueue, "enqueue", {nullptr, "queue", nullptr, "position", nullptr, nullptr}},
    EventSchema{EventKind::Unroutable, "unroutable", {"producer", nullptr, nullptr, nullptr, "returned", "exchange"}},
    EventSchema{EventKind::Confirm, "confirm", {"broker", nullptr, nullptr, "seq", "ack", nullptr}},
    EventSchema{EventKind::Returned, "returned", {"broker", nullptr, nullptr, nullptr, nullptr, "routing_key"}},
    EventSchema{EventKind::Deliver, "deliver", {"consumer", "queue", "tag", "position", "redelivered", "mode"}},
    EventSchema{EventKind::Process, "process", {"producer", "queue", "tag", "offset", "redelivered", "group"}},
    EventSchema{EventKind::DuplicateSkipped, "duplicate_skipped", {nullptr, "queue", "tag", nullptr, "redelivered", nullptr}},
    EventSchema{EventKind::Ack, "ack", {"consumer", "queue", "tag", nullptr, nullptr, nullptr}},
    EventSchema{EventKind::Nack, "nack", {"consumer", "queue", "tag", nullptr, "requeue", nullptr}},
    EventSchema{EventKind::Requeue, "requeue", {"consumer", "queue", nullptr, "position", nullptr, "reason"}},
    EventSchema{EventKind::DeadLetter, "dead_letter", {nullptr, "queue", nullptr, nullptr, nullptr, "dead_letter_exchange"}},
    EventSchema{EventKind::Drop, "drop", {"peer", "queue", "tag", nullptr, nullptr, "reason"}},
    EventSchema{EventKind::ConsumerUp, "consumer_up", {"consumer", "queue", nullptr, "prefetch", "auto_ack", nullptr}},
    // Log model: queue = group.
    EventSchema{EventKind::ConnectionLost, "connection_lost", {"client", "queue", nullptr, nullptr, nullptr, "reason"}},
    // Log model (Kafka).
    EventSchema{EventKind::Append, "append", {"producer", "partition", "offset", "leader_epoch", nullptr, "key"}},
    EventSchema{EventKind::Fetch, "fetch", {"consumer", "partition", "offset", "count", nullptr, "group"}},
    EventSchema{EventKind::Commit, "commit", {"consumer", "partition", "offset", "generation", "rejected", "group"}},
    EventSchema{EventKind::Rebalance, "rebalance", {nullptr, nullptr, "members", "generation", nullptr, "group"}},
    EventSchema{EventKind::SegmentRoll, "segment_roll", {nullptr, "partition", "offset", "segment", nullptr, nullptr}},
    EventSchema{EventKind::SegmentDelete, "segment_delete", {nullptr, "partition", "offset", "log_start_offset", nullptr, "reason"}},
    EventSchema{EventKind::OffsetReset, "offset_reset", {"consumer", "partition", "offset", "from_offset", nullptr, "group"}},
    EventSchema{EventKind::Assign, "assign", {"consumer", "partition", nullptr, "generation", nullptr, "group"}},
    // Clients of both models: queue = the broker left (a name), seq = attempts so far.
    EventSchema{EventKind::Failover, "failover", {"broker", "from", nullptr, "attempt", nullptr, "reason"}},
};

namespace detail {
constexpr bool schema_follows_enum() {
  for (std::size_t i = 0; i < kEventSchema.size(); ++i)
    if (static_cast<std::size_t>(kEventSchema[i].kind) != i || kEventSchema[i].name.empty()) return false;
  return true;
}
}  // namespace detail
static_assert(detail::schema_follows_enum(), "kEventSchema: one row per EventKind, in enum order");
static_assert(kEventSchema.size() == kEventKindCount, "kEventSchema: every EventKind needs its row");

/// The naming of `kind`'s fields (see docs/trace-format.md).
constexpr const FieldNames& field_names(EventKind kind) { return kEventSchema[static_cast<std::size_t>(kind)].fields; }

}  // namespace bs
