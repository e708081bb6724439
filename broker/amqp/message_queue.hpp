#pragma once
#include <algorithm>
#include <cstdint>
#include <deque>

#include "amqp/message.hpp"

namespace bs::amqp {

/// A message held by a queue. position is its place in enqueue order; it is kept when
/// the message is delivered and requeued.
struct QueuedMessage {
  AmqpMessage msg;
  std::uint64_t position = 0;
  bool redelivered = false;  ///< AMQP: set once the message has been delivered before
  double expires_at = -1;    ///< simulated seconds; < 0 never
  std::uint32_t returns = 0; ///< quorum queues: times returned to the queue (x-delivery-count)
};

/// The ready (not yet delivered) messages of one queue, kept in position order.
class MessageQueue {
 public:
  /// Append a newly routed message; returns its position (1, 2, ...).
  std::uint64_t push_back(AmqpMessage m, double expires_at);
  /// RabbitMQ: "when a message is requeued, it will be placed to its original position
  /// in its queue, if possible". Marks it redelivered.
  void requeue(QueuedMessage qm);
  /// Put a message back at its position without touching its flags (crash recovery).
  void restore(QueuedMessage qm);
  bool empty() const { return ready_.empty(); }
  std::size_t size() const { return ready_.size(); }
  const QueuedMessage& front() const { return ready_.front(); }
  QueuedMessage pop_front();
  /// Remove and return the ready message at index i (0 = the head): message groups
  /// deliver past a head whose group's consumer has no room.
  QueuedMessage take(std::size_t i);
  const std::deque<QueuedMessage>& ready() const { return ready_; }
  void clear() {
    ready_.clear();
    bytes_ = 0;
  }
  /// Body bytes of the ready messages (RabbitMQ's message_bytes_ready).
  std::uint64_t bytes() const { return bytes_; }
  std::uint64_t next_position() const { return next_position_; }
  /// Number later messages from `next` on (a promoted mirror continues its leader's order).
  void skip_to(std::uint64_t next) { next_position_ = std::max(next_position_, next); }

 private:
  std::deque<QueuedMessage> ready_;
  std::uint64_t next_position_ = 1;
  std::uint64_t bytes_ = 0;
};

}  // namespace bs::amqp
