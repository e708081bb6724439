// Kafka protocol requests and responses exchanged between log-model clients and the
// broker. Each is a simplified form of the Kafka API of the same name (Produce, Fetch,
// JoinGroup + SyncGroup, Heartbeat, LeaveGroup, OffsetCommit, ListOffsets); fields the
// lessons do not need are left out. Offsets are Kafka offsets (0, 1, 2, ... per
// partition); times are simulated seconds; sizes bytes.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/message.hpp"
#include "core/packet.hpp"
#include "kafka/errors.hpp"

namespace bs::kafka {

/// A topic partition, e.g. {"orders", 2}, written "orders/2" in the trace.
struct TopicPartition {
  std::string topic;
  std::int32_t partition = 0;
  bool operator==(const TopicPartition&) const = default;
  auto operator<=>(const TopicPartition&) const = default;
};

/// "topic/partition", the partition's name in the trace and in `expect` metrics.
inline std::string tp_name(const TopicPartition& tp) {
  // Built by appending: GCC 12 warns falsely (-Wrestrict) on the inlined a + "/" + b.
  std::string s = tp.topic;
  s.push_back('/');
  s.append(std::to_string(tp.partition));
  return s;
}

/// The records of one partition inside a ProduceRequest.
struct PartitionBatch {
  std::int32_t partition = 0;
  std::vector<Message> records;  ///< Message.key is the record key
  std::int32_t base_sequence = -1;  ///< idempotent producer: sequence of records[0] (KIP-98), -1 = none
};

/// ProduceRequest. acks: 0 = no response, 1 = the leader wrote it, -1 = "all" (every
/// in-sync replica has it: the high watermark passed it). producer_id/epoch are set by an
/// idempotent producer (from InitProducerId), -1 otherwise.
struct ProduceRequest {
  std::string topic;
  std::vector<PartitionBatch> batches;
  std::int32_t acks = 1;
  std::uint64_t request_id = 0;
  std::int64_t producer_id = -1;
  std::int16_t producer_epoch = 0;
  double timeout_s = 30;  ///< how long an acks=all request may wait for replication (request.timeout.ms)
  bool transactional = false;  ///< the records belong to the producer's open transaction (KIP-98)
};

/// ProduceResponse: per partition, the base offset the leader gave the batch, or an error
/// (then nothing of that batch was acknowledged; it may still have been written).
struct ProduceResponse {
  struct Part {
    std::int32_t partition = 0;
    std::int64_t base_offset = -1;
    std::uint32_t count = 0;
    ErrorCode error = ErrorCode::None;
  };
  std::uint64_t request_id = 0;
  std::vector<Part> parts;
};

/// Special fetch offset: "start at the group's committed offset" (resolved by the broker
/// when the fetch arrives, so a commit by the previous owner is seen by the new one).
inline constexpr std::int64_t kCommittedOffset = -2;

/// One partition in a FetchRequest.
struct FetchPartition {
  TopicPartition tp;
  std::int64_t offset = 0;  ///< next offset wanted, or kCommittedOffset
};

/// FetchRequest with long-poll: the broker answers as soon as any partition has records
/// at or after the requested offset, or after max_wait_s with nothing (fetch.max.wait.ms,
/// fetch.min.bytes = 1). At most max_records records and about max_bytes bytes in all
/// (max.poll.records / fetch.max.bytes; the first record is always returned).
struct FetchRequest {
  std::string group;
  std::int32_t generation = 0;  ///< echoed back so the consumer can drop stale answers
  std::uint64_t fetch_id = 0;
  std::vector<FetchPartition> partitions;
  std::uint32_t max_records = 500;
  std::uint64_t max_bytes = 50 * 1024 * 1024;
  double max_wait_s = 0.5;
  bool reset_earliest = true;  ///< auto.offset.reset: true = earliest, false = latest
  /// isolation.level=read_committed: read below the last stable offset only (KIP-98).
  bool read_committed = false;
};

/// The records returned for one partition.
struct FetchPartitionData {
  TopicPartition tp;
  std::int64_t fetch_offset = 0;  ///< offset of records[0] (after resolving/resetting)
  std::int64_t high_watermark = 0;
  std::int64_t log_start_offset = 0;
  std::vector<Message> records;   ///< offsets fetch_offset, fetch_offset + 1, ...
  std::vector<double> timestamps; ///< append time of each record (LogAppendTime)
  ErrorCode error = ErrorCode::None;  ///< NOT_LEADER_OR_FOLLOWER: fetch it from its new leader
  // Transactions (KIP-98), filled only for a partition that ever held one: each record's
  // producer id and control type (0 data, 1 commit marker, 2 abort marker), and for
  // read_committed the aborted transactions among the records, which the consumer drops.
  std::vector<std::int64_t> producer_ids;
  std::vector<std::int8_t> control;
  std::vector<std::pair<std::int64_t, std::int64_t>> aborted;  ///< (producer id, first offset)
};

/// FetchResponse.
struct FetchResponse {
  std::int32_t generation = 0;
  std::uint64_t fetch_id = 0;
  std::vector<FetchPartitionData> parts;
};

/// JoinGroup (with SyncGroup folded in): the member joins or rejoins `group`.
struct JoinGroup {
  std::string group;
  std::vector<std::string> topics;
  double session_timeout_s = 10;
};

/// The coordinator's answer after a rebalance: this member's partitions in `generation`
/// (SyncGroup response). Empty when the member sits idle.
struct Assignment {
  std::string group;
  std::int32_t generation = 0;
  std::vector<TopicPartition> partitions;
};

/// Heartbeat from a member.
struct Heartbeat {
  std::string group;
  std::int32_t generation = 0;
};

/// The coordinator's answer to a heartbeat (Kafka's HeartbeatResponse): error None, or
/// NOT_COORDINATOR when this broker no longer coordinates the group. A member that hears
/// nothing for request.timeout.ms looks for the coordinator again.
struct HeartbeatResponse {
  std::string group;
  ErrorCode error = ErrorCode::None;
};

/// A group request (JoinGroup, Heartbeat, OffsetCommit, OffsetFetch) reached a broker that
/// does not coordinate the group (NOT_COORDINATOR) or has not loaded it yet
/// (COORDINATOR_NOT_AVAILABLE): the member finds the coordinator again (FindCoordinator).
struct CoordinatorError {
  std::string group;
  ErrorCode error = ErrorCode::NotCoordinator;
};

/// OffsetFetch: the group's committed offsets for `partitions`, asked of the coordinator
/// before fetching a newly assigned partition.
struct OffsetFetch {
  std::string group;
  std::vector<TopicPartition> partitions;
  std::uint64_t request_id = 0;
};
/// offsets[i].offset is -1 when the group has no committed offset for that partition
/// (the fetch then asks the leader to apply auto.offset.reset).
struct OffsetFetchResponse {
  std::string group;
  std::uint64_t request_id = 0;
  std::vector<FetchPartition> offsets;
  /// KIP-447: partitions with a transaction's offset commit pending
  /// (UNSTABLE_OFFSET_COMMIT): ask again shortly.
  std::vector<TopicPartition> unstable;
};

/// The coordinator does not know this member (evicted, or the broker restarted):
/// Kafka's UNKNOWN_MEMBER_ID; the consumer must rejoin.
struct UnknownMember {
  std::string group;
};

/// LeaveGroup: the member leaves on purpose (consumer.close()).
struct LeaveGroup {
  std::string group;
};

/// OffsetCommit: the group's next offset to read, per partition.
struct OffsetCommit {
  std::string group;
  std::int32_t generation = 0;
  std::vector<FetchPartition> offsets;
};

/// ListOffsets by timestamp (consumer.offsetsForTimes): the earliest offset whose
/// timestamp is >= timestamp_s, or the high watermark when there is none.
struct ListOffsets {
  std::vector<TopicPartition> partitions;
  double timestamp_s = 0;
  std::uint64_t request_id = 0;
};

/// Metadata request (with FindCoordinator folded in): which broker leads the partitions
/// of `topics` and which coordinates `group`. Any broker answers it; a client sends it to
/// a broker of its bootstrap.servers list (Kafka: "only used for the initial connection
/// to discover the full set of servers").
struct MetadataRequest {
  std::vector<std::string> topics;
  std::string group;  ///< "" = no coordinator wanted (a producer)
  std::uint64_t request_id = 0;
};

/// One partition's leader as the answering broker's metadata cache knows it.
struct PartitionMetadata {
  TopicPartition tp;
  NodeId leader = kNoNode;  ///< kNoNode: offline (no leader) or unknown
  std::int32_t leader_epoch = 0;
};

/// Answer to MetadataRequest: every partition of the requested topics that the broker
/// knows, and the group's coordinator (the leader of its __consumer_offsets partition).
struct MetadataResponse {
  std::uint64_t request_id = 0;
  std::vector<PartitionMetadata> partitions;
  NodeId coordinator = kNoNode;  ///< of the requested group; kNoNode = not available
};

/// InitProducerId (KIP-98): an idempotent producer asks any broker for a producer id.
struct InitProducerId {
  std::uint64_t request_id = 0;
};
struct InitProducerIdResponse {
  std::uint64_t request_id = 0;
  std::int64_t producer_id = -1;
  std::int16_t producer_epoch = 0;
};

/// Answer to ListOffsets.
struct ListOffsetsResponse {
  std::uint64_t request_id = 0;
  std::vector<FetchPartition> offsets;
};

// How each request looks on the wire (see common/packet.hpp).
inline std::string_view wire_op(const ProduceRequest&) { return "produce"; }
inline std::string_view wire_op(const ProduceResponse&) { return "produce_response"; }
inline std::string_view wire_op(const FetchRequest&) { return "fetch"; }
inline std::string_view wire_op(const FetchResponse&) { return "fetch_response"; }
inline std::string_view wire_op(const JoinGroup&) { return "join_group"; }
inline std::string_view wire_op(const Assignment&) { return "assignment"; }
inline std::string_view wire_op(const Heartbeat&) { return "heartbeat"; }
inline std::string_view wire_op(const UnknownMember&) { return "unknown_member"; }
inline std::string_view wire_op(const HeartbeatResponse&) { return "heartbeat_response"; }
inline std::string_view wire_op(const CoordinatorError&) { return "coordinator_error"; }
inline std::string_view wire_op(const OffsetFetch&) { return "offset_fetch"; }
inline std::string_view wire_op(const OffsetFetchResponse&) { return "offset_fetch_response"; }
inline std::string_view wire_op(const LeaveGroup&) { return "leave_group"; }
inline std::string_view wire_op(const OffsetCommit&) { return "offset_commit"; }
inline std::string_view wire_op(const ListOffsets&) { return "list_offsets"; }
inline std::string_view wire_op(const ListOffsetsResponse&) { return "list_offsets_response"; }
inline std::string_view wire_op(const MetadataRequest&) { return "metadata"; }
inline std::string_view wire_op(const MetadataResponse&) { return "metadata_response"; }
inline std::string_view wire_op(const InitProducerId&) { return "init_producer_id"; }
inline std::string_view wire_op(const InitProducerIdResponse&) { return "init_producer_id_response"; }
/// The first record names a produce request or fetch response in the trace.
MsgId wire_msg(const ProduceRequest& x);
MsgId wire_msg(const FetchResponse& x);
/// Record batches: a batch header per partition plus a small per-record header (varint
/// lengths, offset and timestamp deltas) on top of each record's key and value.
std::uint64_t wire_bytes(const ProduceRequest& x);
std::uint64_t wire_bytes(const FetchResponse& x);

}  // namespace bs::kafka
