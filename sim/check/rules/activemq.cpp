// The checker's rules for the ActiveMQ Classic profile's event kinds (docs/activemq.md).
#include "activemq/events.hpp"
#include "check/ledger.hpp"

namespace bs::check {

// A non-durable subscriber missed a topic message. Counted apart from losses: the
// message was never promised to a subscriber that was not connected. A copy its
// subscription held when it closed is discarded (a decision of JMS, not a crash).
void Ledger::on_subscriber_missed(const Event& e) {
  t.jms = true;
  ++t.subscriber_missed;
  ++t.queues[queue_name(e)].missed;
  if (reason(e) != "subscription_closed") return;
  auto it = msgs.find(e.msg);
  if (it == msgs.end()) return;
  Copy* c = find_copy(it->second, queue_name(e));
  if (!c || c->finished()) return;
  c->state = CopyState::Discarded;
  finish_copy(e.msg, it->second, *c);
  maybe_retire(e.msg);
}

void Ledger::on_client_redelivery(const Event&) {
  t.jms = true;
  ++t.client_redeliveries;
}

void Ledger::on_group_assigned(const Event& e) {
  t.jms = true;
  ++t.group_assignments;
  if (field::flag<"reassigned">(e)) ++t.group_reassignments;
}

// A transacted session's commit or rollback. What they do to messages is in the events
// around them (a consumer's process and ack at commit, its client redeliveries or poison
// ack after a rollback; a producer's enqueues and confirms, or transaction_discarded).
void Ledger::on_session_transaction(const Event& e) {
  t.jms_transactions = true;
  ++(e.kind == ev::TxCommit ? t.session_commits : t.session_rollbacks);
}

// A message sent in a transaction that never committed: the broker discarded it before
// routing it anywhere. JMS never published it, so it is neither lost nor awaited: forget it.
void Ledger::on_transaction_discarded(const Event& e) {
  t.jms_transactions = true;
  ++t.rolled_back;
  in_flight.erase(e.msg);
  auto it = msgs.find(e.msg);
  if (it == msgs.end() || !it->second.copies.empty()) return;  // routed already: not this send's copy
  it->second.lost_flag = false;
  msgs.erase(it);
}

}  // namespace bs::check
