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

}  // namespace bs::check
