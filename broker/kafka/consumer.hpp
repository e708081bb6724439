// A consuming client of the log model: a member of a consumer group (Kafka semantics).
#pragma once
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "client/bootstrap.hpp"
#include "client/processing_time.hpp"
#include "core/node.hpp"
#include "kafka/events.hpp"
#include "kafka/packets.hpp"
#include "kafka/txn_client.hpp"

namespace bs::kafka {

/// When the consumer commits its offsets, i.e. which delivery guarantee it gets.
enum class CommitMode {
  AfterProcessing,   ///< commit after processing (every commit_every records): at-least-once
  BeforeProcessing,  ///< commit what was fetched before processing it: at-most-once
  Auto,              ///< enable.auto.commit: commit processed positions every auto_commit_interval_s
};

/// A scheduled seek (KafkaConsumer.seek / offsetsForTimes + seek). Exactly one target.
struct SeekSpec {
  double at_s = 0;              ///< simulated time of the seek
  std::int64_t to_offset = -1;  ///< seek to this offset
  double to_timestamp_s = -1;   ///< seek to the first record appended at or after this time
  double back_s = -1;           ///< seek to the first record appended at or after now - back_s
  std::string topic;            ///< with partition: only that partition; "" = every owned partition
  std::int32_t partition = -1;
};

/// A record that takes longer to process (to show head-of-line blocking).
struct SlowRecord {
  std::string key;     ///< records with this key ("" = match by msg)
  MsgId msg = 0;       ///< or this one message
  double processing_s = 0;
};

/// How a group member consumes. Times are simulated seconds, sizes bytes.
struct ConsumerConfig {
  NodeId broker = kNoNode;              ///< the group's coordinator (and the topics' leader), when known without asking
  /// bootstrap.servers: brokers asked in turn for metadata (the group's coordinator)
  /// before joining. Empty: join at `broker` without a metadata round trip.
  std::vector<NodeId> bootstrap;
  std::vector<std::string> bootstrap_names;  ///< their trace names, parallel to bootstrap
  double reconnect_s = 0.05;            ///< reconnect.backoff.ms (Kafka default 50 ms)
  double request_timeout_s = 30;        ///< request.timeout.ms (Kafka default 30 s)
  std::string group;
  std::vector<std::string> topics;
  CommitMode commit = CommitMode::AfterProcessing;
  std::uint32_t commit_every = 1;       ///< AfterProcessing: records processed per commit
  double auto_commit_interval_s = 5;    ///< auto.commit.interval.ms (Kafka default 5 s)
  double heartbeat_s = 1;               ///< heartbeat.interval.ms (Kafka default 3 s)
  double session_timeout_s = 10;       ///< session.timeout.ms (Kafka default 45 s)
  std::uint32_t max_records = 500;      ///< max.poll.records: records per fetch
  std::uint64_t max_bytes = 50u << 20;  ///< fetch.max.bytes
  double max_wait_s = 0.5;              ///< fetch.max.wait.ms (Kafka default 500 ms)
  bool reset_earliest = false;          ///< auto.offset.reset: earliest, or latest (Kafka's default)
  ProcessingTime processing;
  std::vector<SlowRecord> slow;
  std::vector<SeekSpec> seeks;
  double start_s = 0;
  double stop_s = -1;                   ///< commit and leave the group then; < 0 never
  /// isolation.level (KIP-98): read_committed reads below the last stable offset and
  /// drops records of aborted transactions; read_uncommitted (Kafka's default) reads
  /// everything below the high watermark.
  bool read_committed = false;
  /// A consume-transform-produce application: each processed record produces one output
  /// record (same key) to transform.topic, transactionally with a transactional.id.
  TransformConfig transform;
};

/// Joins its group, fetches its assigned partitions from their committed offsets
/// (long-polling), processes records one at a time in fetch order — so a slow record
/// holds up every record behind it in its partition — and commits per its CommitMode.
/// It heartbeats; when the coordinator does not know it (evicted after session.timeout.ms,
/// or the broker restarted) it rejoins. On a new assignment it commits what it processed
/// (as onPartitionsRevoked would), drops what it fetched but did not process, and
/// resumes every partition from the group's committed offset. A crash loses the
/// fetched records, the record in hand and the uncommitted positions.
///
/// With a bootstrap list (a cluster) it first asks a bootstrap broker for metadata
/// (FindCoordinator, and each partition's leader) and joins at the coordinator it names;
/// a bootstrap broker silent for request.timeout.ms is given up (traced `failover`) and
/// the next one asked after reconnect.backoff.ms. It then fetches each partition from its
/// leader, one FetchRequest in flight per leader broker (Kafka's Fetcher). A partition
/// answered NOT_LEADER_OR_FOLLOWER, or a fetch unanswered for request.timeout.ms, makes it
/// ask the metadata again and fetch from the new leader after reconnect.backoff.ms;
/// records already fetched stay valid (offsets do not change with the leader). A newly
/// assigned partition starts at the group's committed offset, asked of the coordinator
/// (OffsetFetch; -1 = none, the leader then applies auto.offset.reset) unless the
/// coordinator also leads the partition, which resolves kCommittedOffset itself.
/// Group requests go to the coordinator; on NOT_COORDINATOR (CoordinatorError), an
/// unanswered OffsetFetch, or — once the coordinator has answered heartbeats — no
/// HeartbeatResponse for request.timeout.ms, the member marks the coordinator unknown
/// (traced `failover`), finds it again (FindCoordinator) and rejoins the group there.
/// Without a bootstrap list everything is at `broker` and fetches use kCommittedOffset.
///
/// Control records (transaction markers) are never given to the application; with
/// read_committed it also drops the records of the aborted transactions the broker lists
/// (Kafka's Fetcher: a producer's records from an aborted transaction's first offset up to
/// its abort marker). A partition whose committed offset is pending in a transaction
/// (UNSTABLE_OFFSET_COMMIT) is asked again after reconnect.backoff.ms.
///
/// As a consume-transform-produce application (transform.topic), processing a record
/// sends its output through a TxnClient; every commit_every records (or when idle) it
/// commits: with a transactional.id, the outputs and the consumed offsets in one
/// transaction (sendOffsetsToTransaction + commitTransaction) and no processing until it
/// is done; without, the outputs' acknowledgements and then an OffsetCommit. An aborted
/// transaction, a rebalance or an eviction rewinds every partition to the group's
/// committed offsets (the aborted outputs are never read by read_committed consumers); a
/// fenced producer closes the application (it leaves the group and stops). A restart
/// calls initTransactions() again before joining, which aborts what the crashed instance
/// left open.
class Consumer final : public Node {
 public:
  explicit Consumer(ConsumerConfig cfg);

  void on_start(Context& ctx) override;
  void on_packet(Context& ctx, NodeId from, const Packet& p) override;
  void on_timer(Context& ctx, const Timer& t) override;
  void on_crash(Context& ctx) override;

  std::int32_t generation() const { return generation_; }
  std::vector<TopicPartition> owned() const;
  std::size_t buffered() const { return buffer_.size(); }
  /// Next offset to process in tp (-1 when unknown or not owned).
  std::int64_t processed_position(const TopicPartition& tp) const;
  /// The group coordinator it talks to (kNoNode while the metadata is unknown).
  NodeId coordinator() const { return coordinator_; }
  /// The leader tp is fetched from, as the consumer knows it (kNoNode: unknown).
  NodeId leader_of(const TopicPartition& tp) const;

 private:
  struct Owned {
    TopicPartition tp;
    std::string name;                           // "topic/p"
    std::int64_t position = kCommittedOffset;   // next offset to fetch
    std::int64_t processed = -1;                // next offset to process (-1 unknown)
    std::int64_t committed_sent = -1;
    double retry_at = -1;                       // UNSTABLE_OFFSET_COMMIT: not fetched before then
  };
  struct Buffered {
    std::size_t part = 0;
    std::int64_t offset = 0;
    std::uint64_t epoch = 0;
    std::string partition;  // "topic/p", kept for the trace even if the partition moves
    Message msg;
  };

  void join(Context& ctx);
  void ask_metadata(Context& ctx);
  /// The coordinator stopped answering as one (`reason`): find it again and rejoin.
  void lose_coordinator(Context& ctx, const std::string& reason);
  /// A partition's leader is not known any more: ask the metadata again.
  void lose_leader(Context& ctx, const TopicPartition& tp);
  void on_offset_fetch(Context& ctx, const OffsetFetchResponse& r);
  std::string broker_label(NodeId id) const;
  void reset_volatile();
  void on_assignment(Context& ctx, const Assignment& a);
  void on_fetch_response(Context& ctx, const FetchResponse& r);
  void maybe_fetch(Context& ctx);
  /// Drop buffered records and any fetch in flight, then fetch from the positions.
  void refetch(Context& ctx);
  void process_ready(Context& ctx);
  void finish(Context& ctx, const Buffered& b);
  void commit(Context& ctx, bool positions);
  void seek(Context& ctx, std::size_t part, std::int64_t offset);
  double processing_time(Context& ctx, const Message& m);
  std::size_t find_owned(const TopicPartition& tp) const;
  // Consume-transform-produce (consumer_transform.cpp).
  /// After kStart (and initTransactions() when transactional): find the coordinator and join.
  void begin(Context& ctx);
  /// Produce the output of a processed record.
  void transform(Context& ctx, const Buffered& b);
  /// Commit the outputs and positions processed so far (a transaction, or acks + OffsetCommit).
  void commit_transform(Context& ctx);
  void on_txn_outcome(Context& ctx, TxnOutcome o);
  /// Where fetching starts for every owned partition: the group's committed offsets.
  void start_from_committed(Context& ctx);
  /// Drop control records and, with read_committed, aborted records from a fetch of partition i.
  void buffer_records(std::size_t i, const FetchPartitionData& d);
  bool transform_waits() const { return txn_ && (txn_->busy() || !txn_->ready()); }

  ConsumerConfig cfg_;
  BrokerList bootstrap_;
  NodeId coordinator_ = kNoNode;
  std::uint64_t metadata_id_ = 0;  // the metadata request in flight (0 = none)
  std::uint64_t metadata_seq_ = 0;
  bool member_ = false;     // JoinGroup sent and not left
  bool stopped_ = false;
  std::int32_t generation_ = 0;
  std::vector<Owned> owned_;
  std::deque<Buffered> buffer_;
  bool busy_ = false;
  Buffered current_;
  std::uint64_t work_gen_ = 0;
  std::uint64_t epoch_ = 0;      // bumped when positions change under the buffered records
  std::uint64_t fetch_id_ = 0;
  std::map<NodeId, std::uint64_t> fetching_;  // leader -> fetch_id of its fetch in flight
  std::map<TopicPartition, NodeId> leaders_;   // cluster: each partition's leader (kNoNode: unknown)
  bool leaders_stale_ = false;                 // a leader is unknown: metadata wanted
  bool rejoin_pending_ = false;                // rejoining at a new coordinator: any generation is new
  std::uint64_t coordinator_gen_ = 0;          // bumped when the coordinator is lost
  std::uint32_t coordinator_failovers_ = 0;
  std::uint64_t heartbeat_sent_ = 0, heartbeat_acked_ = 0;
  std::uint64_t offset_fetch_id_ = 0;          // OffsetFetch in flight (0 = none)
  std::uint32_t since_commit_ = 0;
  std::uint64_t list_request_ = 0;
  std::int64_t pending_seek_part_ = -1;
  // An assignment that arrived while a record was in hand: as in Kafka, where the
  // rebalance runs inside poll(), it takes effect between records, not in the middle.
  bool assignment_waiting_ = false;
  Assignment waiting_;  // partition of the ListOffsets in flight (-1 = all)
  std::unique_ptr<TxnClient> txn_;  // a consume-transform-produce application's producer
  OffsetFetch pending_offset_fetch_;  // asked again after UNSTABLE_OFFSET_COMMIT
  std::uint64_t round_robin_ = 0;   // output partition of keyless records
};

}  // namespace bs::kafka
