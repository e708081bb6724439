// ActiveMQ Classic transacted sessions, the producer's side: what a producer sends in a
// transaction is held by the broker and reaches its destination only when the producer
// commits (Jakarta Messaging, Session.commit: "all messages sent ... in this transaction"
// become available; Session.rollback: they are destroyed; closing a transacted session
// rolls its transaction back). RabbitMQ's producers never send in a transaction here.
#include "activemq/events.hpp"
#include "amqp/broker.hpp"

namespace bs::amqp {

void QueueBroker::hold_transacted(Context& ctx, NodeId from, const Publish& p) {
  auto& conn = conns_[from];  // publishers open their connection implicitly
  conn.last_heard = ctx.now();
  auto it = transactions_.find(from);
  if (it != transactions_.end() && it->second.id != p.transaction) {
    // A transacted session always has one transaction open; a send in another one means
    // the session that left this one open is gone (the producer restarted).
    discard_transaction(ctx, from, "connection_lost");
    it = transactions_.end();
  }
  if (it == transactions_.end()) it = transactions_.emplace(from, OpenTransaction{p.transaction, conn.number, {}}).first;
  Publish held = p;
  held.transaction = 0;
  held.confirm = false;  // the commit's answer confirms them all
  it->second.sends.push_back(std::move(held));
}

void QueueBroker::end_transaction(Context& ctx, NodeId from, const TransactionEnd& t) {
  auto it = transactions_.find(from);
  const bool held = it != transactions_.end() && it->second.id == t.transaction;
  if (!t.commit) {
    if (held) discard_transaction(ctx, from, "rollback");
    return;
  }
  if (!held) {
    // Nothing of this transaction is here (a crash or a closed connection discarded it,
    // or the producer sent nothing in it): the commit fails.
    send(ctx, from, TransactionEndOk{t.transaction, false});
    return;
  }
  std::vector<Publish> sends = std::move(it->second.sends);
  transactions_.erase(it);
  for (const auto& p : sends) handle_publish(ctx, from, p);
  send(ctx, from, TransactionEndOk{t.transaction, true});
}

void QueueBroker::discard_transaction(Context& ctx, NodeId producer, const char* reason) {
  auto it = transactions_.find(producer);
  if (it == transactions_.end()) return;
  for (const auto& p : it->second.sends)
    ctx.emit(Event{.kind = ev::TxDiscarded, .msg = p.msg.id, .peer = producer, .queue = p.msg.exchange,
                   .tag = static_cast<std::int64_t>(it->second.id), .text = reason});
  transactions_.erase(it);
}

}  // namespace bs::amqp
