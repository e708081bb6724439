// The producing half of a consume-transform-produce application: Kafka's transactional
// producer (KafkaProducer with transactional.id, KIP-98), or a plain producer for the
// at-least-once version of the same application.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/node.hpp"
#include "kafka/packets.hpp"
#include "kafka/txn_packets.hpp"

namespace bs::kafka {

/// Where a consume-transform-produce application writes, and how. Times simulated seconds.
struct TransformConfig {
  std::string topic;                  ///< the output topic; "" = not an application that produces
  std::int32_t partitions = 1;        ///< the output topic's partition count
  /// transactional.id: the application's outputs and its consumed offsets commit
  /// atomically (Kafka Streams' processing.guarantee exactly_once_v2). "" = at-least-once:
  /// outputs are produced, then offsets committed, and a crash in between re-produces.
  std::string transactional_id;
  double transaction_timeout_s = 60;  ///< transaction.timeout.ms (Kafka default 60 s)
  double request_timeout_s = 30;      ///< request.timeout.ms
  double retry_backoff_s = 0.1;       ///< retry.backoff.ms
};

/// What a call into TxnClient led to, for the consumer that owns it.
enum class TxnOutcome : std::uint8_t {
  None,
  Ready,      ///< initTransactions() finished: the producer id and epoch are known
  Committed,  ///< commitTransaction() finished (at-least-once: every output acknowledged)
  Aborted,    ///< the transaction was aborted: rewind to the committed offsets
  Fenced,     ///< a newer instance owns the transactional.id: this one must close
};

/// Kafka's transactional producer as a consume-transform-produce loop drives it:
/// initTransactions() (find the transaction coordinator, InitProducerId: the epoch bump
/// fences older instances, retried while the coordinator finishes their transaction),
/// then per transaction: send() of each output (AddPartitionsToTxn before the first write
/// to a partition, then a Produce with acks=all carrying the producer id and epoch),
/// sendOffsetsToTransaction() (AddOffsetsToTxn, then TxnOffsetCommit to the group
/// coordinator), commitTransaction() / abortTransaction() (EndTxn, after every send is
/// answered). Coordinator errors (NOT_COORDINATOR, timeouts, CONCURRENT_TRANSACTIONS) are
/// retried after retry.backoff.ms; a failed send, or a group coordinator that refuses or
/// moved, makes the transaction abortable (Kafka's TransactionManager: the application
/// must abort). INVALID_PRODUCER_EPOCH (the coordinator aborted a timed-out transaction)
/// makes it ask for a new epoch with its old one (KIP-360); PRODUCER_FENCED (a newer
/// instance owns the transactional.id) is fatal. Each commit or abort returns the next
/// epoch (KIP-890). A send within a transaction is not retried here (the transaction is
/// aborted instead), so sequence numbers are not needed.
///
/// Without a transactional.id: send() produces with acks=all at once, commit() waits
/// for every output's acknowledgement (Committed) and the owner commits its offsets.
class TxnClient {
 public:
  /// leader_of: the output partition's leader as the owner knows it (kNoNode: unknown).
  TxnClient(TransformConfig cfg, NodeId broker, std::vector<NodeId> bootstrap,
            std::function<NodeId(const TopicPartition&)> leader_of);

  bool transactional() const { return !cfg_.transactional_id.empty(); }
  /// initTransactions(): start looking for the coordinator (a plain producer is ready at once).
  TxnOutcome start(Context& ctx);
  bool ready() const { return ready_; }
  /// A commit or abort is under way: the owner processes nothing meanwhile.
  bool busy() const { return phase_ != Phase::Idle; }
  /// A transaction (or, at-least-once, an unacknowledged output) is open.
  bool open() const { return open_; }
  /// send(): produce `out`, made from the input record `source`, to `partition`.
  void send(Context& ctx, Message out, std::int32_t partition, MsgId source);
  /// sendOffsetsToTransaction() + commitTransaction(); at-least-once: wait for every output.
  void commit(Context& ctx, const std::string& group, std::int32_t generation, NodeId group_coordinator,
              std::vector<FetchPartition> offsets);
  /// abortTransaction().
  TxnOutcome abort(Context& ctx);
  TxnOutcome on_packet(Context& ctx, NodeId from, const Packet& p);
  /// Timers whose kind is at least kTimerBase belong to the client.
  TxnOutcome on_timer(Context& ctx, const Timer& t);
  static constexpr std::uint32_t kTimerBase = 100;
  /// A crash: everything in memory is gone (the next start() re-initialises).
  void crash();
  std::int64_t producer_id() const { return producer_id_; }
  std::int16_t producer_epoch() const { return epoch_; }

 private:
  enum class Phase : std::uint8_t { Idle, Committing, Aborting };
  enum class Step : std::uint8_t { None, Find, Init, AddPartitions, AddOffsets, OffsetCommit, End };
  struct Produce {
    NodeId leader = kNoNode;
    std::vector<Message> records;
    std::vector<std::uint64_t> seqs;
  };
  void find_coordinator(Context& ctx);
  /// Send the current step's request again (after a retriable error or a new coordinator).
  void send_step(Context& ctx);
  void begin_step(Context& ctx, Step s);
  void produce(Context& ctx, std::int32_t partition, std::vector<Message> records, std::vector<std::uint64_t> seqs);
  /// Move a commit or abort along once nothing it waits for is in flight.
  TxnOutcome advance(Context& ctx);
  TxnOutcome on_txn_response(Context& ctx, const TxnResponse& r);
  TxnOutcome on_produce_response(Context& ctx, NodeId from, const ProduceResponse& r);
  /// INVALID_PRODUCER_EPOCH: get a new epoch for the same producer id (KIP-360).
  TxnOutcome recover(Context& ctx);
  TxnOutcome finish(TxnOutcome o);
  TxnIdentity who() const { return TxnIdentity{cfg_.transactional_id, producer_id_, epoch_}; }

  TransformConfig cfg_;
  NodeId broker_;
  std::vector<NodeId> bootstrap_;
  std::size_t bootstrap_next_ = 0;
  std::function<NodeId(const TopicPartition&)> leader_of_;
  NodeId coordinator_ = kNoNode;
  bool ready_ = false;
  std::int64_t producer_id_ = -1;
  std::int16_t epoch_ = 0;
  Phase phase_ = Phase::Idle;
  Step step_ = Step::None;
  std::uint64_t step_id_ = 0;        // the coordinator request in flight (0: none)
  std::uint64_t next_id_ = 1;
  std::uint64_t next_seq_ = 1;       // publish sequence numbers, for confirms
  bool open_ = false;                // the coordinator knows of a transaction (or outputs are unacknowledged)
  bool failed_ = false;              // a send failed: only an abort is possible
  std::set<std::int32_t> added_;     // partitions in the open transaction
  std::set<std::int32_t> adding_;    // in the AddPartitionsToTxn in flight
  std::map<std::int32_t, std::vector<std::pair<Message, std::uint64_t>>> queued_;  // waiting for AddPartitionsToTxn
  std::map<std::uint64_t, Produce> inflight_;  // produce requests by id
  bool offsets_added_ = false;
  std::string group_;
  std::int32_t generation_ = 0;
  NodeId group_coordinator_ = kNoNode;
  std::vector<FetchPartition> offsets_;
  Step resume_ = Step::Init;         // the step that waits for the coordinator being found
};

}  // namespace bs::kafka
