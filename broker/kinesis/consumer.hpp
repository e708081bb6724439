// A consuming application of the Kinesis model, read the way the Kinesis Client Library
// (KCL) reads a stream: polling (GetRecords), or with enhanced fan-out (SubscribeToShard).
#pragma once
#include <cstdint>
#include <deque>
#include <map>
#include <string>

#include "client/processing_time.hpp"
#include "core/node.hpp"
#include "kinesis/packets.hpp"

namespace bs::kinesis {

/// How a consumer reads. Times simulated seconds.
struct ConsumerConfig {
  NodeId broker = kNoNode;
  std::string stream;
  std::string application;  ///< the KCL application name (its lease table); the trace's group
  /// The KCL's initial position for a shard without a checkpoint: the ShardIteratorType
  /// of its first GetShardIterator.
  IteratorType shard_iterator_type = IteratorType::Latest;
  std::int64_t starting_sequence_number = 0;  ///< AT_ / AFTER_SEQUENCE_NUMBER
  double timestamp = 0;                       ///< AT_TIMESTAMP
  double idle_time_between_reads_s = 1.0;     ///< the KCL's idleTimeBetweenReadsInMillis (polls each shard once a second)
  std::uint32_t max_records = 10000;          ///< GetRecords Limit (the KCL's maxRecords)
  ProcessingTime processing;
  double start_s = 0;
  double request_timeout_s = 5;               ///< an unanswered call is made again
  /// Enhanced fan-out: RegisterStreamConsumer (the application's name is the
  /// ConsumerName), then SubscribeToShard per shard; records are pushed instead of polled.
  bool enhanced_fan_out = false;
};

/// One KCL worker that holds the leases of every shard of its stream (the KCL spreads
/// shards over an application's workers; this model runs one worker per application).
///
/// It lists the shards (ListShards), then per shard: GetShardIterator (resuming after the
/// application's checkpoint if it has one, else at the initial position), GetRecords
/// every `idle_time_between_reads_s`, processes the batch record by record (traced
/// `process`), checkpoints after the batch (traced `commit` at the service), and polls
/// again. A ProvisionedThroughputExceededException on GetRecords is retried at the next
/// poll.
///
/// Resharding (Amazon Kinesis Data Streams Developer Guide, "After resharding"; the KCL
/// reads a parent before its children): a child shard is not read until every parent it
/// has has been read to its end. When GetRecords reports the end of a closed shard
/// (no NextShardIterator, with its ChildShards), the consumer checkpoints it, traces
/// `shard_end`, and starts each child whose parents are done, from TRIM_HORIZON. So a
/// partition key's records are processed in order across a split.
///
/// With `enhanced_fan_out` (KCL 2.x's fan-out mode; Developer Guide, "Develop enhanced
/// fan-out consumers with dedicated throughput"; consumer_fan_out.cpp) it registers
/// (RegisterStreamConsumer) before listing the shards, and instead of GetShardIterator
/// and GetRecords it calls SubscribeToShard per shard from the same starting position;
/// the service pushes SubscribeToShardEvents, processed one event's records at a time
/// and checkpointed after each event, in arrival order. When a subscription ends (its
/// 5 minutes ran out) it subscribes again AT_SEQUENCE_NUMBER the last event's
/// ContinuationSequenceNumber. A refused SubscribeToShard (LimitExceededException,
/// ResourceInUseException) is tried again a second later: one call per second per
/// consumer and shard is the documented rate. The last event of a closed shard carries
/// its ChildShards, which start as with polling.
///
/// A crash forgets everything but the checkpoints (in the lease table): after a restart
/// it resumes from them, and what it processed after its last checkpoint is processed
/// again (the KCL's at-least-once processing).
class Consumer final : public Node {
 public:
  explicit Consumer(ConsumerConfig cfg) : cfg_(std::move(cfg)) {}

  void on_start(Context& ctx) override;
  void on_packet(Context& ctx, NodeId from, const Packet& p) override;
  void on_timer(Context& ctx, const Timer& t) override;
  void on_crash(Context& ctx) override;

  /// Whether shard `index` has been read to its end (a closed shard finished).
  bool finished(std::int32_t index) const;
  /// Whether the consumer reads shard `index` now (has an iterator for it).
  bool reading(std::int32_t index) const;

 private:
  // Iterator: asking where to start (GetShardIterator, or SubscribeToShard the first time);
  // Polling: between reads (with enhanced fan-out: waiting for the next push).
  enum class Status { Waiting, Iterator, Polling, Processing, Done };
  struct ShardRead {
    std::int32_t parent = -1;
    std::int32_t adjacent_parent = -1;
    Status status = Status::Waiting;
    std::int64_t position = 0;          // the iterator: next offset to read
    std::deque<std::pair<std::int64_t, Message>> batch;  // records to process, with offsets
    std::int64_t batch_end = 0;         // NextShardIterator of the batch in hand
    bool shard_end = false;
    std::uint64_t request = 0;          // call in flight (0: none)
    // Enhanced fan-out.
    std::uint64_t subscription = 0;     // the open subscription (0: none)
    bool subscribed_before = false;     // a later SubscribeToShard goes on from `continuation`
    std::int64_t continuation = 0;      // ContinuationSequenceNumber of the last event received
    std::deque<SubscribeToShardEvent> pushed;  // events received, not yet processed
  };
  void list(Context& ctx);
  void advance(Context& ctx);
  void ask_iterator(Context& ctx, std::int32_t shard);
  void poll(Context& ctx, std::int32_t shard);
  void process_next(Context& ctx, std::int32_t shard);
  void batch_done(Context& ctx, std::int32_t shard);
  void add_shard(const ShardInfo& s);
  std::uint64_t call(Context& ctx, std::int32_t shard);
  // Enhanced fan-out (consumer_fan_out.cpp).
  void register_consumer(Context& ctx);
  void subscribe(Context& ctx, std::int32_t shard);
  void on_subscribed(Context& ctx, const SubscribeToShardResponse& r);
  void on_pushed(Context& ctx, const SubscribeToShardEvent& e);
  void on_subscription_ended(Context& ctx, const SubscriptionEnded& e);
  void next_event(Context& ctx, std::int32_t shard);

  // Timer kinds; the arg packs the incarnation above a shard index or call id.
  static constexpr std::uint32_t kStart = 1, kPoll = 2, kProcessed = 3, kTimeout = 4, kResubscribe = 5;
  static constexpr std::int32_t kRegisterCall = -2;     // requests_ value of RegisterStreamConsumer
  static std::uint64_t pack(std::uint64_t inc, std::uint64_t v) { return (inc << 40) | v; }

  ConsumerConfig cfg_;
  std::map<std::int32_t, ShardRead> shards_;
  bool listed_ = false;
  std::uint64_t next_request_ = 1;
  std::map<std::uint64_t, std::int32_t> requests_;  // call id -> shard (-1: ListShards)
  std::uint64_t incarnation_ = 0;
};

}  // namespace bs::kinesis
