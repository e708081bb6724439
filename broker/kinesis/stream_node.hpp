// The Kinesis Data Streams service as one node: its streams, their shards' logs, the
// shard limits, resharding, and the KCL lease table's checkpoints.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/node.hpp"
#include "kafka/events.hpp"
#include "kafka/partition_log.hpp"
#include "kinesis/events.hpp"
#include "kinesis/packets.hpp"
#include "kinesis/shard_map.hpp"

namespace bs::kinesis {

/// A scheduled SplitShard or MergeShards (UpdateShardCount is not modelled).
struct ReshardAction {
  double at_s = 0;
  bool split = true;              ///< SplitShard, else MergeShards
  std::int32_t shard = 0;         ///< ShardToSplit / ShardToMerge
  HashKey new_starting_hash_key = 0;  ///< SplitShard
  std::int32_t adjacent = -1;     ///< MergeShards' AdjacentShardToMerge
};

/// One stream (CreateStream in provisioned mode). The limits default to the documented
/// per-shard quotas (Amazon Kinesis Data Streams Developer Guide, "Quotas and limits":
/// a shard takes up to 1 MiB/s or 1,000 records/s of writes and serves 2 MiB/s of reads
/// in up to 5 GetRecords transactions per second).
struct StreamConfig {
  std::string name;
  std::int32_t shards = 1;
  double retention_s = 24 * 3600.0;         ///< RetentionPeriodHours (24 h by default, up to 8760)
  std::uint32_t write_records_per_s = 1000;
  std::uint64_t write_bytes_per_s = 1 << 20;
  std::uint32_t read_calls_per_s = 5;
  std::uint64_t read_bytes_per_s = 2 << 20;
  std::vector<ReshardAction> resharding;    ///< in time order
};

struct StreamNodeConfig {
  std::vector<StreamConfig> streams;
  double retention_check_s = 60;  ///< how often expired records are trimmed
};

/// The service. Each shard's records are a log (the log model's PartitionLog: offsets
/// 0, 1, 2, ..., which also serve as the shard's sequence numbers), traced as the log
/// model's `append` to partition "<stream>/<shard index>".
///
/// Writes (PutRecord): the record goes to the open shard whose HashKeyRange holds its
/// hash key. Each shard counts the records and bytes (data blob plus partition key)
/// accepted in the current second; one more over either limit is refused with
/// ProvisionedThroughputExceededException (traced `provisioned_throughput_exceeded`,
/// operation PutRecord) and not written.
///
/// Reads (GetRecords): each shard serves at most `read_calls_per_s` calls per second,
/// counted over every consumer; bytes served are paid for at `read_bytes_per_s`, and a
/// call is refused while the shard's reads are more than a second of bandwidth in debt
/// (the API reference: a call that returns 10 MiB makes the next calls within 5 seconds
/// fail). A call returns at most Limit records and 10 MiB. On a closed shard read to its
/// end it answers with no NextShardIterator and the ChildShards.
///
/// Resharding at the scheduled times: the parent (or both merged parents) stops taking
/// writes (`shard_closed` with its ending offset), the children get the hash ranges
/// (`shard_created`). Records already written stay in the parent.
///
/// The service is durable (Kinesis replicates across three Availability Zones): a crash
/// of this node makes it silent until its restart and forgets nothing.
class StreamNode final : public Node {
 public:
  explicit StreamNode(StreamNodeConfig cfg);

  void on_start(Context& ctx) override;
  void on_packet(Context& ctx, NodeId from, const Packet& p) override;
  void on_timer(Context& ctx, const Timer& t) override;
  void on_crash(Context&) override {}

  /// The shard map of stream `name` (nullptr if unknown).
  const ShardMap* shard_map(const std::string& name) const;
  /// A shard's log.
  const kafka::PartitionLog& log(const std::string& stream, std::int32_t shard) const;

 private:
  struct ShardState {
    kafka::PartitionLog log;
    double write_second = -1;  // the second [s, s + 1) the counts below belong to
    std::uint32_t write_records = 0;
    std::uint64_t write_bytes = 0;
    double read_second = -1;
    std::uint32_t read_calls = 0;
    double read_paid_until = 0;  // reads are paid for up to here
  };
  struct Stream {
    StreamConfig cfg;
    ShardMap map;
    std::vector<ShardState> shards;
    std::size_t next_action = 0;  // resharding actions done so far
  };

  Stream& stream(const std::string& name);
  void add_shard_state(Stream& s);
  void put(Context& ctx, NodeId from, const PutRecordRequest& r);
  void get_iterator(Context& ctx, NodeId from, const GetShardIteratorRequest& r);
  void get_records(Context& ctx, NodeId from, const GetRecordsRequest& r);
  void reshard(Context& ctx, Stream& s, const ReshardAction& a);
  void arm_resharding(Context& ctx);

  StreamNodeConfig cfg_;
  std::vector<Stream> streams_;
  std::map<std::pair<std::string, std::string>, std::int64_t> checkpoints_;  // (application, partition) -> offset
  bool started_ = false;
};

/// "clicks/3": shard 3 of stream clicks, as the trace names it.
std::string partition_name(const std::string& stream, std::int32_t shard);

}  // namespace bs::kinesis
