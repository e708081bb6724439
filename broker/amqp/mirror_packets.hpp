// Classic queue mirroring (RabbitMQ 3.x, deprecated since 3.9, removed in 4.0): what a
// queue's leader tells its mirrors, and what they answer.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "amqp/message_queue.hpp"
#include "core/packet.hpp"

namespace bs::amqp {

/// One change of a mirrored queue, in the leader's order.
struct MirrorOp {
  enum class Kind : std::uint8_t {
    Enqueue,   ///< a new message (qm)
    Deliver,   ///< the message at `position` went to a consumer
    Requeue,   ///< it came back, redelivered
    Remove,    ///< it left the queue (acked, dropped, dead-lettered, expired)
  };
  std::string queue;
  std::uint64_t seq = 0;  ///< per leader incarnation, for the mirror's answer
  Kind kind = Kind::Enqueue;
  QueuedMessage qm;       ///< Enqueue
  std::uint64_t position = 0;
};
/// The leader (re)admits a mirror: what the queue holds now. With ha-sync-mode
/// automatic, or when the queue is empty, the mirror gets every message (`held`) and is
/// synchronised; otherwise it is unsynchronised: it will hold only what comes after,
/// and `absent` names what it lacks (ids and positions only: the simulation's way of
/// letting a promoted mirror say which messages it could not keep).
struct MirrorJoin {
  std::string queue;
  NodeId leader = kNoNode;
  std::uint64_t seq = 0;
  bool synced = true;
  std::uint64_t next_position = 1;  ///< the leader's next enqueue position
  std::vector<QueuedMessage> held;
  std::vector<std::pair<std::uint64_t, MsgId>> absent;  ///< (position, message)
};
/// The mirror holds every change up to `seq`.
struct MirrorAck {
  std::string queue;
  std::uint64_t seq = 0;
};
/// An unsynchronised mirror became synchronised: the messages it lacked are gone from
/// the queue (ha-sync-mode manual: "it will become synchronised when old messages drain").
struct MirrorSynced {
  std::string queue;
};
/// The queue's leader is now `home` (a mirror was promoted): route and relay there.
struct QueueMoved {
  std::string queue;
  NodeId home = kNoNode;
  std::uint64_t epoch = 0;  ///< QueueConfig::epoch of this claim
};

inline std::string_view wire_op(const MirrorOp&) { return "mirror_op"; }
inline std::string_view wire_op(const MirrorJoin&) { return "mirror_join"; }
inline std::string_view wire_op(const MirrorAck&) { return "mirror_ack"; }
inline std::string_view wire_op(const MirrorSynced&) { return "mirror_synced"; }
inline std::string_view wire_op(const QueueMoved&) { return "queue_moved"; }
inline MsgId wire_msg(const MirrorOp& x) { return x.kind == MirrorOp::Kind::Enqueue ? x.qm.msg.id : 0; }
inline std::uint64_t wire_bytes(const MirrorOp& x) {
  return kFrameOverhead + (x.kind == MirrorOp::Kind::Enqueue ? x.qm.msg.size_bytes : 0);
}
inline std::uint64_t wire_bytes(const MirrorJoin& x) {
  std::uint64_t n = kFrameOverhead + 16 * x.absent.size();
  for (const auto& qm : x.held) n += 16 + qm.msg.size_bytes;
  return n;
}

}  // namespace bs::amqp
