// How an event kind is written in the trace: its JSON name and the JSON names of the
// generic Event fields it uses. The core's own kinds are listed here; each model lists
// its kinds in broker/<model>/events.hpp, and broker/vocabulary/ joins them into the one
// table every reader and writer uses.
#pragma once
#include <array>
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
  EventKind kind{};
  std::string_view name;  ///< "" = no such kind
  FieldNames fields{};
};

/// The core's kinds: faults, the network, and what every model's clients do.
inline constexpr std::array kCoreEvents = {
    EventSchema{ev::Crash, "crash", {nullptr, nullptr, nullptr, nullptr, nullptr, nullptr}},
    EventSchema{ev::Restart, "restart", {nullptr, nullptr, nullptr, nullptr, nullptr, nullptr}},
    EventSchema{ev::LinkDown, "link_down", {"peer", nullptr, nullptr, nullptr, nullptr, nullptr}},
    EventSchema{ev::LinkUp, "link_up", {"peer", nullptr, nullptr, nullptr, nullptr, nullptr}},
    EventSchema{ev::LinkLatency, "link_latency", {"peer", nullptr, nullptr, "latency_us", nullptr, nullptr}},
    EventSchema{ev::NetSend, "net_send", {"to", nullptr, nullptr, "bytes", nullptr, nullptr}},
    EventSchema{ev::NetRecv, "net_recv", {"from", nullptr, nullptr, nullptr, nullptr, nullptr}},
    EventSchema{ev::NetDrop, "net_drop", {"from", nullptr, nullptr, nullptr, nullptr, "reason"}},
    // A queue-model publish names its exchange and routing key; a log-model one leaves them.
    // source: the input record a consume-transform-produce application made it from.
    EventSchema{ev::Publish, "publish", {"broker", "exchange", "source", "seq", "mandatory", "routing_key"}},
    EventSchema{ev::Confirm, "confirm", {"broker", nullptr, nullptr, "seq", "ack", nullptr}},
    // Queue model: queue and delivery tag; log model: partition (in `queue`), offset, group.
    EventSchema{ev::Process, "process", {"producer", "queue", "tag", "offset", "redelivered", "group"}},
    // Log model: queue = group.
    EventSchema{ev::ConnectionLost, "connection_lost", {"client", "queue", nullptr, nullptr, nullptr, "reason"}},
    EventSchema{ev::Failover, "failover", {"broker", "from", nullptr, "attempt", nullptr, "reason"}},
};

}  // namespace bs
