#include "amqp/quorum_state.hpp"

#include <algorithm>

#include "amqp/events.hpp"

namespace bs::amqp {

QuorumState::Order QuorumState::order(const QuorumOp& op) {
  if (op.kind == QuorumOp::Kind::NodeDown) return Order::Next;  // proposed by the leader itself, once
  auto& last = last_seq_[{op.origin, op.incarnation}];
  if (op.seq <= last) return Order::Duplicate;
  if (op.seq > last + 1) return Order::Gap;
  last = op.seq;
  return Order::Next;
}

QuorumState::Consumer* QuorumState::find(NodeId consumer, std::uint32_t connection) {
  auto it = consumers_.find(consumer);
  return it == consumers_.end() || it->second.connection != connection ? nullptr : &it->second;
}

std::size_t QuorumState::checked_out() const {
  std::size_t n = 0;
  for (const auto& [id, c] : consumers_) n += c.checked.size();
  return n;
}

void QuorumState::reset() {
  mq_ = MessageQueue{};
  consumers_.clear();
  active_.clear();
  blocked_.clear();
  last_seq_.clear();
}

void QuorumState::apply(const QuorumOp& op, QuorumSink& sink) {
  using K = QuorumOp::Kind;
  switch (order(op)) {
    case Order::Duplicate:
      sink.applied(op.origin, op.incarnation, op.seq);  // a resend: answer again
      return;
    case Order::Gap:
      return;  // an earlier command of its origin is missing: the origin resends both, in order
    case Order::Next:
      break;
  }
  switch (op.kind) {
    case K::Enqueue: {
      const std::uint64_t pos = mq_.push_back(op.msg, -1);
      sink.event(Event{.kind = ev::Enqueue, .msg = op.msg.id, .queue = name_, .seq = static_cast<std::int64_t>(pos)});
      break;
    }
    case K::Attach: {
      if (consumers_.count(op.consumer)) detach(op.consumer, sink, "reconnected");
      Consumer c;
      c.connection = op.connection;
      c.via = op.via;
      c.prefetch = op.prefetch;
      c.auto_ack = op.auto_ack;
      consumers_[op.consumer] = std::move(c);
      active_.push_back(op.consumer);
      sink.attached(op.consumer, op.via, op.connection, op.prefetch, op.auto_ack);
      break;
    }
    case K::Settle:
    case K::Return: {
      Consumer* c = find(op.consumer, op.connection);
      // rabbit_fifo ignores settlements of messages it no longer holds for the consumer.
      if (!c) break;
      auto end = op.multiple ? c->checked.upper_bound(op.tag) : c->checked.find(op.tag);
      auto begin = op.multiple ? c->checked.begin() : end;
      if (!op.multiple && end != c->checked.end()) ++end;
      std::vector<std::pair<std::uint64_t, QueuedMessage>> taken(std::make_move_iterator(begin), std::make_move_iterator(end));
      c->checked.erase(begin, end);
      for (auto& [tag, qm] : taken) {
        const auto t = static_cast<std::int64_t>(tag);
        if (op.kind == K::Settle) {
          sink.event(Event{.kind = ev::Ack, .msg = qm.msg.id, .peer = op.consumer, .queue = name_, .tag = t});
          continue;
        }
        sink.event(Event{.kind = ev::Nack, .msg = qm.msg.id, .peer = op.consumer, .queue = name_, .tag = t, .flag = op.requeue});
        if (op.requeue) {
          give_back(op.consumer, std::move(qm), sink, "nack");
        } else {
          sink.dead_letter(qm.msg, "rejected");
        }
      }
      // A consumer at its prefetch limit rejoins the rotation once it has room.
      if (auto b = std::find(blocked_.begin(), blocked_.end(), op.consumer); b != blocked_.end() && has_capacity(*c)) {
        blocked_.erase(b);
        active_.push_back(op.consumer);
      }
      break;
    }
    case K::Detach:
      if (find(op.consumer, op.connection)) detach(op.consumer, sink, op.reason.c_str());
      break;
    case K::NodeDown: {
      std::vector<NodeId> gone;
      for (const auto& [id, c] : consumers_)
        if (c.via == op.via) gone.push_back(id);
      for (NodeId id : gone) detach(id, sink, "node_down");
      break;
    }
  }
  if (op.origin != kNoNode) sink.applied(op.origin, op.incarnation, op.seq);
  dispatch(sink);
}

void QuorumState::give_back(NodeId consumer, QueuedMessage qm, QuorumSink& sink, const char* reason) {
  ++qm.returns;
  if (delivery_limit_ >= 0 && qm.returns > static_cast<std::uint64_t>(delivery_limit_)) {
    sink.dead_letter(qm.msg, "delivery_limit");
    return;
  }
  sink.event(Event{.kind = ev::Requeue, .msg = qm.msg.id, .peer = consumer, .queue = name_,
                   .seq = static_cast<std::int64_t>(qm.position), .flag = true, .text = reason});
  mq_.requeue(std::move(qm));
}

void QuorumState::detach(NodeId consumer, QuorumSink& sink, const char* reason) {
  auto it = consumers_.find(consumer);
  if (it == consumers_.end()) return;
  Consumer c = std::move(it->second);
  consumers_.erase(it);
  active_.erase(std::remove(active_.begin(), active_.end(), consumer), active_.end());
  blocked_.erase(std::remove(blocked_.begin(), blocked_.end(), consumer), blocked_.end());
  for (auto& [tag, qm] : c.checked) give_back(consumer, std::move(qm), sink, reason);
}

void QuorumState::dispatch(QuorumSink& sink) {
  while (!mq_.empty() && !active_.empty()) {
    const NodeId id = active_.front();
    active_.pop_front();
    Consumer& c = consumers_.at(id);
    if (!has_capacity(c)) {
      blocked_.push_back(id);
      continue;
    }
    active_.push_back(id);
    QueuedMessage qm = mq_.pop_front();
    const std::uint64_t tag = c.next_tag++;
    sink.deliver(id, c.via, c.connection, tag, qm, c.auto_ack, false);
    if (!c.auto_ack) c.checked.emplace(tag, std::move(qm));
  }
}

void QuorumState::resend_checked_out(QuorumSink& sink) const {
  for (const auto& [id, c] : consumers_)
    for (const auto& [tag, qm] : c.checked) sink.deliver(id, c.via, c.connection, tag, qm, c.auto_ack, true);
}

}  // namespace bs::amqp
