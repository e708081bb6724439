// Broker-to-broker replication: a follower's replica fetch (Kafka's Fetch request with a
// replica id) and the leader's answer. Offsets are Kafka offsets; times simulated seconds.
#pragma once
#include <cstdint>
#include <vector>

#include "core/packet.hpp"
#include "kafka/errors.hpp"
#include "kafka/packets.hpp"
#include "kafka/partition_log.hpp"

namespace bs::kafka {

/// One partition a follower fetches. Kafka, KIP-320 and KIP-595: the follower names the
/// leader epoch it believes current and the epoch of its last record, so the leader can
/// tell it where its log diverges.
struct ReplicaFetchPartition {
  TopicPartition tp;
  std::int64_t fetch_offset = 0;           ///< the follower's log end offset
  std::int32_t current_leader_epoch = 0;   ///< FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH when it differs
  std::int32_t last_fetched_epoch = -1;    ///< epoch of the follower's last record (-1: empty log)
};

/// A follower's fetch of every partition it follows from one leader (Kafka batches them:
/// one fetcher per source broker). Long-polls like a consumer fetch
/// (replica.fetch.wait.max.ms), answered at once when any partition has records.
struct ReplicaFetch {
  std::uint64_t fetch_id = 0;
  std::vector<ReplicaFetchPartition> partitions;
  double max_wait_s = 0.5;          ///< replica.fetch.wait.max.ms
  std::uint32_t max_records = 5000; ///< stands in for replica.fetch.max.bytes
};

/// Where the follower's log diverges from the leader's (KIP-595's DivergingEpoch): the
/// follower truncates to min(end_offset, its LEO) and fetches again.
struct DivergingEpoch {
  std::int32_t epoch = -1;  ///< -1: no divergence
  std::int64_t end_offset = -1;
};

/// The leader's answer for one partition.
struct ReplicaFetchPartitionData {
  TopicPartition tp;
  ErrorCode error = ErrorCode::None;
  std::int32_t leader_epoch = 0;
  std::int64_t fetch_offset = 0;   ///< offset of records[0]
  std::int64_t high_watermark = 0;
  std::int64_t log_start_offset = 0;
  DivergingEpoch diverging;
  std::vector<StoredRecord> records;
};

struct ReplicaFetchResponse {
  std::uint64_t fetch_id = 0;
  std::vector<ReplicaFetchPartitionData> parts;
};

inline std::string_view wire_op(const ReplicaFetch&) { return "replica_fetch"; }
inline std::string_view wire_op(const ReplicaFetchResponse&) { return "replica_fetch_response"; }
/// The first record names a replica fetch response in the trace.
MsgId wire_msg(const ReplicaFetchResponse& x);
std::uint64_t wire_bytes(const ReplicaFetchResponse& x);

}  // namespace bs::kafka
