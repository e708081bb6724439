// The Kinesis Data Streams service as one node: its streams, their shards' logs, the
// shard limits, resharding, and the KCL lease table's checkpoints.
#pragma once
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
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
  /// Enhanced fan-out (API reference, RegisterStreamConsumer and SubscribeToShard): each
  /// registered consumer gets its own 2 MiB/s per shard, up to 20 consumers per stream
  /// (provisioned mode), and a subscription lasts 5 minutes.
  std::uint64_t fan_out_bytes_per_s = 2 << 20;
  std::uint32_t max_registered_consumers = 20;
  double subscription_s = 300;
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
/// Enhanced fan-out (Developer Guide, "Develop enhanced fan-out consumers with dedicated
/// throughput"; API reference, RegisterStreamConsumer, SubscribeToShard,
/// SubscribeToShardEvent): a registered consumer's SubscribeToShard opens a subscription
/// on one shard and the service pushes records to it as they are written, each push a
/// SubscribeToShardEvent (see fan_out.cpp). Pushes are paced at `fan_out_bytes_per_s` per
/// subscription and never count against the shard's GetRecords limits.
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
  /// Where reading starts for StartingPosition / ShardIteratorType `type` (clamped to
  /// the shard's records); `how` is what decided ("checkpoint" or the type's name).
  std::int64_t start_offset(const Stream& s, std::int32_t shard, IteratorType type, std::int64_t sequence_number,
                            double timestamp, const std::string& application, bool use_checkpoint, std::string& how) const;

  // Enhanced fan-out (fan_out.cpp). Timer kinds 1 and 2 are resharding and retention.
  static constexpr std::uint32_t kPushTimer = 3;    // arg: subscription id
  static constexpr std::uint32_t kExpireTimer = 4;  // arg: subscription id
  struct Subscription {
    std::size_t stream = 0;  // index in streams_
    std::int32_t shard = 0;
    std::string consumer_name;
    NodeId node = kNoNode;   // where the events go
    double started = 0;
    std::int64_t position = 0;  // the next offset to push (the ContinuationSequenceNumber)
    double paid_until = 0;      // the subscription's own 2 MiB/s is used up to here
    bool push_armed = false;    // a push timer is set
  };
  using SubscriptionKey = std::tuple<std::size_t, std::string, std::int32_t>;  // (stream, consumer, shard)
  void register_consumer(Context& ctx, NodeId from, const RegisterStreamConsumerRequest& r);
  void subscribe(Context& ctx, NodeId from, const SubscribeToShardRequest& r);
  void push(Context& ctx, std::uint64_t id);
  void push_shard(Context& ctx, const Stream& s, std::int32_t shard);
  void end_subscription(Context& ctx, std::uint64_t id, const char* reason, const std::string& error);
  std::size_t stream_index(const Stream& s) const { return static_cast<std::size_t>(&s - streams_.data()); }

  StreamNodeConfig cfg_;
  std::vector<Stream> streams_;
  std::map<std::pair<std::string, std::string>, std::int64_t> checkpoints_;  // (application, partition) -> offset
  bool started_ = false;
  std::map<std::string, std::vector<std::string>> registered_;  // stream -> registered consumers, in order
  std::map<std::uint64_t, Subscription> subscriptions_;         // by id
  std::map<SubscriptionKey, double> last_subscribe_call_;
  std::set<SubscriptionKey> subscribed_before_;
  std::uint64_t next_subscription_ = 1;
};

/// "clicks/3": shard 3 of stream clicks, as the trace names it.
std::string partition_name(const std::string& stream, std::int32_t shard);

}  // namespace bs::kinesis
