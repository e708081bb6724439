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
}  // namespace ev

namespace activemq {
/// How the profile's kinds are written in the trace.
inline constexpr std::array kEvents = {
    EventSchema{ev::SubscriberMissed, "subscriber_missed", {"consumer", "queue", nullptr, nullptr, nullptr, "reason"}},
    EventSchema{ev::ClientRedelivery, "redelivery", {nullptr, "queue", "tag", "redelivery_counter", nullptr, "reason"}},
    EventSchema{ev::GroupAssigned, "group_assigned", {"consumer", "queue", nullptr, nullptr, "reassigned", "JMSXGroupID"}},
};
}  // namespace activemq
}  // namespace bs
