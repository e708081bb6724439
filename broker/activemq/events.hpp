// The ActiveMQ Classic (JMS) profile's event kinds: numbers 176-191. The profile runs on
// the queue model's broker and clients (broker/amqp), which emit these where ActiveMQ
// behaves differently from RabbitMQ (docs/activemq.md).
#pragma once
#include <array>

#include "core/event_schema.hpp"

namespace bs {
namespace ev {
/// A topic message a non-durable subscriber never receives: published while it had no
/// live subscription ("inactive"), or held in its subscription when that closed
/// ("subscription_closed"). JMS: a non-durable subscription lasts as long as its consumer.
inline constexpr EventKind SubscriberMissed{176};
/// The consumer's session redelivers a message its onMessage failed on, after the
/// RedeliveryPolicy's delay (ActiveMQ redelivers on the client; seq = redelivery counter).
inline constexpr EventKind ClientRedelivery{177};
/// A queue gave a message group (JMSXGroupID) to a consumer: the first message of the
/// group, or the group moving after its consumer went away (flag = reassigned).
inline constexpr EventKind GroupAssigned{178};
/// A transacted session's client called commit() (Jakarta Messaging, Session.commit):
/// a consumer's received messages are acknowledged together, a producer's sent ones
/// become visible to consumers. tag = the session's transaction number (1, 2, ...),
/// seq = the messages received or sent in it.
inline constexpr EventKind TxCommit{179};
/// A transacted session's client called rollback() (Session.rollback), or its broker
/// ended the transaction without a commit. A consumer's received messages are redelivered
/// (reason "onMessage_failed": the application rolled back because processing failed;
/// "poison_ack": their redelivery counter passed maximumRedeliveries, so the client sent
/// them to the DLQ instead); a producer's sent messages are discarded (reason
/// "application"). Emitted by the client, once per transaction.
inline constexpr EventKind TxRollback{180};
/// The broker discarded a message sent in a transaction that did not commit: the
/// producer rolled back ("rollback"), its connection closed first ("connection_lost"),
/// or the broker crashed ("broker_crash"). The message was never published to a
/// destination: not lost, counted in rolled_back. tag = the transaction number.
inline constexpr EventKind TxDiscarded{181};
}  // namespace ev

namespace activemq {
/// How the profile's kinds are written in the trace.
inline constexpr std::array kEvents = {
    EventSchema{ev::SubscriberMissed, "subscriber_missed", {"consumer", "queue", nullptr, nullptr, nullptr, "reason"}},
    EventSchema{ev::ClientRedelivery, "redelivery", {nullptr, "queue", "tag", "redelivery_counter", nullptr, "reason"}},
    EventSchema{ev::GroupAssigned, "group_assigned", {"consumer", "queue", nullptr, nullptr, "reassigned", "JMSXGroupID"}},
    EventSchema{ev::TxCommit, "session_commit", {"broker", "queue", "transaction", "messages", nullptr, nullptr}},
    EventSchema{ev::TxRollback, "session_rollback", {"broker", "queue", "transaction", "messages", nullptr, "reason"}},
    EventSchema{ev::TxDiscarded, "transaction_discarded", {"producer", "exchange", "transaction", nullptr, nullptr, "reason"}},
};
}  // namespace activemq
}  // namespace bs
