// The ActiveMQ Classic profile of the queue broker: non-durable topic subscriptions and
// message groups (docs/activemq.md). RabbitMQ queues never take these paths.
#include "activemq/events.hpp"
#include "amqp/broker.hpp"

namespace bs::amqp {
namespace {
/// The JMSXGroupID property of m, "" when it has none.
std::string group_of(const AmqpMessage& m) {
  for (const auto& [k, v] : m.headers)
    if (k == "JMSXGroupID") return v.text;
  return {};
}
}  // namespace

void QueueBroker::deliver_to(Context& ctx, QueueState& q, NodeId consumer, QueuedMessage qm) {
  auto& conn = conns_.at(consumer);
  const std::uint64_t tag = conn.next_tag++;
  ctx.emit(Event{.kind = ev::Deliver, .msg = qm.msg.id, .peer = consumer, .queue = q.cfg.trace_name,
                 .tag = static_cast<std::int64_t>(tag), .seq = static_cast<std::int64_t>(qm.position),
                 .flag = qm.redelivered, .text = conn.auto_ack ? "auto_ack" : ""});
  Deliver d{qm.msg, q.cfg.trace_name, tag, qm.redelivered, conn.number};
  if (!conn.auto_ack) conn.unacked.emplace(tag, Unacked{std::move(qm), q.cfg.name});
  send(ctx, consumer, std::move(d));
}

// ActiveMQ, Message Groups: the broker looks at a message's JMSXGroupID; a group that
// has a consumer sends the message there, otherwise a consumer is chosen and owns the
// group from then on, until it closes. A message whose owner is at its
// prefetch limit waits; messages behind it (other groups, no group) go on to others,
// as ActiveMQ's queue walks its pending messages for each consumer.
void QueueBroker::dispatch_groups(Context& ctx, QueueState& q) {
  auto any_room = [&] {
    for (NodeId c : q.active)
      if (has_capacity(conns_.at(c))) return true;
    for (NodeId c : q.blocked)
      if (has_capacity(conns_.at(c))) return true;
    return false;
  };
  std::size_t i = 0;
  // Stop as soon as every consumer is full: the rest of a long queue need not be walked.
  while (i < q.mq.size() && any_room()) {
    const std::string group = group_of(q.mq.ready()[i].msg);
    NodeId target = kNoNode;
    auto owner = group.empty() ? q.group_owner.end() : q.group_owner.find(group);
    if (owner != q.group_owner.end() && owner->second != kNoNode && conns_.count(owner->second)) {
      if (!has_capacity(conns_.at(owner->second))) {
        ++i;  // the group's consumer is full: this message waits for it
        continue;
      }
      target = owner->second;
    } else {
      // The next consumer of the rotation with room (a full one leaves the rotation,
      // as in dispatch).
      for (std::size_t tries = q.active.size(); tries > 0 && target == kNoNode; --tries) {
        const NodeId c = q.active.front();
        q.active.pop_front();
        if (!has_capacity(conns_.at(c))) {
          q.blocked.push_back(c);
          continue;
        }
        q.active.push_back(c);
        target = c;
      }
      if (target == kNoNode) break;  // nobody has room: no new group can be placed either
      if (!group.empty()) {
        const bool reassigned = owner != q.group_owner.end();
        q.group_owner[group] = target;
        ctx.emit(Event{.kind = ev::GroupAssigned, .msg = q.mq.ready()[i].msg.id, .peer = target,
                       .queue = q.cfg.trace_name, .flag = reassigned, .text = group});
      }
    }
    deliver_to(ctx, q, target, q.mq.take(i));
  }
}

void QueueBroker::release_groups(QueueState& q, NodeId consumer) {
  for (auto& [group, owner] : q.group_owner)
    if (owner == consumer) owner = kNoNode;  // kept: its next message is a reassignment
}

void QueueBroker::close_subscription(Context& ctx, QueueState& q, NodeId consumer,
                                     std::map<std::uint64_t, Unacked>& unacked) {
  // JMS: a non-durable subscription lasts the lifetime of its consumer. What the
  // consumer had not acknowledged and what was still waiting go with it.
  for (auto& [tag, u] : unacked)
    ctx.emit(Event{.kind = ev::SubscriberMissed, .msg = u.qm.msg.id, .peer = consumer, .queue = q.cfg.trace_name,
                   .text = "subscription_closed"});
  for (const auto& qm : q.mq.ready())
    ctx.emit(Event{.kind = ev::SubscriberMissed, .msg = qm.msg.id, .peer = consumer, .queue = q.cfg.trace_name,
                   .text = "subscription_closed"});
  q.mq.clear();
}

}  // namespace bs::amqp
