// AMQP 0-9-1 methods exchanged between clients and the queue-model broker.
// Each client holds one connection with one channel, so a channel is named by the
// client's node id plus a connection number that grows on every reconnect.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "amqp/message.hpp"
#include "core/packet.hpp"

namespace bs::amqp {

/// connection.open from a publisher with connection recovery: it publishes only once the
/// broker answered (a consumer's basic.consume plays this part for consumers).
struct Open {
  std::uint32_t connection = 0;  ///< client's connection number
};
/// connection.open-ok: the broker accepted the connection.
/// connection.blocked (RabbitMQ's extension): the node raised a resource alarm and stops
/// reading publishes from this connection until connection.unblocked.
struct ConnectionBlocked {
  std::string reason = "low on memory";
};
struct ConnectionUnblocked {};

struct OpenOk {
  std::uint32_t connection = 0;
};
/// basic.publish. seq is the publisher-confirm sequence number (1, 2, ... per channel).
struct Publish {
  AmqpMessage msg;
  std::uint64_t seq = 0;
  bool mandatory = false;
  bool confirm = false;  ///< channel is in confirm mode (confirm.select)
  /// ActiveMQ transacted session: the producer's transaction number (0 = none). The
  /// broker holds the message, unrouted, until the transaction ends.
  std::uint64_t transaction = 0;
};
/// ActiveMQ transacted session: the producer ends transaction `transaction` (its
/// TransactionInfo: commit, or rollback). Every message sent in it goes to its
/// destination (commit), or is discarded (rollback).
struct TransactionEnd {
  std::uint64_t transaction = 0;
  bool commit = true;
  std::uint32_t connection = 0;  ///< the producer's connection
};
/// The broker's answer to a commit (JMS commit is synchronous): ok = false when the
/// broker held no such transaction any more (it crashed, or closed the connection), so
/// the commit failed and its messages were never published.
struct TransactionEndOk {
  std::uint64_t transaction = 0;
  bool ok = true;
};
/// basic.ack / basic.nack from broker to publisher (publisher confirm).
struct Confirm {
  std::uint64_t seq = 0;
  bool multiple = false;  ///< confirms every seq <= this one
  bool ack = true;        ///< false: basic.nack, the broker could not take responsibility
  MsgId msg = 0;          ///< message of seq, carried for the trace only (not on the wire)
};
/// basic.return: a mandatory message matched no queue.
struct Return {
  AmqpMessage msg;
};
/// basic.qos + basic.consume. prefetch 0 means unlimited (RabbitMQ).
struct Consume {
  std::string queue;
  std::uint32_t prefetch = 0;
  bool auto_ack = false;
  std::uint32_t connection = 0;  ///< client's connection number
};
/// basic.consume-ok: the consumer is registered on this connection.
struct ConsumeOk {
  std::uint32_t connection = 0;
};
/// basic.deliver.
struct Deliver {
  AmqpMessage msg;
  std::string queue;  ///< the queue's trace name (qualified "b1/orders" when two brokers hold the name)
  std::uint64_t tag = 0;  ///< delivery tag, per channel, starting at 1
  bool redelivered = false;
  std::uint32_t connection = 0;
};
/// basic.ack from consumer. multiple: every unacked tag <= tag.
struct Ack {
  std::uint64_t tag = 0;
  bool multiple = false;
  std::uint32_t connection = 0;
  MsgId msg = 0;  ///< message of tag, carried for the trace only (not on the wire)
};
/// basic.nack (basic.reject is nack with multiple = false).
struct Nack {
  std::uint64_t tag = 0;
  bool multiple = false;
  bool requeue = true;
  std::uint32_t connection = 0;
  MsgId msg = 0;  ///< message of tag, carried for the trace only (not on the wire)
  /// ActiveMQ's "poison ack": the client's RedeliveryPolicy gave up on the message and
  /// the broker sends it to the dead letter queue (requeue is false).
  bool poison = false;
};
/// AMQP heartbeat frame; any frame also counts as traffic.
struct Heartbeat {};
/// connection.close (or channel.close) from the broker: the client's connection is
/// unknown or dead, or its request failed.
struct ConnectionClose {
  std::uint32_t connection = 0;
  /// AMQP reply code: 404 NOT_FOUND (basic.consume on a queue this broker does not
  /// hold), 406 PRECONDITION_FAILED (unknown delivery tag), 320 CONNECTION_FORCED (the
  /// connection is gone, e.g. an ack on a connection the broker closed).
  std::uint16_t reply_code = 320;
};

/// AMQP reply codes the model uses.
inline constexpr std::uint16_t kNotFound = 404;
inline constexpr std::uint16_t kPreconditionFailed = 406;

// How each method looks on the wire (see common/packet.hpp): its name in the trace, the
// message it concerns, and its size.
inline std::string_view wire_op(const Open&) { return "open"; }
inline std::string_view wire_op(const OpenOk&) { return "open_ok"; }
inline std::string_view wire_op(const ConnectionBlocked&) { return "connection.blocked"; }
inline std::string_view wire_op(const ConnectionUnblocked&) { return "connection.unblocked"; }
inline std::string_view wire_op(const Publish&) { return "publish"; }
inline std::string_view wire_op(const TransactionEnd& t) { return t.commit ? "commit" : "rollback"; }
inline std::string_view wire_op(const TransactionEndOk&) { return "commit_ok"; }
inline std::string_view wire_op(const Confirm& c) { return c.ack ? "confirm" : "confirm_nack"; }
inline std::string_view wire_op(const Return&) { return "return"; }
inline std::string_view wire_op(const Consume&) { return "consume"; }
inline std::string_view wire_op(const ConsumeOk&) { return "consume_ok"; }
inline std::string_view wire_op(const Deliver&) { return "deliver"; }
inline std::string_view wire_op(const Ack&) { return "ack"; }
inline std::string_view wire_op(const Nack&) { return "nack"; }
inline std::string_view wire_op(const Heartbeat&) { return "heartbeat"; }
inline std::string_view wire_op(const ConnectionClose&) { return "close"; }
inline MsgId wire_msg(const Publish& x) { return x.msg.id; }
inline MsgId wire_msg(const Deliver& x) { return x.msg.id; }
inline MsgId wire_msg(const Return& x) { return x.msg.id; }
inline MsgId wire_msg(const Confirm& x) { return x.msg; }
inline MsgId wire_msg(const Ack& x) { return x.msg; }
inline MsgId wire_msg(const Nack& x) { return x.msg; }
// A content-bearing method carries the message body after its frame header.
inline std::uint64_t wire_bytes(const Publish& x) { return kFrameOverhead + x.msg.size_bytes; }
inline std::uint64_t wire_bytes(const Deliver& x) { return kFrameOverhead + x.msg.size_bytes; }
inline std::uint64_t wire_bytes(const Return& x) { return kFrameOverhead + x.msg.size_bytes; }

}  // namespace bs::amqp
