// A producing client of the log model (Kafka semantics).
#pragma once
#include <cstdint>
#include <deque>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "client/bootstrap.hpp"
#include "core/node.hpp"
#include "kafka/events.hpp"
#include "kafka/packets.hpp"

namespace bs::kafka {

/// What a producer writes and how (Kafka's ProducerConfig). Times are simulated seconds,
/// sizes bytes.
struct ProducerConfig {
  NodeId broker = kNoNode;           ///< the broker that leads every partition, when known without asking
  /// bootstrap.servers: brokers asked in turn for metadata (which broker leads each
  /// partition) before producing. Empty: produce to `broker` without a metadata round trip.
  std::vector<NodeId> bootstrap;
  std::vector<std::string> bootstrap_names;  ///< their trace names, parallel to bootstrap
  double reconnect_s = 0.05;         ///< reconnect.backoff.ms (Kafka default 50 ms)
  double request_timeout_s = 30;     ///< request.timeout.ms (Kafka default 30 s): an unanswered request fails after this
  std::string topic;
  std::int32_t partitions = 1;       ///< the topic's partition count (metadata)
  std::vector<std::string> keys;     ///< record keys used in turn; empty = records without a key
  std::int32_t partition = -1;       ///< explicit partition for every record; -1 = partitioner decides
  std::uint64_t count = 0;           ///< records to produce in total
  double start_s = 0;
  double interval_s = 0.1;           ///< between batches
  std::uint32_t batch = 1;           ///< records produced together each interval (one batch per partition)
  std::uint32_t size_bytes = 1024;   ///< value size of each record
  std::int32_t acks = -1;            ///< acks: 0, 1 or -1 ("all", Kafka 3.x's default); with one broker "all" behaves as 1
  /// retries (Kafka default 2147483647): how often a failed batch is sent again.
  std::int64_t retries = std::numeric_limits<std::int32_t>::max();
  double retry_backoff_s = 0.1;      ///< retry.backoff.ms (Kafka default 100 ms): wait before resending a failed batch
  /// delivery.timeout.ms (Kafka default 120 s): a record not acknowledged this long after
  /// send() fails for good (Kafka requires >= linger.ms + request.timeout.ms).
  double delivery_timeout_s = 120;
  /// max.in.flight.requests.per.connection (Kafka default 5): unanswered requests per broker.
  std::uint32_t max_in_flight = 5;
  /// enable.idempotence (KIP-98). Kafka 3.x turns it on unless acks, retries or
  /// max.in.flight conflict; the scenario loader applies that rule, this struct defaults
  /// to off.
  bool enable_idempotence = false;
};

/// Produces `count` records, as Kafka's Java producer (KafkaProducer + Sender).
///
/// Partitioning: a keyed record goes to murmur2(key) modulo the partition count; records
/// without a key go round-robin (Kafka >= 2.4's sticky partitioner fills one batch at a
/// time instead; with one batch per interval the effect on ordering is the same). Each
/// interval's records form one batch per partition (the RecordAccumulator).
///
/// Sending (Sender.sendProducerData): every partition's batch goes to that partition's
/// leader, learnt from metadata (MetadataResponse.partitions); a partition without a
/// known leader waits and the metadata is asked again after retry.backoff.ms. Each send
/// makes one ProduceRequest per leader with at most one batch per partition (the oldest
/// unsent one: a partition's batches leave in order), and a broker has at most
/// max.in.flight.requests.per.connection unanswered requests. With acks != 0 the
/// response's base offsets acknowledge each record (traced `confirm`).
///
/// Errors (per partition in the response, or REQUEST_TIMED_OUT for every batch of a
/// request unanswered after request.timeout.ms) are traced `produce_error` per record. A
/// retriable one marks the metadata stale, and the batch is sent again (same message ids,
/// traced as a new `publish` of the same id) after retry.backoff.ms to the partition's
/// current leader, while `retries` and delivery.timeout.ms allow; otherwise the records
/// are nacked (`confirm` with ack false). Without idempotence a retry after a lost
/// response writes the records twice, and with more than one request in flight a retried
/// batch can land after a later one: both are Kafka's behaviour, not prevented here.
///
/// The idempotent producer (enable.idempotence, KIP-98) first gets a producer id
/// (InitProducerId), numbers each partition's records from 0 (PartitionBatch
/// base_sequence), resends a batch with the same sequence, and counts
/// DUPLICATE_SEQUENCE_NUMBER as a success. A restart forgets the id and the requests in
/// flight (a new InitProducerId follows).
///
/// With a bootstrap list the producer first asks a bootstrap broker for metadata;
/// producing waits until it knows the leaders (KafkaProducer.send() blocks up to
/// max.block.ms for metadata). A bootstrap broker that does not answer within
/// request.timeout.ms is given up (traced `failover`) and the next one is asked after
/// reconnect.backoff.ms.
class Producer final : public Node {
 public:
  explicit Producer(ProducerConfig cfg);

  void on_start(Context& ctx) override;
  void on_packet(Context& ctx, NodeId from, const Packet& p) override;
  void on_timer(Context& ctx, const Timer& t) override;
  void on_crash(Context& ctx) override;

  std::uint64_t produced() const { return produced_; }
  /// Records sent or waiting to be sent whose fate is not known yet.
  std::size_t unacknowledged() const;
  /// The leader of partition 0 (kNoNode while the metadata is unknown).
  NodeId leader() const { return leader_of(0); }
  /// The leader of `partition` as the producer knows it (kNoNode: unknown or offline).
  NodeId leader_of(std::int32_t partition) const;
  /// The idempotent producer's id (-1 until InitProducerId answered, or not idempotent).
  std::int64_t producer_id() const { return producer_id_; }

 private:
  /// One partition's records sent together (Kafka's ProducerBatch).
  struct Batch {
    std::int32_t partition = 0;
    std::vector<Message> records;
    std::vector<std::uint64_t> seqs;     // publish seq of each record (the confirm's seq)
    std::int32_t base_sequence = -1;     // idempotent producer: sequence of records[0]
    double created = 0;                  // send(): delivery.timeout.ms counts from here
    double ready_at = 0;                 // not sent again before (retry.backoff.ms)
    std::uint32_t failures = 0;          // attempts that failed so far
    std::uint64_t request = 0;           // the request carrying it (0 = not in flight)
    bool sent_once = false;
    /// Place in its partition's queue (Kafka's RecordAccumulator deque): send() order; a
    /// failed batch of a non-idempotent producer goes back to the front (reenqueue's
    /// addFirst), an idempotent one keeps its place (insertInSequenceOrder).
    std::int64_t order = 0;
  };
  struct InFlight {
    NodeId broker = kNoNode;
    std::vector<std::uint64_t> batches;  // batch ids
  };

  void tick(Context& ctx);
  void ask_metadata(Context& ctx);
  void ask_producer_id(Context& ctx);
  bool metadata_known() const;
  /// Send what is ready, per leader, within max.in.flight.
  void drain(Context& ctx);
  /// The batch was written: confirm its records and forget it.
  void succeed(Context& ctx, std::uint64_t id, NodeId from);
  /// The batch failed with `e` at `broker`: retry it, or nack it when no retry is left.
  void fail(Context& ctx, std::uint64_t id, NodeId broker, ErrorCode e);
  /// Nack the batch for good (produce_error with retriable false, confirm false).
  void give_up(Context& ctx, std::uint64_t id, NodeId broker, ErrorCode e);
  void stale_metadata(Context& ctx);

  ProducerConfig cfg_;
  BrokerList bootstrap_;
  std::map<std::int32_t, NodeId> leaders_;   // partition -> leader (kNoNode: none)
  bool have_metadata_ = false;
  bool tick_due_ = false;          // a batch waits for the metadata
  std::uint64_t metadata_id_ = 0;  // the metadata request in flight (0 = none)
  bool metadata_retry_set_ = false;
  double drain_at_ = -1;           // when the pending kDrain timer fires (-1: none)
  std::int64_t producer_id_ = -1;
  std::int16_t producer_epoch_ = 0;
  std::uint64_t init_id_ = 0;      // the InitProducerId in flight (0 = none)
  std::map<std::int32_t, std::int32_t> next_sequence_;  // per partition (idempotent producer)
  std::uint64_t produced_ = 0;     // the producer's work list survives a crash
  std::uint64_t next_seq_ = 1;
  std::uint64_t next_request_ = 1;
  std::uint64_t next_batch_ = 1;
  std::uint64_t round_robin_ = 0;
  std::uint64_t incarnation_ = 0;  // bumped by a crash: older timers are stale
  std::int64_t front_ = 0;                      // next "front of the queue" place (goes down)
  std::map<std::uint64_t, Batch> batches_;    // unacknowledged batches by id (id order = send() order)
  std::map<std::uint64_t, InFlight> inflight_;  // requests awaiting an answer
};

}  // namespace bs::kafka
