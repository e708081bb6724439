// A producing client of the log model (Kafka semantics).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "client/bootstrap.hpp"
#include "core/node.hpp"
#include "kafka/events.hpp"
#include "kafka/packets.hpp"

namespace bs::kafka {

/// What a producer writes and how. Times are simulated seconds, sizes bytes.
struct ProducerConfig {
  NodeId broker = kNoNode;           ///< the broker that leads the topic, when known without asking
  /// bootstrap.servers: brokers asked in turn for metadata (which broker leads the
  /// topic) before producing. Empty: produce to `broker` without a metadata round trip.
  std::vector<NodeId> bootstrap;
  std::vector<std::string> bootstrap_names;  ///< their trace names, parallel to bootstrap
  double reconnect_s = 0.05;         ///< reconnect.backoff.ms (Kafka default 50 ms)
  double request_timeout_s = 30;     ///< request.timeout.ms (Kafka default 30 s): a silent broker is given up after this
  std::string topic;
  std::int32_t partitions = 1;       ///< the topic's partition count (metadata)
  std::vector<std::string> keys;     ///< record keys used in turn; empty = records without a key
  std::int32_t partition = -1;       ///< explicit partition for every record; -1 = partitioner decides
  std::uint64_t count = 0;           ///< records to produce in total
  double start_s = 0;
  double interval_s = 0.1;           ///< between batches
  std::uint32_t batch = 1;           ///< records produced together each interval (one request)
  std::uint32_t size_bytes = 1024;   ///< value size of each record
  std::int32_t acks = 1;             ///< 0, 1 or -1 ("all"); with one broker "all" behaves as 1
};

/// Produces `count` records. The partition is chosen as Kafka's Java producer does for a
/// keyed record (murmur2 of the key modulo the partition count); records without a key
/// go round-robin over the partitions (Kafka >= 2.4 uses a "sticky" partitioner that
/// fills one batch at a time instead — with one request per interval the effect on
/// ordering is the same: no order across partitions). Every batch is one ProduceRequest;
/// with acks != 0 the response's base offsets acknowledge each record (traced as
/// confirm). Retries and the idempotent producer are not modelled.
///
/// With a bootstrap list the producer first asks a bootstrap broker for metadata and
/// then produces to the topic's leader, which may be another broker; producing waits
/// until it knows the leader (KafkaProducer.send() blocks up to max.block.ms for
/// metadata). A bootstrap broker that does not answer within request.timeout.ms is given
/// up (traced `failover`) and the next one is asked after reconnect.backoff.ms.
class Producer final : public Node {
 public:
  explicit Producer(ProducerConfig cfg);

  void on_start(Context& ctx) override;
  void on_packet(Context& ctx, NodeId from, const Packet& p) override;
  void on_timer(Context& ctx, const Timer& t) override;
  void on_crash(Context& ctx) override;

  std::uint64_t produced() const { return produced_; }
  std::size_t unacknowledged() const { return pending_.size(); }
  /// The broker records go to (kNoNode while the metadata is unknown).
  NodeId leader() const { return leader_; }

 private:
  void tick(Context& ctx);
  void ask_metadata(Context& ctx);
  ProducerConfig cfg_;
  BrokerList bootstrap_;
  NodeId leader_ = kNoNode;
  bool tick_due_ = false;          // a batch waits for the metadata
  std::uint64_t metadata_id_ = 0;  // the metadata request in flight (0 = none)
  std::uint64_t produced_ = 0;  // the producer's work list survives a crash
  std::uint64_t next_seq_ = 1;
  std::uint64_t next_request_ = 1;
  std::uint64_t round_robin_ = 0;
  /// Per in-flight request: (partition, records as (msg id, publish seq)) in order.
  std::map<std::uint64_t, std::vector<std::pair<std::int32_t, std::vector<std::pair<MsgId, std::uint64_t>>>>> pending_;
};

}  // namespace bs::kafka
