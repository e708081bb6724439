#include "trace/event_fields.hpp"

#include <array>

namespace bs {
namespace {
using F = FieldNames;
// Order follows EventKind.
constexpr std::array<F, 30> kFields = {{
    /* crash */ {nullptr, nullptr, nullptr, nullptr, nullptr, nullptr},
    /* restart */ {nullptr, nullptr, nullptr, nullptr, nullptr, nullptr},
    /* link_down */ {"peer", nullptr, nullptr, nullptr, nullptr, nullptr},
    /* link_up */ {"peer", nullptr, nullptr, nullptr, nullptr, nullptr},
    /* net_send */ {"to", nullptr, nullptr, "bytes", nullptr, nullptr},
    /* net_recv */ {"from", nullptr, nullptr, nullptr, nullptr, nullptr},
    /* net_drop */ {"from", nullptr, nullptr, nullptr, nullptr, "reason"},
    /* publish */ {"broker", "exchange", nullptr, "seq", "mandatory", "routing_key"},
    /* enqueue */ {nullptr, "queue", nullptr, "position", nullptr, nullptr},
    /* unroutable */ {"producer", nullptr, nullptr, nullptr, "returned", "exchange"},
    /* confirm */ {"broker", nullptr, nullptr, "seq", "ack", nullptr},
    /* returned */ {"broker", nullptr, nullptr, nullptr, nullptr, "routing_key"},
    /* deliver */ {"consumer", "queue", "tag", "position", "redelivered", "mode"},
    /* process */ {"producer", "queue", "tag", "offset", "redelivered", "group"},
    /* duplicate_skipped */ {nullptr, "queue", "tag", nullptr, "redelivered", nullptr},
    /* ack */ {"consumer", "queue", "tag", nullptr, nullptr, nullptr},
    /* nack */ {"consumer", "queue", "tag", nullptr, "requeue", nullptr},
    /* requeue */ {"consumer", "queue", nullptr, "position", nullptr, "reason"},
    /* dead_letter */ {nullptr, "queue", nullptr, nullptr, nullptr, "dead_letter_exchange"},
    /* drop */ {"peer", "queue", "tag", nullptr, nullptr, "reason"},
    /* consumer_up */ {"consumer", "queue", nullptr, "prefetch", "auto_ack", nullptr},
    /* connection_lost */ {"client", "queue", nullptr, nullptr, nullptr, "reason"},  // log model: queue = group
    /* append */ {"producer", "partition", "offset", "leader_epoch", nullptr, "key"},
    /* fetch */ {"consumer", "partition", "offset", "count", nullptr, "group"},
    /* commit */ {"consumer", "partition", "offset", "generation", "rejected", "group"},
    /* rebalance */ {nullptr, nullptr, "members", "generation", nullptr, "group"},
    /* segment_roll */ {nullptr, "partition", "offset", "segment", nullptr, nullptr},
    /* segment_delete */ {nullptr, "partition", "offset", "log_start_offset", nullptr, "reason"},
    /* offset_reset */ {"consumer", "partition", "offset", "from_offset", nullptr, "group"},
    /* assign */ {"consumer", "partition", nullptr, "generation", nullptr, "group"},
}};
}  // namespace

const FieldNames& field_names(EventKind kind) { return kFields.at(static_cast<std::size_t>(kind)); }

}  // namespace bs
