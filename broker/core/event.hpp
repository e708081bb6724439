// Trace events: the contract between the simulator and every reader (checker, GUI,
// tests, notebooks). docs/trace-format.md documents each kind and its fields.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/ids.hpp"

namespace bs {

/// What happened: a kind number. The core names its own kinds below (namespace ev); each
/// model names its kinds in broker/<model>/events.hpp, in a range of its own. A kind's
/// JSON name and fields are its row in the vocabulary (broker/vocabulary/vocabulary.hpp).
enum class EventKind : std::uint8_t {};
/// Kind numbers are below this.
inline constexpr std::size_t kEventKindLimit = 256;

namespace ev {
// Faults and node lifecycle (written by the simulator).
inline constexpr EventKind Crash{0}, Restart{1}, LinkDown{2}, LinkUp{3};
/// A link's one-way latency changed (a slow link; `seq` = the new latency in microseconds).
inline constexpr EventKind LinkLatency{12};
// Network transmissions (only when tracing is on; the checker ignores them).
inline constexpr EventKind NetSend{4}, NetRecv{5}, NetDrop{6};
// What every model's clients do.
inline constexpr EventKind Publish{7};         ///< a producer sent a message (a retry re-sends its id)
inline constexpr EventKind Confirm{8};         ///< the producer learnt the broker's answer (publisher confirm, produce acks)
inline constexpr EventKind Process{9};         ///< a consumer finished processing a message (its side effect happened)
inline constexpr EventKind ConnectionLost{10}; ///< a broker declared a client dead (missed heartbeats, session timeout)
inline constexpr EventKind Failover{11};       ///< a client lost its broker and tries the next one of its bootstrap list
}  // namespace ev

/// One item carried by a network frame: an operation name and the message it concerns.
struct NetItem {
  std::string op;  ///< "publish", "confirm", "deliver", "ack", "nack", "heartbeat", ...
  MsgId msg = 0;   ///< 0 when the item concerns no message
};

/// One trace event. Fields that a kind does not use keep their defaults and are not
/// written. Times are simulated seconds.
struct Event {
  double t = 0;
  EventKind kind = ev::Crash;
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


/// Receives trace events as the simulation produces them (the checker, the writer).
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void on_event(const Event& e) = 0;
};

}  // namespace bs
