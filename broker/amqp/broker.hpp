// The queue-model broker node: AMQP 0-9-1 with RabbitMQ's documented behaviour.
#pragma once
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "core/node.hpp"
#include "amqp/events.hpp"
#include "amqp/packets.hpp"
#include "amqp/broker_config.hpp"
#include "amqp/message_queue.hpp"

namespace bs::amqp {

/// A RabbitMQ-like broker: exchanges route published messages into queues; each queue
/// serves its competing consumers round-robin within their prefetch windows; unacked
/// deliveries return to their original position on nack(requeue) or when the consumer's
/// connection dies, and are then delivered with redelivered = true. On a crash, durable
/// queues keep their persistent messages; everything else is lost (and traced as drops).
class QueueBroker final : public Node {
 public:
  explicit QueueBroker(BrokerConfig cfg);

  void on_start(Context& ctx) override;
  void on_packet(Context& ctx, NodeId from, const Packet& p) override;
  void on_timer(Context& ctx, const Timer& t) override;
  void on_crash(Context& ctx) override;

  // Read-only views for unit tests.
  const MessageQueue* queue(const std::string& name) const;
  std::size_t unacked_count(NodeId consumer) const;

 private:
  struct Unacked {
    QueuedMessage qm;
    std::string queue;
  };
  struct Connection {
    std::uint32_t number = 0;
    double last_heard = 0;
    double last_sent = 0;
    bool consumer = false;
    bool monitored = false;  // a publisher that opened with connection.open: heartbeats both ways
    bool publisher = false;  // has published: blocked by a memory alarm
    std::string queue;
    std::uint32_t prefetch = 0;
    bool auto_ack = false;
    std::uint64_t next_tag = 1;
    std::map<std::uint64_t, Unacked> unacked;  // by delivery tag
  };
  struct QueueState {
    QueueConfig cfg;
    MessageQueue mq;
    /// RabbitMQ (rabbit_queue_consumers): the consumers that can take a delivery, served
    /// from the front; one that took a delivery goes to the back. A consumer found at its
    /// prefetch limit leaves the rotation (blocked) and rejoins at the back when an ack
    /// or a nack frees a slot.
    std::deque<NodeId> active;
    std::vector<NodeId> blocked;
    bool has_consumers() const { return !active.empty() || !blocked.empty(); }
  };
  /// Put `consumer` back at the end of its queue's rotation if it was blocked at its
  /// prefetch limit and now has room.
  void unblock(const std::string& queue, NodeId consumer);

  void send(Context& ctx, NodeId to, Packet p);
  void handle_publish(Context& ctx, NodeId from, const Publish& p);
  void handle_consume(Context& ctx, NodeId from, const Consume& c);
  void handle_open(Context& ctx, NodeId from, const Open& o);
  /// The trace name of queue `q` (qualified when another broker holds the same name).
  const std::string& label(const std::string& q) const;
  void handle_ack(Context& ctx, NodeId from, const Ack& a);
  void handle_nack(Context& ctx, NodeId from, const Nack& n);
  /// Route m through exchange `ex` and enqueue it in every matching queue it was not
  /// dead-lettered from; returns the number of matching queues (skipped ones included).
  /// *rejected (if given) is set when a queue at its length limit refused the message
  /// (x-overflow reject-publish / reject-publish-dlx).
  std::size_t route_and_enqueue(Context& ctx, const std::string& ex, const AmqpMessage& m,
                                std::vector<std::string>* touched, bool* rejected = nullptr);
  /// Enqueue m in q within its length limit (RabbitMQ x-max-length / x-max-length-bytes
  /// and x-overflow); false when the queue refused it.
  bool enqueue(Context& ctx, QueueState& q, AmqpMessage m);
  bool over_limit(const QueueState& q, std::uint64_t extra_msgs, std::uint64_t extra_bytes) const;
  void dispatch(Context& ctx, const std::string& queue);
  void expire_head(Context& ctx, QueueState& q);
  void dead_letter_or_drop(Context& ctx, QueueState& q, const AmqpMessage& m, const char* reason);
  void connection_lost(Context& ctx, NodeId client, const char* reason);
  void requeue(Context& ctx, Unacked u, NodeId consumer, const char* reason);
  void check_heartbeats(Context& ctx);
  /// Ready and unacknowledged messages' memory, bytes (body + message_overhead_bytes).
  std::uint64_t memory_used() const;
  /// Raise or clear the memory alarm; RabbitMQ's memory monitor looks every
  /// memory_monitor_interval (Memory and Disk Alarms).
  void check_memory(Context& ctx);
  bool has_capacity(const Connection& c) const;

  BrokerConfig cfg_;
  std::map<std::string, Exchange> exchanges_;
  std::map<std::string, QueueState> queues_;
  bool memory_alarm_ = false;
  std::map<NodeId, Connection> conns_;
};

}  // namespace bs::amqp
