// The requests and answers between the lease model's clients and its service. One
// request is one HTTPS call of the service's API; there is no session to lose: a client
// whose call goes unanswered calls again.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/message.hpp"
#include "core/packet.hpp"
#include "lease/system.hpp"

namespace bs::lease {

/// Message attributes (SNS/SQS MessageAttributes, Pub/Sub attributes, Service Bus
/// application properties): name -> value; `numeric` for SNS's Number type.
struct Attribute {
  std::string name;
  std::string value;
  bool numeric = false;
};
using Attributes = std::vector<Attribute>;

/// A message as the service stores it.
struct LeaseMessage {
  Message base;
  Attributes attributes;
  /// SQS MessageGroupId, Pub/Sub ordering key, Service Bus SessionId; "" for none.
  std::string group;
  /// SQS MessageDeduplicationId, Service Bus MessageId (duplicate detection); "" for none.
  std::string deduplication_id;
  double delay_s = 0;  ///< SQS DelaySeconds of this message (standard queues)
};

/// A send to a queue or a topic (SQS SendMessage, SNS/Pub/Sub Publish, Service Bus SendMessages).
struct Send {
  System system{};
  LeaseMessage msg;
  std::string destination;  ///< queue or topic name
  std::uint64_t seq = 0;    ///< the sender's request number, echoed in the answer
};
/// The service's answer to a Send: stored (or absorbed as a duplicate), or refused.
struct SendResult {
  std::uint64_t seq = 0;
  MsgId msg = 0;
  bool ok = true;
};
/// A receive (SQS ReceiveMessage with MaxNumberOfMessages and WaitTimeSeconds, Pub/Sub
/// Pull with max_messages, Service Bus ReceiveMessages).
struct Receive {
  System system{};
  std::string queue;
  std::uint32_t max = 1;
  double wait_s = 0;               ///< long polling: wait this long for a message
  std::uint64_t request = 0;       ///< the receiver's request number
  bool receive_and_delete = false; ///< Service Bus ReceiveAndDelete: settled as it is handed out
};
/// One message handed out on a lease.
struct Leased {
  LeaseMessage msg;
  std::string queue;
  std::uint64_t receipt = 0;        ///< receipt handle / ack ID / lock token: this lease's name
  std::uint32_t receive_count = 0;  ///< ApproximateReceiveCount, delivery_attempt, DeliveryCount
  std::int64_t sequence_number = 0; ///< Service Bus SequenceNumber: the message's place in its entity
};
/// The answer to a Receive, one packet per message handed out (so each shows on the
/// wire): `count` messages in all, this one at `index`. An empty answer (a long poll
/// that waited in vain) is one packet with count 0.
struct Received {
  System system{};
  std::uint64_t request = 0;
  std::uint32_t count = 0;
  std::uint32_t index = 0;
  Leased leased;  ///< unused when count is 0
  bool deferred = false;  ///< the answer to a ReceiveDeferred, not to a Receive
};
/// Settle a leased message: SQS DeleteMessage, Pub/Sub Acknowledge, Service Bus Complete.
struct Settle {
  /// Service Bus settles a PeekLock message one of three ways (Azure Service Bus docs,
  /// "Message transfers, locks, and settlement"); the other systems only complete.
  enum class How : std::uint8_t {
    Complete,    ///< done: removed from the queue
    DeadLetter,  ///< moved to the dead-letter sub-queue at once
    Defer,       ///< set aside in the queue: only a ReceiveDeferred naming its sequence number gets it again
  };
  System system{};
  std::string queue;
  std::uint64_t receipt = 0;
  MsgId msg = 0;
  How how = How::Complete;
};
/// Service Bus ReceiveDeferredMessages: lock the deferred messages with these sequence
/// numbers and hand them out (each answered with a Received marked `deferred`). A number
/// that names no deferred message is skipped (the SDK throws MessageNotFound for it).
struct ReceiveDeferred {
  System system{};
  std::string queue;
  std::vector<std::int64_t> sequence_numbers;
};
/// Change a lease: SQS ChangeMessageVisibility, Pub/Sub ModifyAckDeadline, Service Bus
/// RenewMessageLock (for the lock duration). lease_s 0 gives it back at once (SQS
/// visibility 0, a Pub/Sub nack, Service Bus Abandon).
struct Extend {
  System system{};
  std::string queue;
  std::uint64_t receipt = 0;
  MsgId msg = 0;
  double lease_s = 0;
};

inline std::string_view wire_op(const Send& p) { return words(p.system).send; }
inline std::string_view wire_op(const SendResult&) { return "send_result"; }
inline std::string_view wire_op(const Receive& p) { return words(p.system).receive; }
inline std::string_view wire_op(const Received&) { return "received"; }
inline std::string_view wire_op(const Settle& p) {
  return p.how == Settle::How::DeadLetter ? "DeadLetter" : p.how == Settle::How::Defer ? "Defer" : words(p.system).settle;
}
inline std::string_view wire_op(const ReceiveDeferred&) { return "ReceiveDeferredMessages"; }
inline std::string_view wire_op(const Extend& p) { return p.lease_s > 0 ? words(p.system).extend : words(p.system).release; }
inline MsgId wire_msg(const Send& p) { return p.msg.base.id; }
inline MsgId wire_msg(const SendResult& p) { return p.msg; }
inline MsgId wire_msg(const Received& p) { return p.count ? p.leased.msg.base.id : 0; }
inline MsgId wire_msg(const Settle& p) { return p.msg; }
inline MsgId wire_msg(const Extend& p) { return p.msg; }
inline std::uint64_t wire_bytes(const Send& p) { return kFrameOverhead + p.msg.base.size_bytes; }
inline std::uint64_t wire_bytes(const Received& p) { return kFrameOverhead + (p.count ? p.leased.msg.base.size_bytes : 0); }

}  // namespace bs::lease
