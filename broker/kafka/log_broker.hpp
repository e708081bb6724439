// The log-model broker node: Kafka's partition replicas, its replica fetchers, and its
// group coordinator.
#pragma once
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/node.hpp"
#include "kafka/controller_packets.hpp"
#include "kafka/events.hpp"
#include "kafka/log_broker_config.hpp"
#include "kafka/packets.hpp"
#include "kafka/replica_set.hpp"
#include "kafka/replication_packets.hpp"
#include "kafka/txn_index.hpp"
#include "kafka/txn_packets.hpp"

namespace bs::kafka {

/// A Kafka broker. It hosts a replica of each partition whose replica list names it.
///
/// As a partition's **leader** it appends produced records in its leader epoch, tracks
/// its followers' log end offsets and the ISR (replica.lag.time.max.ms; ISR changes go
/// through the controller, KIP-497), advances the high watermark, answers acks=all once
/// the high watermark passes a batch (Kafka's produce purgatory) and refuses acks=all
/// with NOT_ENOUGH_REPLICAS below min.insync.replicas; it checks an idempotent
/// producer's sequence numbers (KIP-98); it serves consumer fetches below the high
/// watermark and replica fetches from any offset, telling a follower where its log
/// diverges (KIP-595).
///
/// As a **follower** it fetches from the leader (one batched fetch per leader broker),
/// appends what it gets, and truncates its log where the leader says it diverges.
///
/// In a KRaft cluster it heartbeats to the active controller and applies the metadata the
/// controller pushes (leaders, epochs, ISRs). It is the group coordinator of the groups
/// whose __consumer_offsets partition it leads; committed offsets are records of that
/// partition, replicated like any other. Without controllers the metadata is fixed and it
/// coordinates the groups declared on it.
///
/// It is the transaction coordinator (KIP-98) of the transactional.ids whose
/// __transaction_state partition it leads (txn_coordinator.cpp): each transaction's state
/// is a record of that partition, replicated like any other, and acted on (answers,
/// markers) only once the high watermark passes it. As a partition leader it refuses
/// writes from an older producer epoch, appends the coordinator's commit and abort
/// markers, keeps the last stable offset, and serves read_committed fetches below it.
///
/// A crash loses what lives in memory (roles, group membership, parked fetches, the
/// metadata cache); the logs survive (as if flushed: Kafka relies on replication, not
/// fsync, and lessons crash whole machines rarely enough that this is the kinder model).
class LogBroker final : public Node {
 public:
  explicit LogBroker(LogBrokerConfig cfg);

  void on_start(Context& ctx) override;
  void on_packet(Context& ctx, NodeId from, const Packet& p) override;
  void on_timer(Context& ctx, const Timer& t) override;
  void on_crash(Context& ctx) override;

  // Read-only views for unit tests.
  const PartitionLog* log(const TopicPartition& tp) const;
  /// The group's committed offset for tp, or -1 when it has none.
  std::int64_t committed(const std::string& group, const TopicPartition& tp) const;
  std::int32_t generation(const std::string& group) const;
  /// Current members of a group, in node order.
  std::vector<NodeId> members(const std::string& group) const;
  /// Partitions the member holds in the group's current generation.
  std::vector<TopicPartition> assignment(const std::string& group, NodeId member) const;
  /// True when this broker currently leads tp.
  bool leads(const TopicPartition& tp) const;

 private:
  /// An idempotent producer's recent writes to one partition (Kafka keeps its last five
  /// batches; a bounded window of sequence -> offset does the same job here).
  struct ProducerEntry {
    std::int16_t epoch = 0;
    std::int32_t last_seq = -1;
    std::deque<std::pair<std::int32_t, std::int64_t>> recent;  // (sequence, offset)
  };
  /// This broker's replica of one partition.
  struct Replica {
    TopicPartition tp;
    std::string name;  // "topic/p"
    const TopicConfig* topic = nullptr;
    PartitionLog log;
    PartitionState state;
    bool known = false;                 // state came from the metadata
    std::unique_ptr<ReplicaSet> isr;    // leader only
    std::vector<NodeId> pending_adds;   // ISR additions sent to the controller, not committed yet
    double alter_sent_at = -1;          // an AlterPartition in flight since then
    std::map<std::int64_t, ProducerEntry> producers;
    TxnIndex txns;                      // open and aborted transactions in this partition
    bool internal = false;              // __consumer_offsets or __transaction_state
    bool txn_state = false;             // __transaction_state
    bool leader(NodeId self) const { return known && state.leader == self && isr; }
  };
  struct Member {
    std::vector<std::string> topics;
    double session_timeout_s = 10;
    double last_heartbeat = 0;
    std::vector<TopicPartition> assigned, previous;
  };
  struct Group {
    std::string name;
    AssignorKind assignor = AssignorKind::Range;
    std::int32_t generation = 0;
    std::map<NodeId, Member> members;
    std::map<TopicPartition, std::int64_t> committed;
    bool rebalance_scheduled = false;
    /// TxnOffsetCommit: offsets a transaction will commit, by producer id (with the
    /// committing member and its generation, for the trace).
    struct PendingTxnOffsets {
      NodeId member = kNoNode;
      std::int32_t generation = 0;
      std::int16_t epoch = 0;
      std::map<TopicPartition, std::int64_t> offsets;
    };
    std::map<std::int64_t, PendingTxnOffsets> pending_txn;
    std::map<std::int64_t, std::int16_t> txn_epochs;  // newest epoch seen per producer id (fencing)
  };
  /// A transactional.id's state at its coordinator (Kafka's TransactionMetadata).
  enum class TxnStatus : std::uint8_t { Empty, Ongoing, PrepareCommit, PrepareAbort, CompleteCommit, CompleteAbort };
  struct TxnReply {
    std::int64_t offset = 0;  // answered once the high watermark passes this state record
    NodeId to = kNoNode;
    TxnResponse resp;
  };
  struct TxnMeta {
    std::string id;
    std::int64_t producer_id = -1;
    std::int16_t epoch = 0;
    std::int16_t last_epoch = -1;             // before EndTxn bumped it: that EndTxn may be retried
    std::int16_t expired_epoch = -1;          // before a timeout abort bumped it: that producer may recover (KIP-360)
    TxnStatus status = TxnStatus::Empty;
    double timeout_s = 60;
    double started_at = 0;
    NodeId client = kNoNode;                  // the instance that last initialised or used it
    std::vector<TopicPartition> partitions;   // touched by the open transaction
    std::vector<std::string> groups;          // whose offsets it commits
    std::vector<TopicPartition> markers_pending;
    std::vector<std::string> groups_pending;
    std::int64_t state_offset = -1;           // the record that must be committed before markers go out
    bool markers_sent = false;
    std::vector<TxnReply> replies;
  };
  /// A long-polling fetch (a consumer's or a follower's) waiting for records or its deadline.
  template <class Request>
  struct ParkedFetch {
    Request req;
    double deadline = 0;
  };
  using Parked = ParkedFetch<FetchRequest>;
  using ParkedReplica = ParkedFetch<ReplicaFetch>;
  /// Answer every parked fetch that `ready` says can be answered now.
  template <class Request, class Ready, class Answer>
  static void answer_ready(std::map<NodeId, ParkedFetch<Request>>& parked, Ready ready, Answer answer) {
    std::vector<NodeId> due;
    for (const auto& [to, pk] : parked)
      if (ready(pk.req)) due.push_back(to);
    for (NodeId to : due) {
      Request req = std::move(parked.at(to).req);
      parked.erase(to);
      answer(to, req);
    }
  }
  /// The max-wait timer of `to`'s parked fetch fired: answer it unless it was answered or
  /// superseded by a newer fetch (a later deadline).
  template <class Request, class Answer>
  static void expire_parked(std::map<NodeId, ParkedFetch<Request>>& parked, NodeId to, double now, Answer answer) {
    auto it = parked.find(to);
    if (it == parked.end() || it->second.deadline > now + 1e-12) return;
    Request req = std::move(it->second.req);
    parked.erase(it);
    answer(to, req);
  }
  /// An acks=all produce request waiting for the high watermark (Kafka's DelayedProduce).
  struct DelayedProduce {
    std::uint64_t id = 0;
    NodeId client = kNoNode;
    ProduceResponse resp;
    std::vector<std::pair<std::size_t, std::int64_t>> waits;  // (index in resp.parts, end offset)
    std::vector<TopicPartition> tps;                          // parallel to waits
  };
  struct Fetcher {
    bool inflight = false;
    std::uint64_t fetch_id = 0;
    bool backoff = false;
  };

  // log_broker.cpp: set-up, dispatch, metadata.
  void init(Context& ctx);
  void answer_metadata(Context& ctx, NodeId from, const MetadataRequest& r);
  Replica* find(const TopicPartition& tp);
  const Replica* find(const TopicPartition& tp) const;
  bool kraft() const { return !cfg_.controllers.empty(); }
  // broker_produce.cpp: the leader's write path.
  void handle_produce(Context& ctx, NodeId from, const ProduceRequest& r);
  void handle_init_producer_id(Context& ctx, NodeId from, const InitProducerId& r);
  ErrorCode check_sequence(Context& ctx, Replica& r, NodeId from, const ProduceRequest& req, const PartitionBatch& b,
                           std::int64_t* duplicate_offset);
  void remember_record(Replica& r, const StoredRecord& rec, std::int64_t offset);
  void rebuild_producers(Replica& r);
  std::int64_t append_local(Context& ctx, Replica& r, StoredRecord rec, NodeId producer);
  void advance_high_watermark(Context& ctx, Replica& r);
  void complete_delayed(Context& ctx, const TopicPartition& tp, ErrorCode fail = ErrorCode::None);
  void expire_delayed(Context& ctx, std::uint64_t id);
  // broker_fetch.cpp: consumer fetches.
  void handle_fetch(Context& ctx, NodeId from, const FetchRequest& r);
  std::int64_t resolve(const FetchRequest& r, const FetchPartition& fp, bool* reset, std::int64_t* from) const;
  bool has_data(const FetchRequest& r) const;
  /// Where a fetch may read up to in rep: the high watermark, or for read_committed the
  /// last stable offset.
  std::int64_t readable_end(const FetchRequest& r, const Replica& rep) const;
  void answer_fetch(Context& ctx, NodeId to, const FetchRequest& r);
  void wake_fetches(Context& ctx);
  void handle_list_offsets(Context& ctx, NodeId from, const ListOffsets& l);
  // broker_replication.cpp: leader and follower sides of replication, the controller.
  void handle_replica_fetch(Context& ctx, NodeId from, const ReplicaFetch& f);
  bool replica_fetch_ready(const ReplicaFetch& f) const;
  void answer_replica_fetch(Context& ctx, NodeId to, const ReplicaFetch& f);
  void on_replica_fetch_response(Context& ctx, NodeId from, const ReplicaFetchResponse& r);
  void fetch_from(Context& ctx, NodeId leader);
  void apply_metadata(Context& ctx, const MetadataUpdate& u);
  void apply_state(Context& ctx, Replica& r, const PartitionState& s);
  /// Start a replica fetch to every leader this broker follows a partition of.
  void start_fetchers(Context& ctx);
  void check_isr(Context& ctx);
  void send_alter(Context& ctx, Replica& r, std::vector<NodeId> isr);
  void heartbeat_controller(Context& ctx);
  // group_coordinator.cpp: groups and committed offsets.
  bool coordinates(const std::string& group) const;
  Replica* offsets_partition(const std::string& group);
  bool refuse_if_not_coordinator(Context& ctx, NodeId from, const std::string& group);
  void handle_join(Context& ctx, NodeId from, const JoinGroup& j);
  void handle_heartbeat(Context& ctx, NodeId from, const Heartbeat& h);
  void handle_leave(Context& ctx, NodeId from, const LeaveGroup& l);
  void handle_commit(Context& ctx, NodeId from, const OffsetCommit& c);
  void handle_offset_fetch(Context& ctx, NodeId from, const OffsetFetch& f);
  /// Append a record to the group's __consumer_offsets partition; a transaction's offset
  /// commit is a transactional record of its producer (`who`), open until its marker.
  void store_group_record(Context& ctx, const std::string& group, std::string text, const TxnIdentity* who = nullptr);
  /// Becoming leader of a __consumer_offsets partition: rebuild its groups' committed
  /// offsets and generations from its records (Kafka's GroupMetadataManager load).
  void load_groups(Replica& r);
  /// No longer its leader: forget the members of its groups (they find the new coordinator).
  void unload_groups(Replica& r);
  Group& group(const std::string& name);
  void schedule_rebalance(Context& ctx, Group& g);
  void rebalance(Context& ctx, Group& g);
  void check_sessions(Context& ctx);
  void apply_retention(Context& ctx);
  // txn_coordinator.cpp: the transaction coordinator.
  Replica* txn_partition(const std::string& transactional_id);
  void answer_find_txn_coordinator(Context& ctx, NodeId from, const FindTxnCoordinator& f);
  /// The request's transaction, or nullptr after answering NOT_COORDINATOR /
  /// PRODUCER_FENCED / CONCURRENT_TRANSACTIONS.
  /// `retry_ok`: an EndTxn retried with the epoch its first attempt bumped is not fenced.
  TxnMeta* txn_for(Context& ctx, NodeId from, const TxnIdentity& who, std::uint64_t request_id, const char* request,
                   bool retry_ok = false);
  void handle_init_txn_producer_id(Context& ctx, NodeId from, const InitTxnProducerId& r);
  void handle_add_partitions(Context& ctx, NodeId from, const AddPartitionsToTxn& r);
  void handle_add_offsets(Context& ctx, NodeId from, const AddOffsetsToTxn& r);
  void handle_end_txn(Context& ctx, NodeId from, const EndTxn& r);
  void handle_markers_response(Context& ctx, NodeId from, const WriteTxnMarkersResponse& r);
  /// Start the transaction if it is not open, then record `t`'s state; `reply` (if any)
  /// is sent once the state is committed.
  void write_txn_state(Context& ctx, TxnMeta& t, TxnStatus status, NodeId reply_to = kNoNode, TxnResponse reply = {});
  /// Begin ending the open transaction (PrepareCommit or PrepareAbort).
  void end_txn(Context& ctx, TxnMeta& t, bool commit, NodeId reply_to, TxnResponse reply);
  /// The high watermark of a __transaction_state partition moved: send the answers and
  /// markers that waited for it.
  void on_txn_state_committed(Context& ctx, Replica& r);
  void send_markers(Context& ctx, TxnMeta& t);
  void check_txn_timeouts(Context& ctx);
  void load_txns(Context& ctx, Replica& r);
  void unload_txns(Replica& r);
  // txn_partition.cpp: a partition leader's side of transactions.
  void handle_write_markers(Context& ctx, NodeId from, const WriteTxnMarkers& m);
  /// Append a commit or abort marker for `who` to r unless the same marker is its last.
  void append_marker(Context& ctx, Replica& r, NodeId coordinator, const TxnIdentity& who, bool commit);
  void handle_txn_offset_commit(Context& ctx, NodeId from, const TxnOffsetCommit& c);
  /// A marker reached the group's offsets: its pending offsets become committed or vanish.
  void settle_txn_offsets(Context& ctx, Group& g, const TxnIdentity& who, bool commit);
  bool unstable_offset(const std::string& group, const TopicPartition& tp) const;
  /// Answer the TxnOffsetCommits whose records r's high watermark has passed.
  void flush_offset_replies(Context& ctx, Replica& r);

  LogBrokerConfig cfg_;
  NodeId self_ = kNoNode;
  bool initialized_ = false;
  std::map<std::string, TopicConfig> topics_;
  std::map<TopicPartition, Replica> replicas_;            // partitions hosted here
  std::map<TopicPartition, PartitionState> metadata_;     // the whole cluster, as last heard
  std::uint64_t metadata_offset_ = 0;
  std::vector<Group> groups_;  // index = timer arg of a scheduled rebalance
  std::map<NodeId, Parked> parked_;  // one long-polling fetch per consumer
  std::map<NodeId, ParkedReplica> parked_replicas_;  // one per follower broker
  std::map<std::uint64_t, DelayedProduce> delayed_;
  std::uint64_t next_delayed_ = 1;
  std::map<NodeId, Fetcher> fetchers_;  // by leader broker
  std::uint64_t next_fetch_id_ = 1;
  std::size_t controller_index_ = 0;   // which voter we think is active
  bool heartbeat_answered_ = true;
  std::int64_t next_producer_id_ = 0;
  std::map<std::string, TxnMeta> txns_;  // transactional.ids this broker coordinates now
  // TxnOffsetCommits answered once their records are replicated (Kafka appends them with
  // acks=all): a deposed coordinator that still takes them never answers.
  std::map<TopicPartition, std::vector<TxnReply>> offset_replies_;
  bool txn_check_set_ = false;           // the transaction-timeout check is scheduled
  std::uint64_t next_marker_request_ = 1;
};

}  // namespace bs::kafka
