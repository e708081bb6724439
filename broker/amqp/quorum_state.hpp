// The replicated state of a quorum queue: what every replica rebuilds by applying the
// queue's Raft log in order (RabbitMQ's rabbit_fifo state machine).
#pragma once
#include <cstdint>
#include <deque>
#include <map>
#include <utility>
#include <vector>

#include "amqp/message_queue.hpp"
#include "amqp/quorum_ops.hpp"
#include "core/event.hpp"

namespace bs::amqp {

/// Where a quorum queue's state changes go. The broker hosting the replica implements
/// it: only the leader acts on them (sends deliveries, answers origins); the trace
/// records each change once.
class QuorumSink {
 public:
  virtual ~QuorumSink() = default;
  /// A message was checked out to `consumer` (connected through `via`) under `tag`;
  /// `resend`: a new leader sends it again (not a new delivery).
  virtual void deliver(NodeId consumer, NodeId via, std::uint32_t connection, std::uint64_t tag,
                       const QueuedMessage& qm, bool auto_ack, bool resend) = 0;
  /// basic.consume took effect: the consumer is attached.
  virtual void attached(NodeId consumer, NodeId via, std::uint32_t connection, std::uint32_t prefetch, bool auto_ack) = 0;
  /// The origin's commands up to `seq` are applied (also sent again for a duplicate).
  virtual void applied(NodeId origin, std::uint64_t incarnation, std::uint64_t seq) = 0;
  /// A trace event of the queue (enqueue, ack, nack, requeue, drop, dead_letter).
  virtual void event(Event e) = 0;
  /// A message leaves for the dead-letter exchange (x-delivery-limit, basic.reject).
  virtual void dead_letter(const AmqpMessage& m, const char* reason) = 0;
};

/// A quorum queue's messages and consumers. Deterministic: the same commands in the
/// same order give the same state on every replica, so a new leader continues exactly
/// where the old one stopped. RabbitMQ's rules (Quorum Queues guide):
///   - consumers are served round-robin within their prefetch, as classic queues do;
///   - a returned message (nack with requeue, or its consumer gone) goes back to its
///     position with redelivered = true and its delivery count (x-delivery-count) + 1;
///   - with x-delivery-limit, a message returned more often than the limit is
///     dead-lettered (or dropped) instead of delivered again.
class QuorumState {
 public:
  QuorumState() = default;
  QuorumState(std::string trace_name, std::int64_t delivery_limit)
      : name_(std::move(trace_name)), delivery_limit_(delivery_limit) {}

  /// Apply one command (in log order).
  void apply(const QuorumOp& op, QuorumSink& sink);
  /// Every checked-out message, for a new leader to send again (the old leader's
  /// deliveries may have died with it); the relaying node drops what it already passed on.
  void resend_checked_out(QuorumSink& sink) const;
  /// Forget everything (a crash: the replica rebuilds its state from the log).
  void reset();

  std::size_t ready() const { return mq_.size(); }
  std::size_t checked_out() const;
  bool has_consumer(NodeId c) const { return consumers_.count(c) != 0; }

 private:
  struct Consumer {
    std::uint32_t connection = 0;
    NodeId via = kNoNode;
    std::uint32_t prefetch = 0;
    bool auto_ack = false;
    std::uint64_t next_tag = 1;
    std::map<std::uint64_t, QueuedMessage> checked;  // by delivery tag
  };
  /// Commands of one origin apply in sequence order, each once, so that an origin's
  /// "applied up to seq" is exact: a resend is a Duplicate, one that overtook a
  /// command that never reached the log (sent during an election) is a Gap.
  enum class Order : std::uint8_t { Next, Duplicate, Gap };
  Order order(const QuorumOp& op);
  Consumer* find(NodeId consumer, std::uint32_t connection);
  void detach(NodeId consumer, QuorumSink& sink, const char* reason);
  void give_back(NodeId consumer, QueuedMessage qm, QuorumSink& sink, const char* reason);
  void dispatch(QuorumSink& sink);
  bool has_capacity(const Consumer& c) const {
    return c.auto_ack || c.prefetch == 0 || c.checked.size() < c.prefetch;
  }

  std::string name_;
  std::int64_t delivery_limit_ = -1;
  MessageQueue mq_;
  std::map<NodeId, Consumer> consumers_;
  std::deque<NodeId> active_;   // the rotation (see QueueBroker::QueueState)
  std::vector<NodeId> blocked_;  // at their prefetch limit
  std::map<std::pair<NodeId, std::uint64_t>, std::uint64_t> last_seq_;  // (origin, incarnation) -> seq
};

}  // namespace bs::amqp
