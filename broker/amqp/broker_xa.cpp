// XA transactions on the queue-model broker, as ActiveMQ Classic runs them for a JMS
// XASession (and Amazon MQ's "recovering prepared XA transactions"): the ack of a
// delivery is prepared, then committed or rolled back by the coordinator. Between the
// two the message belongs to the transaction, not to the consumer's channel.
#include "amqp/broker.hpp"

namespace bs::amqp {

bool QueueBroker::xa_packet(Context& ctx, NodeId from, const Packet& p) {
  if (const auto* pr = p.as<xa::Prepare>()) {
    xa_prepare(ctx, from, *pr);
    return true;
  }
  if (p.is<xa::Recover>()) {
    xa::InDoubt answer;
    for (const auto& [x, pa] : prepared_)
      if (x.first == from) answer.xids.push_back(x.second), answer.msgs.push_back(pa.u.qm.msg.id);
    send(ctx, from, std::move(answer));
    return true;
  }
  const auto* commit = p.as<xa::Commit>();
  const auto* rollback = p.as<xa::Rollback>();
  if (!commit && !rollback) return false;
  const std::uint64_t xid = commit ? commit->xid : rollback->xid;
  const MsgId msg = commit ? commit->msg : rollback->msg;
  auto it = prepared_.find({from, xid});
  if (it != prepared_.end()) {
    PreparedAck pa = std::move(it->second);
    prepared_.erase(it);
    const std::string q = pa.u.queue;
    Event e{.kind = commit ? ev::XaCommit : ev::XaRollback, .msg = pa.u.qm.msg.id, .peer = from, .queue = label(q),
            .tag = static_cast<std::int64_t>(xid), .seq = static_cast<std::int64_t>(pa.tag), .flag = true};
    ctx.emit(std::move(e));
    if (commit) {
      // The transaction's ack takes effect: the message leaves the queue.
      ctx.emit(Event{.kind = ev::Ack, .msg = pa.u.qm.msg.id, .peer = from, .queue = label(q),
                     .tag = static_cast<std::int64_t>(pa.tag)});
    } else if (queues_.count(q)) {
      requeue(ctx, std::move(pa.u), from, "xa_rollback");
      dispatch(ctx, q);
    }
  }
  // Unknown: settled before (a resent outcome) or never prepared. Either way, done.
  send(ctx, from, xa::Done{xid, msg});
  return true;
}

void QueueBroker::xa_prepare(Context& ctx, NodeId from, const xa::Prepare& p) {
  if (auto done = prepared_.find({from, p.xid}); done != prepared_.end()) {
    send(ctx, from, xa::Vote{p.xid, p.msg, true});  // a resent prepare: the same vote
    return;
  }
  auto it = conns_.find(from);
  if (it != conns_.end() && it->second.consumer && it->second.number == p.connection && it->second.proxy_to == kNoNode) {
    Connection& conn = it->second;
    if (auto u = conn.unacked.find(p.tag); u != conn.unacked.end()) {
      const std::string q = u->second.queue;
      ctx.emit(Event{.kind = ev::XaPrepare, .msg = p.msg, .peer = from, .queue = label(q),
                     .tag = static_cast<std::int64_t>(p.xid), .seq = static_cast<std::int64_t>(p.tag), .flag = true});
      prepared_[{from, p.xid}] = PreparedAck{std::move(u->second), p.tag};
      conn.unacked.erase(u);
      send(ctx, from, xa::Vote{p.xid, p.msg, true});
      // The delivery left the channel for the transaction: its prefetch slot is free.
      unblock(q, from);
      dispatch(ctx, q);
      return;
    }
  }
  // The channel it came on is gone (its deliveries were requeued) or the tag is unknown.
  ctx.emit(Event{.kind = ev::XaPrepare, .msg = p.msg, .peer = from, .tag = static_cast<std::int64_t>(p.xid),
                 .seq = static_cast<std::int64_t>(p.tag), .flag = false});
  send(ctx, from, xa::Vote{p.xid, p.msg, false});
}

void QueueBroker::xa_crash(Context& ctx) {
  for (auto it = prepared_.begin(); it != prepared_.end();) {
    auto q = queues_.find(it->second.u.queue);
    if (q != queues_.end() && q->second.cfg.durable && it->second.u.qm.msg.persistent) {
      it->second.u.qm.redelivered = true;  // an unclean shutdown: as for every recovered message
      ++it;
      continue;
    }
    // A transient message (or queue): the prepared ack is lost with it.
    ctx.emit(Event{.kind = ev::Drop, .msg = it->second.u.qm.msg.id, .queue = label(it->second.u.queue),
                   .text = "broker_crash"});
    it = prepared_.erase(it);
  }
}

}  // namespace bs::amqp
