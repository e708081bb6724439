// The managed pull services the lease model plays, and each one's own words for the
// same few operations. Amazon SQS, Google Cloud Pub/Sub and Azure Service Bus share one
// mechanism: a receiver takes a message on a lease (SQS's visibility timeout, Pub/Sub's
// ack deadline, Service Bus's peek-lock), settles it before the lease runs out or the
// service hands it out again. Their rules and defaults differ; a `System` picks them.
#pragma once
#include <cstdint>
#include <string_view>

namespace bs::lease {

/// Which service a scenario models (its "model": "sqs", "pubsub", "servicebus").
enum class System : std::uint8_t { Sqs, PubSub, ServiceBus };

/// One service's API words, written in the trace (packet ops, event texts).
struct Words {
  std::string_view send;      ///< SendMessage (SQS, SNS Publish to a topic), Publish, SendMessages
  std::string_view receive;   ///< ReceiveMessage, Pull, ReceiveMessages
  std::string_view settle;    ///< DeleteMessage, Acknowledge, Complete
  std::string_view extend;    ///< ChangeMessageVisibility, ModifyAckDeadline, RenewMessageLock
  std::string_view release;   ///< giving a message back at once: visibility 0, a nack, Abandon
  std::string_view expired;   ///< why a leased message came back: the lease ran out
  std::string_view lease;     ///< the lease's name, for summaries
  std::string_view late;      ///< what a settle after the lease ended is called
};

// Amazon SQS API Reference (ReceiveMessage, DeleteMessage, ChangeMessageVisibility);
// Google Cloud Pub/Sub REST v1 (projects.subscriptions.pull, acknowledge,
// modifyAckDeadline); Azure Service Bus SDK (ServiceBusReceiver.CompleteMessageAsync,
// AbandonMessageAsync, RenewMessageLockAsync, MessageLockLost).
inline constexpr Words kSqsWords{"SendMessage", "ReceiveMessage", "DeleteMessage", "ChangeMessageVisibility",
                                 "ChangeMessageVisibility(0)", "visibility_timeout", "visibility timeout",
                                 "receipt handle no longer current"};
inline constexpr Words kPubSubWords{"Publish", "Pull", "Acknowledge", "ModifyAckDeadline", "ModifyAckDeadline(0)",
                                    "ack_deadline", "ack deadline", "ack ID expired"};
inline constexpr Words kServiceBusWords{"SendMessages", "ReceiveMessages", "Complete", "RenewMessageLock", "Abandon",
                                        "lock_expired", "message lock", "MessageLockLost"};

/// The words of `s`.
constexpr const Words& words(System s) {
  return s == System::Sqs ? kSqsWords : s == System::PubSub ? kPubSubWords : kServiceBusWords;
}

}  // namespace bs::lease
