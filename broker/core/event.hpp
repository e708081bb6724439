// Trace events: the contract between the simulator and every reader (checker, GUI,
// tests, notebooks). docs/trace-format.md documents each kind and its fields.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ids.hpp"

namespace bs {

/// What happened. The JSON name of each kind is given by kind_name().
enum class EventKind : std::uint8_t {
  // Faults and node lifecycle (written by the simulator).
  Crash, Restart, LinkDown, LinkUp,
  // Network frames between nodes (only when tracing is on; the checker ignores them).
  NetSend, NetRecv, NetDrop,
  // Queue model (AMQP 0-9-1 / RabbitMQ).
  Publish,        ///< producer sent basic.publish
  Enqueue,        ///< broker put a message into a queue (one event per queue routed to)
  Unroutable,     ///< no binding matched; dropped, or returned when mandatory
  Confirm,        ///< producer received the publisher confirm (flag ack/nack)
  Returned,       ///< producer received basic.return for a mandatory unroutable message
  Deliver,        ///< broker sent basic.deliver to a consumer
  Process,        ///< consumer finished processing a message (its side effect happened)
  DuplicateSkipped,  ///< idempotent consumer saw an id it had already processed
  Ack,            ///< broker received basic.ack; the message leaves the queue
  Nack,           ///< broker received basic.nack / basic.reject
  Requeue,        ///< message went back to its original position in the queue
  DeadLetter,     ///< message republished to the queue's dead-letter exchange
  Drop,           ///< message discarded (reason in text)
  ConsumerUp,     ///< broker registered a consumer (basic.consume) on a queue
  ConnectionLost, ///< broker declared a client connection dead (missed heartbeats)
  // Log model (Kafka).
  Append, Fetch, Commit, Rebalance, SegmentRoll, SegmentDelete, OffsetReset, Assign,
  // Clients of both models.
  Failover,       ///< a client lost its broker and tries the next one of its bootstrap list
};
/// How many kinds there are: keep it naming the last enumerator. Each kind's JSON name
/// and fields are its row in kEventSchema (common/event_schema.hpp).
inline constexpr std::size_t kEventKindCount = static_cast<std::size_t>(EventKind::Failover) + 1;

/// One item carried by a network frame: an operation name and the message it concerns.
struct NetItem {
  std::string op;  ///< "publish", "confirm", "deliver", "ack", "nack", "heartbeat", ...
  MsgId msg = 0;   ///< 0 when the item concerns no message
};

/// One trace event. Fields that a kind does not use keep their defaults and are not
/// written. Times are simulated seconds.
struct Event {
  double t = 0;
  EventKind kind = EventKind::Crash;
  NodeId node = kNoNode;   ///< where it happened
  MsgId msg = 0;           ///< the message concerned, 0 if none
  NodeId peer = kNoNode;   ///< the other node: consumer for deliver/ack, target of a link
  std::string queue;       ///< queue name, or "topic/partition" in the log model
  std::int64_t tag = -1;   ///< delivery tag (queue model) or offset (log model)
  std::int64_t seq = -1;   ///< position in queue, publish sequence number, generation, ...
  bool flag = false;       ///< redelivered / requeue / ack (confirm) / returned, per kind
  std::string text;        ///< routing key, reason, exchange or group, per kind
  std::uint64_t pkt = 0;   ///< network frame id (Net* kinds)
  std::vector<NetItem> items;  ///< frame contents (NetSend only)
};

/// JSON name of a kind, e.g. "deliver".
std::string_view kind_name(EventKind k);
/// Inverse of kind_name(); nullopt for an unknown name.
std::optional<EventKind> kind_from_name(std::string_view name);

/// Receives trace events as the simulation produces them (the checker, the writer).
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void on_event(const Event& e) = 0;
};

}  // namespace bs
