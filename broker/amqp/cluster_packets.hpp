// What RabbitMQ nodes of one cluster say to each other (Erlang distribution in the
// real broker): liveness ticks, publishes forwarded to the node that holds a queue, and
// a consumer's traffic relayed between the node it is connected to and its queue's node.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "amqp/message.hpp"
#include "core/packet.hpp"

namespace bs::amqp {

/// An inter-node tick (net_ticktime). `incarnation` counts the sender's starts: a new
/// value tells the peer that the sender restarted and forgot everything volatile.
struct NodeTick {
  std::uint64_t incarnation = 0;
};

/// A message routed on the sending node (the publisher's channel) to a queue that lives
/// on the receiving node. `ref` names it for the answer; 0 = no answer wanted (a
/// dead-lettered message, which RabbitMQ 3.x moves at most once).
struct ForwardPublish {
  std::string queue;
  AmqpMessage msg;
  std::uint64_t ref = 0;
  std::uint64_t origin_incarnation = 0;  ///< the sender's incarnation (quorum queues deduplicate by it)
};
/// The queue's answer to a ForwardPublish: it took the message (ok) or refused it (its
/// length limit with reject-publish, or the queue is not there); the sending channel
/// confirms the publisher once every queue answered.
struct PublishOutcome {
  std::uint64_t ref = 0;
  bool ok = true;
  MsgId msg = 0;  ///< for the trace only
};

/// A client's packet carried between the node the client is connected to and the node
/// that holds its queue, in either direction (basic.consume, basic.ack and basic.nack
/// one way; basic.deliver, consume-ok and connection.close the other).
struct Relay {
  NodeId client = kNoNode;
  Packet inner;
};
/// The client's connection to the relaying node is gone (missed heartbeats, closed):
/// the queue's node forgets the consumer and requeues what it held.
struct ClientGone {
  std::uint32_t connection = 0;
  std::string reason;
};

/// Autoheal (RabbitMQ Partitions guide): after a partition heals, every node tells the
/// autoheal leader (the cluster's first node) which nodes it could reach during the
/// partition and how many clients it has.
struct AutohealReport {
  std::vector<NodeId> partition;  ///< sorted, the sender included
  std::uint32_t clients = 0;
};
/// The leader's decision, to every node: the winning partition; the others restart.
struct AutohealDecision {
  std::vector<NodeId> winner;
};

inline std::string_view wire_op(const AutohealReport&) { return "autoheal_report"; }
inline std::string_view wire_op(const AutohealDecision&) { return "autoheal_decision"; }
inline std::string_view wire_op(const NodeTick&) { return "node_tick"; }
inline std::string_view wire_op(const ForwardPublish&) { return "forward_publish"; }
inline std::string_view wire_op(const PublishOutcome& o) { return o.ok ? "publish_ok" : "publish_refused"; }
inline std::string_view wire_op(const Relay& r) { return r.inner.op(); }
inline std::string_view wire_op(const ClientGone&) { return "client_gone"; }
inline MsgId wire_msg(const ForwardPublish& x) { return x.msg.id; }
inline MsgId wire_msg(const PublishOutcome& x) { return x.msg; }
inline MsgId wire_msg(const Relay& x) { return x.inner.msg(); }
inline std::uint64_t wire_bytes(const ForwardPublish& x) { return kFrameOverhead + x.msg.size_bytes; }
inline std::uint64_t wire_bytes(const Relay& x) { return x.inner.bytes(); }

}  // namespace bs::amqp
