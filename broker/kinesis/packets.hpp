// The Kinesis Data Streams API calls the model's clients make, in simplified form: the
// request and response fields the lessons need, named as the API names them. Positions
// in a shard are offsets (0, 1, 2, ...), which this model also uses as sequence numbers.
// Times are simulated seconds, sizes bytes.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/message.hpp"
#include "core/packet.hpp"
#include "kinesis/hash_key.hpp"

namespace bs::kinesis {

/// PutRecord: one record; the shard comes from the hash key (the partition key's MD5, or
/// ExplicitHashKey when `explicit_hash_key` is set).
struct PutRecordRequest {
  std::string stream;
  Message record;  ///< record.key is the PartitionKey
  bool has_explicit_hash_key = false;
  HashKey explicit_hash_key = 0;
  std::uint64_t request_id = 0;
};

/// PutRecord's answer: ShardId and SequenceNumber, or ProvisionedThroughputExceededException.
struct PutRecordResponse {
  std::uint64_t request_id = 0;
  MsgId msg = 0;
  std::int32_t shard = -1;
  std::int64_t sequence_number = -1;
  bool throughput_exceeded = false;
};

/// ListShards: every shard of the stream (open and closed) with its parents.
struct ListShardsRequest {
  std::string stream;
};
struct ShardInfo {
  std::int32_t index = 0;
  std::int32_t parent = -1;
  std::int32_t adjacent_parent = -1;
};
struct ListShardsResponse {
  std::vector<ShardInfo> shards;
};

/// The ShardIteratorType values of GetShardIterator.
enum class IteratorType { TrimHorizon, Latest, AtSequenceNumber, AfterSequenceNumber, AtTimestamp };
/// "TRIM_HORIZON", "LATEST", ... (the API's spelling).
std::string_view iterator_type_name(IteratorType t);

/// GetShardIterator. `application` names the consumer's KCL lease table: when it holds a
/// checkpoint for the shard and `use_checkpoint` is set, reading resumes after it (the
/// KCL's initial position applies only to a shard without a checkpoint).
struct GetShardIteratorRequest {
  std::string stream;
  std::int32_t shard = 0;
  IteratorType type = IteratorType::Latest;
  std::int64_t starting_sequence_number = 0;  ///< AT_ / AFTER_SEQUENCE_NUMBER
  double timestamp = 0;                       ///< AT_TIMESTAMP, simulated seconds
  std::string application;
  bool use_checkpoint = true;
};
struct GetShardIteratorResponse {
  std::int32_t shard = 0;
  std::int64_t position = 0;  ///< the iterator: the next offset GetRecords returns
};

/// GetRecords from an iterator position, at most `limit` records (Limit, up to 10,000).
struct GetRecordsRequest {
  std::string stream;
  std::int32_t shard = 0;
  std::int64_t position = 0;
  std::uint32_t limit = 10000;
  std::uint64_t request_id = 0;
  std::string application;  ///< who reads (the trace's group)
};
/// GetRecords' answer. `shard_end`: the shard is closed and every record was returned
/// (NextShardIterator is null), and `child_shards` lists its children (ChildShards).
struct GetRecordsResponse {
  std::uint64_t request_id = 0;
  std::int32_t shard = 0;
  std::int64_t position = 0;           ///< offset of records[0]
  std::vector<Message> records;
  std::int64_t next_position = 0;      ///< NextShardIterator
  bool shard_end = false;
  std::vector<ShardInfo> child_shards;
  bool throughput_exceeded = false;
};

/// The KCL's checkpoint of a shard: records below `offset` are processed. The lease
/// table lives in DynamoDB; here the stream's node keeps it (see docs/kinesis.md).
struct CheckpointRequest {
  std::string stream;
  std::string application;
  std::int32_t shard = 0;
  std::int64_t offset = 0;
};

/// RegisterStreamConsumer: `consumer_name` (ConsumerName; the application's name) may
/// then SubscribeToShard (enhanced fan-out). The answer is `registered` false when the
/// stream already has its 20 registered consumers (LimitExceededException).
struct RegisterStreamConsumerRequest {
  std::string stream;
  std::string consumer_name;
};
struct RegisterStreamConsumerResponse {
  std::string consumer_name;
  bool registered = false;
};

/// SubscribeToShard: the registered consumer `consumer_name` asks the service to push the
/// shard's records from StartingPosition (`type`, with `starting_sequence_number` or
/// `timestamp`). `use_checkpoint`: start after the application's checkpoint when it has
/// one (the KCL's rule, as for GetShardIterator).
struct SubscribeToShardRequest {
  std::string stream;
  std::string consumer_name;
  std::int32_t shard = 0;
  IteratorType type = IteratorType::Latest;
  std::int64_t starting_sequence_number = 0;
  double timestamp = 0;
  bool use_checkpoint = true;
  std::uint64_t request_id = 0;
};
/// SubscribeToShard's answer: `subscription` names the pushes that follow, or `error`
/// ("ResourceInUseException", "LimitExceededException", "ResourceNotFoundException").
struct SubscribeToShardResponse {
  std::uint64_t request_id = 0;
  std::int32_t shard = 0;
  std::uint64_t subscription = 0;
  std::string error;
};
/// SubscribeToShardEvent: records pushed over the subscription. `continuation` is
/// ContinuationSequenceNumber: here the offset after the last record pushed, where a new
/// subscription goes on (AT_SEQUENCE_NUMBER). At the end of a closed shard `shard_end`
/// is set and `child_shards` lists its children; the subscription is then over.
struct SubscribeToShardEvent {
  std::uint64_t subscription = 0;
  std::int32_t shard = 0;
  std::int64_t position = 0;  ///< offset of records[0]
  std::vector<Message> records;
  std::int64_t continuation = 0;
  double millis_behind_latest = 0;
  bool shard_end = false;
  std::vector<ShardInfo> child_shards;
};
/// The subscription's stream of events completed: its 5 minutes ran out, or a later
/// SubscribeToShard took it over (`error` "ResourceInUseException"). The consumer
/// subscribes again from `continuation`.
struct SubscriptionEnded {
  std::uint64_t subscription = 0;
  std::int32_t shard = 0;
  std::int64_t continuation = 0;
  std::string error;
};

inline std::string_view wire_op(const PutRecordRequest&) { return "PutRecord"; }
inline MsgId wire_msg(const PutRecordRequest& r) { return r.record.id; }
inline std::uint64_t wire_bytes(const PutRecordRequest& r) { return kFrameOverhead + r.record.size_bytes + r.record.key.size(); }
inline std::string_view wire_op(const PutRecordResponse& r) { return r.throughput_exceeded ? "ProvisionedThroughputExceeded" : "PutRecordResult"; }
inline MsgId wire_msg(const PutRecordResponse& r) { return r.msg; }
inline std::string_view wire_op(const ListShardsRequest&) { return "ListShards"; }
inline std::string_view wire_op(const ListShardsResponse&) { return "ListShardsResult"; }
inline std::string_view wire_op(const GetShardIteratorRequest&) { return "GetShardIterator"; }
inline std::string_view wire_op(const GetShardIteratorResponse&) { return "ShardIterator"; }
inline std::string_view wire_op(const GetRecordsRequest&) { return "GetRecords"; }
inline std::string_view wire_op(const GetRecordsResponse& r) { return r.throughput_exceeded ? "ProvisionedThroughputExceeded" : "GetRecordsResult"; }
inline MsgId wire_msg(const GetRecordsResponse& r) { return r.records.empty() ? 0 : r.records.front().id; }
inline std::uint64_t wire_bytes(const GetRecordsResponse& r) {
  std::uint64_t b = kFrameOverhead;
  for (const auto& m : r.records) b += m.size_bytes + m.key.size();
  return b;
}
inline std::string_view wire_op(const CheckpointRequest&) { return "checkpoint"; }
inline std::string_view wire_op(const RegisterStreamConsumerRequest&) { return "RegisterStreamConsumer"; }
inline std::string_view wire_op(const RegisterStreamConsumerResponse& r) {
  return r.registered ? "RegisterStreamConsumerResult" : "LimitExceededException";
}
inline std::string_view wire_op(const SubscribeToShardRequest&) { return "SubscribeToShard"; }
inline std::string_view wire_op(const SubscribeToShardResponse& r) {
  return r.error.empty() ? std::string_view("SubscribeToShardResult") : std::string_view(r.error);
}
inline std::string_view wire_op(const SubscribeToShardEvent&) { return "SubscribeToShardEvent"; }
inline MsgId wire_msg(const SubscribeToShardEvent& r) { return r.records.empty() ? 0 : r.records.front().id; }
inline std::uint64_t wire_bytes(const SubscribeToShardEvent& r) {
  std::uint64_t b = kFrameOverhead;
  for (const auto& m : r.records) b += m.size_bytes + m.key.size();
  return b;
}
inline std::string_view wire_op(const SubscriptionEnded&) { return "SubscriptionEnded"; }

}  // namespace bs::kinesis
