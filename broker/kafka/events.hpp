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
// Replication (Kafka's replica manager and controller).
inline constexpr EventKind Replicate{72};      ///< a follower appended a record it fetched from the leader
inline constexpr EventKind Truncate{73};       ///< a replica removed a record from its log's end (it diverged from the leader)
inline constexpr EventKind LeaderElection{74}; ///< the controller chose a partition's leader (or none: offline)
inline constexpr EventKind IsrChange{75};      ///< the controller committed a partition's new in-sync replica set
inline constexpr EventKind HighWatermark{76};  ///< a partition leader's high watermark advanced
inline constexpr EventKind ProduceError{77};   ///< a producer learnt that a record was not written (error or timeout)
inline constexpr EventKind BrokerFenced{78};   ///< the controller fenced (or unfenced) a broker
inline constexpr EventKind SequenceCheck{79};  ///< an idempotent producer's batch was refused as a duplicate or out of order
// Transactions (KIP-98).
inline constexpr EventKind TxnState{80};       ///< the transaction coordinator moved a transactional.id's transaction to a new state
inline constexpr EventKind TxnMarker{81};      ///< a partition leader appended a commit or abort marker (a control record)
inline constexpr EventKind TxnFenced{82};      ///< a broker refused a request from an older producer epoch (a zombie)
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
    EventSchema{ev::Replicate, "replicate", {"leader", "partition", "offset", "leader_epoch", nullptr, nullptr}},
    EventSchema{ev::Truncate, "truncate", {"leader", "partition", "offset", "leader_epoch", nullptr, "reason"}},
    EventSchema{ev::LeaderElection, "leader_election", {"leader", "partition", "partition_epoch", "leader_epoch", "unclean", "isr"}},
    EventSchema{ev::IsrChange, "isr_change", {"leader", "partition", "partition_epoch", "leader_epoch", nullptr, "isr"}},
    EventSchema{ev::HighWatermark, "high_watermark", {nullptr, "partition", "offset", "leader_epoch", nullptr, nullptr}},
    EventSchema{ev::ProduceError, "produce_error", {"broker", "partition", nullptr, "attempt", "retriable", "error"}},
    EventSchema{ev::BrokerFenced, "broker_fenced", {"broker", nullptr, nullptr, nullptr, "fenced", "reason"}},
    EventSchema{ev::SequenceCheck, "sequence_check", {"producer", "partition", "offset", "sequence", nullptr, "result"}},
    EventSchema{ev::TxnState, "txn_state", {"client", "transactional_id", "producer_id", "producer_epoch", nullptr, "state"}},
    EventSchema{ev::TxnMarker, "txn_marker", {"coordinator", "partition", "offset", "producer_id", "committed", "transactional_id"}},
    EventSchema{ev::TxnFenced, "txn_fenced", {"client", "where", "producer_id", "producer_epoch", nullptr, "request"}},
};
}  // namespace kafka
}  // namespace bs
