// A producing client of the log model (Kafka semantics).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/node.hpp"

namespace bs::kafka {

/// What a producer writes and how. Times are simulated seconds, sizes bytes.
struct ProducerConfig {
  NodeId broker = kNoNode;
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
class Producer final : public Node {
 public:
  explicit Producer(ProducerConfig cfg) : cfg_(std::move(cfg)) {}

  void on_start(Context& ctx) override;
  void on_packet(Context& ctx, NodeId from, const Packet& p) override;
  void on_timer(Context& ctx, const Timer& t) override;
  void on_crash(Context& ctx) override;

  std::uint64_t produced() const { return produced_; }
  std::size_t unacknowledged() const { return pending_.size(); }

 private:
  ProducerConfig cfg_;
  std::uint64_t produced_ = 0;  // the producer's work list survives a crash
  std::uint64_t next_seq_ = 1;
  std::uint64_t next_request_ = 1;
  std::uint64_t round_robin_ = 0;
  /// Per in-flight request: (partition, records as (msg id, publish seq)) in order.
  std::map<std::uint64_t, std::vector<std::pair<std::int32_t, std::vector<std::pair<MsgId, std::uint64_t>>>>> pending_;
};

}  // namespace bs::kafka
