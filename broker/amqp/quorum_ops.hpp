// The operations of a quorum queue (RabbitMQ's rabbit_fifo commands) and the packets
// that carry them from the node where a client is connected to the queue's leader.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "amqp/message.hpp"
#include "core/packet.hpp"

namespace bs::amqp {

/// One command of a quorum queue's Raft log. Every one comes from an origin node (the
/// channel that issued it) with a sequence number per origin incarnation; the state
/// machine applies each (origin, incarnation, seq) once, so an origin may resend what it
/// has not seen applied (after a leader change) without duplicating it — rabbit_fifo's
/// enqueuer sequence numbers, here for every command.
struct QuorumOp {
  enum class Kind : std::uint8_t {
    Enqueue = 1,  ///< a published message
    Attach,       ///< basic.consume
    Settle,       ///< basic.ack (tag, multiple)
    Return,       ///< basic.nack / basic.reject (tag, multiple, requeue)
    Detach,       ///< the consumer's connection is gone: its messages return
    NodeDown,     ///< (leader only) every consumer connected through `via` is gone
  };
  Kind kind = Kind::Enqueue;
  NodeId origin = kNoNode;
  std::uint64_t incarnation = 0;
  std::uint64_t seq = 0;
  AmqpMessage msg;              ///< Enqueue
  NodeId consumer = kNoNode;    ///< Attach .. Detach
  std::uint32_t connection = 0;
  NodeId via = kNoNode;         ///< Attach, NodeDown: the node relaying the consumer
  std::uint32_t prefetch = 0;
  bool auto_ack = false;
  std::uint64_t tag = 0;
  bool multiple = false;
  bool requeue = true;
  std::string reason;           ///< Detach
};
using QuorumOpPtr = std::shared_ptr<const QuorumOp>;

/// Commands for a quorum queue, sent to the node believed to lead it.
struct QuorumCommand {
  std::uint32_t group = 0;  ///< the queue's Raft group
  std::vector<QuorumOpPtr> ops;
};
/// From the leader: the origin's commands up to `seq` (of `incarnation`) are applied.
struct QuorumApplied {
  std::uint32_t group = 0;
  std::uint64_t incarnation = 0;
  std::uint64_t seq = 0;
};
/// From a replica that does not lead: send to `leader` instead (kNoNode: unknown yet).
struct QuorumRedirect {
  std::uint32_t group = 0;
  NodeId leader = kNoNode;
};

inline std::string_view wire_op(const QuorumCommand&) { return "quorum_command"; }
inline std::string_view wire_op(const QuorumApplied&) { return "quorum_applied"; }
inline std::string_view wire_op(const QuorumRedirect&) { return "quorum_redirect"; }
inline MsgId wire_msg(const QuorumCommand& c) {
  return c.ops.size() == 1 && c.ops[0]->kind == QuorumOp::Kind::Enqueue ? c.ops[0]->msg.id : 0;
}
inline std::uint64_t wire_bytes(const QuorumCommand& c) {
  std::uint64_t n = kFrameOverhead;
  for (const auto& op : c.ops) n += 16 + (op->kind == QuorumOp::Kind::Enqueue ? op->msg.size_bytes : 0);
  return n;
}

}  // namespace bs::amqp
