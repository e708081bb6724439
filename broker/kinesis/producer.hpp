// A producing application of the Kinesis model: PutRecord calls with retries.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/node.hpp"
#include "kinesis/packets.hpp"

namespace bs::kinesis {

/// What a producer writes and how. Times simulated seconds, sizes bytes.
struct ProducerConfig {
  NodeId broker = kNoNode;
  std::string stream;
  std::vector<std::string> partition_keys;  ///< PartitionKey of each record, used in turn
  bool has_explicit_hash_key = false;       ///< ExplicitHashKey on every record
  HashKey explicit_hash_key = 0;
  std::uint64_t count = 0;
  double start_s = 0;
  double interval_s = 0.1;
  std::uint32_t batch = 1;                  ///< records sent each interval
  std::uint32_t size_bytes = 1024;          ///< data blob size
  double retry_backoff_s = 0.1;             ///< first retry's delay; doubled per attempt
  double max_backoff_s = 20;                ///< cap of the delay
  std::uint32_t max_attempts = 0;           ///< attempts before a record fails for good; 0 = no limit
  double request_timeout_s = 5;             ///< an unanswered PutRecord is tried again
};

/// Sends `count` records, `batch` every `interval_s`, each in its own PutRecord (traced
/// `publish`; a retry publishes the same id again). A success is traced `confirm`.
///
/// Retries: a record refused with ProvisionedThroughputExceededException, or unanswered
/// after `request_timeout_s`, is sent again after an exponential backoff, as the AWS
/// SDKs retry throttled calls (AWS SDKs and Tools Reference Guide, "Retry behavior";
/// its maximum backoff is 20 s): retry_backoff_s, then twice that, ... up to
/// max_backoff_s (the SDKs add random jitter and stop after a few attempts; here the
/// delays are exact so runs stay deterministic, and attempts are unlimited unless
/// `max_attempts` is set, as an application that must not drop a record does). Records are independent calls, so a retried record lands after
/// records sent later: the shard's order is not the send order. A record whose response
/// was lost is written twice (Amazon Kinesis Data Streams Developer Guide, "Handle
/// duplicate records": producer retries). After `max_attempts` attempts (if set) the
/// record fails (`confirm` with ack false).
class Producer final : public Node {
 public:
  explicit Producer(ProducerConfig cfg) : cfg_(std::move(cfg)) {}

  void on_start(Context& ctx) override;
  void on_packet(Context& ctx, NodeId from, const Packet& p) override;
  void on_timer(Context& ctx, const Timer& t) override;
  void on_crash(Context& ctx) override;

  /// Records not yet written (sent, or waiting for a retry).
  std::size_t unacknowledged() const { return records_.size(); }

 private:
  struct Record {
    Message msg;
    std::uint64_t seq = 0;
    std::uint32_t attempts = 0;
    std::uint64_t request = 0;  // the PutRecord in flight (0: waiting to retry)
  };
  void tick(Context& ctx);
  void send(Context& ctx, MsgId id);
  void failed(Context& ctx, MsgId id);

  ProducerConfig cfg_;
  std::uint64_t produced_ = 0;  // survives a crash: the application's work list
  std::uint64_t next_seq_ = 1;
  std::uint64_t next_request_ = 1;
  std::uint64_t incarnation_ = 0;
  std::map<MsgId, Record> records_;
  std::map<std::uint64_t, MsgId> requests_;
};

}  // namespace bs::kinesis
