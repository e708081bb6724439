// The checker's rules for the queue model's (AMQP / RabbitMQ) event kinds.
#include "check/ledger.hpp"

namespace bs::check {

// Queue model: a copy per queue, ordered by its enqueue position there.
void Ledger::on_enqueue(const Event& e) {
  in_flight.erase(e.msg);
  MsgState& m = msgs[e.msg];
  if (!m.enqueued && !(id_flag(e.msg) & kEverRouted)) ++t.routed;
  set_id_flag(e.msg, kEverRouted);
  m.enqueued = true;
  if (const std::string& g = field::text<"group">(e); !g.empty()) m.key = g;
  const std::string& q = queue_name(e);
  Copy c;
  c.scope = q;
  c.order_scope = q;
  c.position = position(e);
  if (c.position >= 0) {
    c.order = &orders[q];
    c.order->live.emplace(c.position, e.msg);
  }
  ++t.queues[q].routed;
  m.copies.push_back(std::move(c));
}


void Ledger::on_unroutable(const Event& e) {
  ++t.unroutable;
  in_flight.erase(e.msg);
  auto it = msgs.find(e.msg);
  if (it != msgs.end()) it->second.unroutable = true;
}

void Ledger::on_returned(const Event&) { ++t.returned; }

void Ledger::on_deliver(const Event& e) {
  ++t.delivered;
  ConsumerTotals& ct = consumer(e.peer);
  ++ct.delivered;
  if (field::flag<"redelivered">(e)) ++t.redelivered, ++ct.redelivered;
  // Service Bus: only a receive by sequence number gives out a deferred message.
  if (!deferred_ids.empty() && deferred_ids.count({queue_name(e), e.msg})) ++t.deferred_received;
  auto it = msgs.find(e.msg);
  if (it == msgs.end()) return;
  Copy* c = find_copy(it->second, queue_name(e), position(e));
  if (!c) return;
  c->holder = e.peer;
  c->tag = delivery_tag(e);
  const bool auto_ack = amqp::settled_on_delivery(field::text<"mode">(e));
  if (auto_ack && down.count(e.peer)) {
    // Pushed to a consumer that already died (the broker has not noticed yet):
    // with auto-ack nobody keeps a copy.
    c->state = CopyState::Lost;
    finish_copy(e.msg, it->second, *c);
    maybe_retire(e.msg);
  } else if (auto_ack) {
    c->state = CopyState::Held;  // the broker forgot it: only the consumer has it now
    held[e.peer].insert(e.msg);
  } else {
    c->state = CopyState::Unacked;
  }
}

void Ledger::on_duplicate_skipped(const Event& e) {
  ++t.duplicates_skipped;
  ++consumer(e.node).duplicates_skipped;
  auto it = msgs.find(e.msg);
  if (it == msgs.end()) return;
  if (Copy* c = find_copy(it->second, queue_name(e))) c->skipped = true;
}

void Ledger::on_ack(const Event& e) {
  ++t.acked;
  effects_on_ack(e.msg, e.peer);
  auto it = msgs.find(e.msg);
  if (it == msgs.end()) return;
  Copy* c = held_copy(it->second, queue_name(e), e.peer, delivery_tag(e));
  if (!c || c->finished()) return;
  c->state = CopyState::Settled;
  finish_copy(e.msg, it->second, *c);
  maybe_retire(e.msg);
}

void Ledger::on_nack(const Event&) { ++t.nacked; }

void Ledger::on_requeue(const Event& e) {
  if (reason(e) == "promoted") return promoted_copy(e);
  ++t.requeued;
  if (amqp::lease_ran_out(reason(e))) t.leases = true, ++t.lease_expired;
  auto it = msgs.find(e.msg);
  if (it == msgs.end()) return;
  if (Copy* c = find_copy(it->second, queue_name(e), position(e))) c->state = CopyState::Queued;
}

// A drop or a dead-lettering removes the copy from its queue: lost when a broker crash
// took it, otherwise a decision (rejected, expired, dead-lettered), not a loss.
void Ledger::on_drop(const Event& e) {
  if (e.kind == ev::DeadLetter) ++t.dead_lettered, ++t.queues[queue_name(e)].dead_lettered;
  if (reason(e) == "stale_ack") return;  // an ack nobody could use, not a message
  if (e.kind == ev::Drop) ++t.dropped;
  auto it = msgs.find(e.msg);
  if (it == msgs.end()) return;
  // A drop that names its position (split_brain) concerns that copy, not a sibling.
  Copy* c = position(e) >= 0 ? find_copy(it->second, queue_name(e), position(e)) : find_copy(it->second, queue_name(e));
  if (!c || c->finished()) return;
  // split_brain: the losing side of a partition discarded its copy of the queue.
  const bool split = reason(e) == "split_brain";
  const bool crash = reason(e) == "broker_crash" || split;
  c->state = crash ? CopyState::Lost : CopyState::Discarded;
  if (split) queue_loss_cause[e.msg] = 2;
  finish_copy(e.msg, it->second, *c);
  maybe_retire(e.msg);
}

// RabbitMQ memory alarm: counted when raised.
void Ledger::on_memory_alarm(const Event& e) {
  if (field::flag<"alarm">(e)) ++t.memory_alarms;
}

// connection.blocked / connection.unblocked as the publisher heard them.
void Ledger::on_blocked(const Event& e) {
  if (field::flag<"blocked">(e)) {
    blocked_since.try_emplace(e.node, e.t);
  } else if (auto it = blocked_since.find(e.node); it != blocked_since.end()) {
    blocked_for[e.node] += e.t - it->second;
    blocked_since.erase(it);
  }
}

void Ledger::flow_totals(Totals& into) const {
  std::map<NodeId, double> total = blocked_for;
  for (const auto& [n, since] : blocked_since) total[n] += into.end_t - since;  // still blocked at the end
  for (const auto& [n, s] : total) into.blocked_s = std::max(into.blocked_s, s);
}

}  // namespace bs::check
