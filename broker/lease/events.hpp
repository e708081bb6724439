// The lease model's (Amazon SQS and SNS, Google Cloud Pub/Sub, Azure Service Bus) event
// kinds: numbers 128-159. Everything a queue also does in the queue model is written with
// that model's kinds, so the checker and the GUI read both alike: `enqueue` (a message
// stored in a queue or subscription), `deliver` (a receive handed it out on a lease; the
// tag is its receipt handle, `redelivered` when its receive count is above 1),
// `ack` (DeleteMessage / Acknowledge / Complete), `requeue` (the lease ran out, or the
// receiver released it: visible again at its place), `dead_letter` (moved to the
// dead-letter queue), `drop` (the retention period ended), `unroutable` (a topic
// publish no subscription took).
#pragma once
#include <array>

#include "core/event_schema.hpp"

namespace bs {
namespace ev {
inline constexpr EventKind LeaseExtended{128};  ///< a receiver extended a lease (ChangeMessageVisibility, ModifyAckDeadline, RenewMessageLock)
inline constexpr EventKind Deduplicated{129};   ///< a send was accepted but not stored: its deduplication id was seen within the window
inline constexpr EventKind Filtered{130};       ///< a topic's subscription did not take a message: its filter did not match
inline constexpr EventKind LateSettle{131};     ///< a settle arrived after its lease ended; the message stays (stale receipt handle, lock lost)
inline constexpr EventKind LeaseSeek{133};      ///< Pub/Sub Seek: a subscription's acknowledgement state was set to a time
inline constexpr EventKind SessionLock{132};    ///< a receiver accepted a Service Bus session (AcceptNextSession)
inline constexpr EventKind LeaseDeferred{134};  ///< Service Bus: a message set aside in its queue (Defer), received only by sequence number
inline constexpr EventKind LeaseSnapshot{135};  ///< Pub/Sub: a snapshot of a subscription's acknowledgement state was created
}  // namespace ev

namespace lease {
/// How the lease model's kinds are written in the trace.
inline constexpr std::array kEvents = {
    EventSchema{ev::LeaseExtended, "lease_extended", {"consumer", "queue", "receipt", "lease_ms", nullptr, "operation"}},
    EventSchema{ev::Deduplicated, "deduplicated", {"producer", "queue", nullptr, nullptr, nullptr, "deduplication_id"}},
    EventSchema{ev::Filtered, "filtered", {nullptr, "queue", nullptr, nullptr, nullptr, "topic"}},
    EventSchema{ev::LateSettle, "late_settle", {"consumer", "queue", "receipt", nullptr, nullptr, "reason"}},
    EventSchema{ev::SessionLock, "session_lock", {"consumer", "queue", nullptr, nullptr, nullptr, "session"}},
    EventSchema{ev::LeaseSeek, "seek", {nullptr, "queue", "replayed", "time_ms", nullptr, "snapshot"}},
    EventSchema{ev::LeaseDeferred, "deferred", {"consumer", "queue", nullptr, "sequence_number", nullptr, "reason"}},
    EventSchema{ev::LeaseSnapshot, "snapshot", {nullptr, "queue", "unacked", nullptr, nullptr, "snapshot"}},
};
}  // namespace lease
}  // namespace bs
