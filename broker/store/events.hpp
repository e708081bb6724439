// The store's trace events (the database a consumer writes its effects to): numbers 112-127.
#pragma once
#include <array>

#include "core/event_schema.hpp"

namespace bs {
namespace ev {
/// A consumer sent a transaction to its store: the message's effect (and, for an
/// idempotent consumer, the processed id in the same transaction, or the id alone).
inline constexpr EventKind StoreWrite{112};
/// The store committed a transaction that applied a message's effect (the business
/// write). Two of these for one message are a duplicate effect, whatever the broker did.
inline constexpr EventKind Effect{113};
/// The store committed the processed id of a message to its processed-ids table.
inline constexpr EventKind IdRecorded{114};
/// The store committed a producing service's state change (the origin of a message), with
/// the message in its outbox table when `outbox`.
inline constexpr EventKind StateChange{115};
/// The outbox relay's mark committed: the row's message counts as sent.
inline constexpr EventKind OutboxSent{116};
}  // namespace ev

namespace store {
/// How the store's kinds are written in the trace. `store_write`'s text says what the
/// transaction holds: "effect", "effect+id" or "id".
inline constexpr std::array kEvents = {
    EventSchema{ev::StoreWrite, "store_write", {"store", nullptr, "request", nullptr, "retry", "writes"}},
    EventSchema{ev::Effect, "effect", {"consumer", nullptr, "request", nullptr, "id_recorded", nullptr}},
    EventSchema{ev::IdRecorded, "id_recorded", {"consumer", nullptr, "request", nullptr, nullptr, nullptr}},
    EventSchema{ev::StateChange, "state_change", {"producer", nullptr, "request", nullptr, "outbox", "routing_key"}},
    EventSchema{ev::OutboxSent, "outbox_sent", {"producer", nullptr, nullptr, nullptr, nullptr, nullptr}},
};
}  // namespace store
}  // namespace bs
