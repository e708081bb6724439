// The checker's rules for the lease model's (SQS and SNS, Pub/Sub, Service Bus) own event
// kinds. Its queues use the queue model's kinds (rules/amqp.cpp): a lease handed out is a
// delivery, a settle an ack, a lease that ran out a requeue.
#include "check/ledger.hpp"

namespace bs::check {

void Ledger::on_lease_event(const Event& e) {
  t.leases = true;
  if (e.kind == ev::LeaseExtended) ++t.lease_extended;
  else if (e.kind == ev::Deduplicated) ++t.deduplicated;
  else if (e.kind == ev::LateSettle) ++t.late_settles;
  else if (e.kind == ev::Filtered) ++t.filtered, ++t.queues[queue_name(e)].filtered;
}

// Service Bus Defer: the copy goes back to the queue, set aside; its next delivery is a
// receive by sequence number. A deferred message received and not settled stays deferred.
void Ledger::on_deferred(const Event& e) {
  t.leases = t.deferrals = true;
  if (reason(e) == "Defer") ++t.deferred;
  deferred_ids.emplace(queue_name(e), e.msg);
  auto it = msgs.find(e.msg);
  if (it == msgs.end()) return;
  if (Copy* c = find_copy(it->second, queue_name(e), field::integer<"sequence_number">(e))) c->state = CopyState::Queued;
}

}  // namespace bs::check
