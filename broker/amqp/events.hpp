// The queue model's (AMQP 0-9-1 / RabbitMQ) event kinds: numbers 32-63.
#pragma once
#include <array>
#include <string_view>

#include "core/event_schema.hpp"

namespace bs {
namespace ev {
inline constexpr EventKind Enqueue{32};           ///< broker put a message into a queue (one event per queue routed to)
inline constexpr EventKind Unroutable{33};        ///< no binding matched; dropped, or returned when mandatory
inline constexpr EventKind Returned{34};          ///< producer received basic.return for a mandatory unroutable message
inline constexpr EventKind Deliver{35};           ///< broker sent basic.deliver to a consumer
inline constexpr EventKind DuplicateSkipped{36};  ///< idempotent consumer saw an id it had already processed
inline constexpr EventKind Ack{37};               ///< broker received basic.ack; the message leaves the queue
inline constexpr EventKind Nack{38};              ///< broker received basic.nack / basic.reject
inline constexpr EventKind Requeue{39};           ///< message went back to its original position in the queue
inline constexpr EventKind DeadLetter{40};        ///< message republished to the queue's dead-letter exchange
inline constexpr EventKind Drop{41};              ///< message discarded (reason in text)
inline constexpr EventKind ConsumerUp{42};        ///< broker registered a consumer (basic.consume) on a queue
inline constexpr EventKind MemoryAlarm{43};       ///< a node's memory use crossed vm_memory_high_watermark (set or cleared)
inline constexpr EventKind Blocked{44};           ///< a publisher heard connection.blocked (or connection.unblocked)
inline constexpr EventKind NodeStatus{45};        ///< a cluster node found another member down (net_ticktime) or reachable again
inline constexpr EventKind MirrorState{46};       ///< a queue's leader admitted a mirror (synchronised or not), or the mirror became synchronised
inline constexpr EventKind MirrorPromoted{47};    ///< a mirror took over a queue whose leader died (or refused to: ha-promote-on-failure when-synced)
inline constexpr EventKind NodePaused{48};        ///< pause_minority: a node found itself in a minority and paused (or resumed)
inline constexpr EventKind Autoheal{49};          ///< autoheal: the leader chose the winning partition (or a losing node restarts)
}  // namespace ev

namespace amqp {
/// How the queue model's kinds are written in the trace.
inline constexpr std::array kEvents = {
    // group: the lease model's message group (SQS MessageGroupId, Pub/Sub ordering key,
    // Service Bus SessionId), for per-group ordering; RabbitMQ has none.
    EventSchema{ev::Enqueue, "enqueue", {nullptr, "queue", nullptr, "position", nullptr, "group"}},
    EventSchema{ev::Unroutable, "unroutable", {"producer", nullptr, nullptr, nullptr, "returned", "exchange"}},
    EventSchema{ev::Returned, "returned", {"broker", nullptr, nullptr, nullptr, nullptr, "routing_key"}},
    EventSchema{ev::Deliver, "deliver", {"consumer", "queue", "tag", "position", "redelivered", "mode"}},
    EventSchema{ev::DuplicateSkipped, "duplicate_skipped", {nullptr, "queue", "tag", nullptr, "redelivered", nullptr}},
    EventSchema{ev::Ack, "ack", {"consumer", "queue", "tag", nullptr, nullptr, nullptr}},
    EventSchema{ev::Nack, "nack", {"consumer", "queue", "tag", nullptr, "requeue", nullptr}},
    EventSchema{ev::Requeue, "requeue", {"consumer", "queue", nullptr, "position", nullptr, "reason"}},
    EventSchema{ev::DeadLetter, "dead_letter", {nullptr, "queue", nullptr, nullptr, nullptr, "dead_letter_exchange"}},
    EventSchema{ev::Drop, "drop", {"peer", "queue", "tag", "position", nullptr, "reason"}},
    EventSchema{ev::ConsumerUp, "consumer_up", {"consumer", "queue", nullptr, "prefetch", "auto_ack", nullptr}},
    EventSchema{ev::MemoryAlarm, "memory_alarm", {nullptr, nullptr, "memory_bytes", "limit_bytes", "alarm", nullptr}},
    EventSchema{ev::Blocked, "connection_blocked", {"broker", nullptr, nullptr, nullptr, "blocked", "reason"}},
    EventSchema{ev::NodeStatus, "node_status", {"peer", nullptr, nullptr, nullptr, "up", "reason"}},
    EventSchema{ev::MirrorState, "mirror_state", {"mirror", "queue", nullptr, nullptr, "synchronised", nullptr}},
    EventSchema{ev::MirrorPromoted, "mirror_promoted", {"leader", "queue", "lacking", "messages", "promoted", "sync"}},
    EventSchema{ev::NodePaused, "node_paused", {nullptr, nullptr, "reachable", "cluster_size", "paused", nullptr}},
    EventSchema{ev::Autoheal, "autoheal", {nullptr, nullptr, "clients", nullptr, "restart", "winner"}},
};
/// A `deliver` whose mode settles the message as it is handed out: nobody but the
/// consumer holds it now (AMQP auto-ack; Service Bus ReceiveAndDelete).
inline bool settled_on_delivery(std::string_view mode) { return mode == "auto_ack" || mode == "receive_and_delete"; }
/// A `requeue` because a lease ran out (SQS visibility timeout, Pub/Sub ack deadline,
/// Service Bus lock expiry), not a consumer's death or a nack.
inline bool lease_ran_out(std::string_view reason) {
  return reason == "visibility_timeout" || reason == "ack_deadline" || reason == "lock_expired";
}
}  // namespace amqp
}  // namespace bs
