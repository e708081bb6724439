// Amazon Kinesis Data Streams' own event kinds: numbers 160-175. What it shares with the
// log model (append, fetch, commit as the KCL's checkpoint, segment_delete for
// retention) uses the log model's kinds, so the checker and the GUI read it as a log.
#pragma once
#include <array>

#include "core/event_schema.hpp"

namespace bs {
namespace ev {
/// A shard refused a PutRecord or GetRecords over its limits (ProvisionedThroughputExceededException).
inline constexpr EventKind ThroughputExceeded{160};
inline constexpr EventKind ShardCreated{161};  ///< CreateStream, SplitShard or MergeShards made a shard
inline constexpr EventKind ShardClosed{162};   ///< a resharded parent stopped taking writes at this offset
inline constexpr EventKind ShardIterator{163}; ///< GetShardIterator answered: reading starts at this offset
inline constexpr EventKind ShardEnd{164};      ///< a consumer read a closed shard to its end; its children follow
// Enhanced fan-out (docs/kinesis.md; broker/kinesis/fan_out.hpp).
inline constexpr EventKind RegisterStreamConsumer{165};  ///< the service registered a consumer for enhanced fan-out
inline constexpr EventKind SubscribeToShard{166};        ///< a subscription started: pushes begin at this offset
/// The service pushed records to a subscribed consumer (a SubscribeToShardEvent): read
/// like the log model's fetch (`offset`, `count`, `group`), so the checker and the GUI
/// move the application's cursor the same way.
inline constexpr EventKind SubscribeToShardEvent{167};
inline constexpr EventKind SubscribeRefused{168};    ///< SubscribeToShard refused (ResourceInUseException, LimitExceededException)
inline constexpr EventKind SubscriptionEnded{169};   ///< a subscription's 5 minutes ran out (or another took it over)
}  // namespace ev

namespace kinesis {
/// How Kinesis' kinds are written in the trace (docs/trace-format.md, docs/kinesis.md).
inline constexpr std::array kEvents = {
    EventSchema{ev::ThroughputExceeded, "provisioned_throughput_exceeded",
                {"client", "partition", "records", "bytes", nullptr, "operation"}},
    EventSchema{ev::ShardCreated, "shard_created", {nullptr, "partition", "parent", "adjacent_parent", nullptr, "hash_key_range"}},
    EventSchema{ev::ShardClosed, "shard_closed", {nullptr, "partition", "ending_offset", nullptr, nullptr, "operation"}},
    EventSchema{ev::ShardIterator, "shard_iterator", {"consumer", "partition", "offset", nullptr, nullptr, "shard_iterator_type"}},
    EventSchema{ev::ShardEnd, "shard_end", {nullptr, "partition", "offset", nullptr, nullptr, "application"}},
    EventSchema{ev::RegisterStreamConsumer, "register_stream_consumer", {"consumer", "stream", nullptr, nullptr, nullptr, "consumer_name"}},
    EventSchema{ev::SubscribeToShard, "subscribe_to_shard",
                {"consumer", "partition", "offset", nullptr, "resubscribe", "starting_position"}},
    EventSchema{ev::SubscribeToShardEvent, "subscribe_to_shard_event",
                {"consumer", "partition", "offset", "count", "shard_end", "group"}},
    EventSchema{ev::SubscribeRefused, "subscribe_to_shard_refused", {"consumer", "partition", nullptr, nullptr, nullptr, "error"}},
    EventSchema{ev::SubscriptionEnded, "subscription_ended",
                {"consumer", "partition", "continuation_sequence_number", nullptr, nullptr, "reason"}},
};
}  // namespace kinesis
}  // namespace bs
