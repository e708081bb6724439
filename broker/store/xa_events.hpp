// Two-phase commit's trace events (numbers 117-121, in the store's range): what each
// participant (a broker with XA, a store) did with a transaction, and its coordinator's
// decision. A participant is in doubt from its xa_prepare (vote yes) to its xa_commit or
// xa_rollback: it holds the message (broker) or the lock (store) and may decide nothing.
#pragma once
#include <array>

#include "core/event_schema.hpp"

namespace bs {
namespace ev {
/// A participant voted on phase one: yes = prepared (durable, in doubt until the outcome).
inline constexpr EventKind XaPrepare{117};
/// A participant committed: the broker's is followed by the message's `ack`, the store's
/// by its `effect`.
inline constexpr EventKind XaCommit{118};
/// A participant rolled back: the broker's is followed by the message's `requeue`.
inline constexpr EventKind XaRollback{119};
/// The coordinator decided (or, restarted, recovered a decision): commit or rollback.
inline constexpr EventKind XaDecision{120};
/// A store's prepare found its key locked by another prepared transaction and waits.
inline constexpr EventKind XaLockWait{121};
}  // namespace ev

namespace xa {
/// How the kinds are written in the trace (docs/trace-format.md).
inline constexpr std::array kEvents = {
    EventSchema{ev::XaPrepare, "xa_prepare", {"coordinator", "queue", "xid", "tag", "vote", "key"}},
    EventSchema{ev::XaCommit, "xa_commit", {"coordinator", "queue", "xid", "tag", nullptr, "key"}},
    EventSchema{ev::XaRollback, "xa_rollback", {"coordinator", "queue", "xid", "tag", "prepared", "key"}},
    EventSchema{ev::XaDecision, "xa_decision", {"store", "queue", "xid", "tag", "commit", "reason"}},
    EventSchema{ev::XaLockWait, "xa_lock_wait", {"coordinator", nullptr, "xid", nullptr, nullptr, "key"}},
};
}  // namespace xa
}  // namespace bs
