// A publishing client of the queue model.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/node.hpp"

namespace bs::amqp {

/// What a producer publishes and how. Times are simulated seconds, sizes bytes.
struct ProducerConfig {
  NodeId broker = kNoNode;
  std::string exchange;                  ///< "" = the default exchange
  std::vector<std::string> routing_keys; ///< used in turn, message by message
  std::vector<Headers> headers;          ///< used in turn; empty = no headers
  std::uint64_t count = 0;               ///< messages to publish in total
  double start_s = 0;
  double interval_s = 0.1;               ///< between batches
  std::uint32_t batch = 1;               ///< messages published together each interval
  std::uint32_t size_bytes = 1024;
  bool confirm = true;                   ///< confirm.select: wait for publisher confirms
  bool mandatory = false;
  bool persistent = false;
  double ttl_s = -1;                     ///< per-message expiration; < 0 none
  double retry_s = -1;                   ///< republish (same id) if unconfirmed this long; < 0 never
};

/// Publishes `count` messages in batches, tracks publisher confirms by sequence number
/// and, when retry_s >= 0, republishes unconfirmed messages under the same message id
/// (at-least-once publishing: the broker may then hold duplicates).
class Producer final : public Node {
 public:
  explicit Producer(ProducerConfig cfg) : cfg_(std::move(cfg)) {}

  void on_start(Context& ctx) override;
  void on_packet(Context& ctx, NodeId from, const Packet& p) override;
  void on_timer(Context& ctx, const Timer& t) override;
  void on_crash(Context& ctx) override;

  std::size_t unconfirmed() const { return unconfirmed_.size(); }
  std::uint64_t published() const { return published_; }

 private:
  void publish(Context& ctx, Message m);
  struct Pending {
    Message msg;
    double sent_at = 0;
  };
  ProducerConfig cfg_;
  std::uint64_t published_ = 0;  // the producer's work list survives a crash
  std::uint64_t next_seq_ = 1;
  std::map<std::uint64_t, Pending> unconfirmed_;  // by publish sequence number
};

}  // namespace bs::amqp
