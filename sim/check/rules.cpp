// The checker's dispatch table: for each event kind, the rule that reads it. One line
// per model adds its rules; a kind nobody reads (network events) has none.
#include "check/ledger.hpp"

namespace bs::check {
namespace {
using Rules = std::array<Ledger::Rule, kEventKindLimit>;

void core_rules(Rules& r) {
  r[static_cast<std::size_t>(ev::Publish)] = &Ledger::on_publish;
  r[static_cast<std::size_t>(ev::Confirm)] = &Ledger::on_confirm;
  r[static_cast<std::size_t>(ev::Process)] = &Ledger::on_process;
  r[static_cast<std::size_t>(ev::Crash)] = &Ledger::on_crash_event;
  r[static_cast<std::size_t>(ev::Restart)] = &Ledger::on_restart;
}

void store_rules(Rules& r) {
  r[static_cast<std::size_t>(ev::StoreWrite)] = &Ledger::on_store_write;
  r[static_cast<std::size_t>(ev::Effect)] = &Ledger::on_effect;
  r[static_cast<std::size_t>(ev::StateChange)] = &Ledger::on_state_change;
  r[static_cast<std::size_t>(ev::OutboxSent)] = &Ledger::on_outbox_sent;
}

void two_phase_rules(Rules& r) {
  r[static_cast<std::size_t>(ev::XaPrepare)] = &Ledger::on_xa_prepare;
  r[static_cast<std::size_t>(ev::XaCommit)] = &Ledger::on_xa_outcome;
  r[static_cast<std::size_t>(ev::XaRollback)] = &Ledger::on_xa_outcome;
  r[static_cast<std::size_t>(ev::XaDecision)] = &Ledger::on_xa_decision;
  r[static_cast<std::size_t>(ev::XaLockWait)] = &Ledger::on_xa_lock_wait;
}

void amqp_rules(Rules& r) {
  r[static_cast<std::size_t>(ev::Enqueue)] = &Ledger::on_enqueue;
  r[static_cast<std::size_t>(ev::Unroutable)] = &Ledger::on_unroutable;
  r[static_cast<std::size_t>(ev::Returned)] = &Ledger::on_returned;
  r[static_cast<std::size_t>(ev::Deliver)] = &Ledger::on_deliver;
  r[static_cast<std::size_t>(ev::DuplicateSkipped)] = &Ledger::on_duplicate_skipped;
  r[static_cast<std::size_t>(ev::Ack)] = &Ledger::on_ack;
  r[static_cast<std::size_t>(ev::Nack)] = &Ledger::on_nack;
  r[static_cast<std::size_t>(ev::Requeue)] = &Ledger::on_requeue;
  r[static_cast<std::size_t>(ev::DeadLetter)] = &Ledger::on_drop;
  r[static_cast<std::size_t>(ev::Drop)] = &Ledger::on_drop;
  r[static_cast<std::size_t>(ev::MemoryAlarm)] = &Ledger::on_memory_alarm;
  r[static_cast<std::size_t>(ev::Blocked)] = &Ledger::on_blocked;
  r[static_cast<std::size_t>(ev::RaftLeader)] = &Ledger::on_raft_leader;
  r[static_cast<std::size_t>(ev::MirrorPromoted)] = &Ledger::on_mirror_promoted;
}

void activemq_rules(Rules& r) {
  r[static_cast<std::size_t>(ev::SubscriberMissed)] = &Ledger::on_subscriber_missed;
  r[static_cast<std::size_t>(ev::ClientRedelivery)] = &Ledger::on_client_redelivery;
  r[static_cast<std::size_t>(ev::GroupAssigned)] = &Ledger::on_group_assigned;
  r[static_cast<std::size_t>(ev::TxCommit)] = &Ledger::on_session_transaction;
  r[static_cast<std::size_t>(ev::TxRollback)] = &Ledger::on_session_transaction;
  r[static_cast<std::size_t>(ev::TxDiscarded)] = &Ledger::on_transaction_discarded;
}

void kafka_rules(Rules& r) {
  r[static_cast<std::size_t>(ev::Append)] = &Ledger::on_append;
  r[static_cast<std::size_t>(ev::Commit)] = &Ledger::on_commit;
  r[static_cast<std::size_t>(ev::OffsetReset)] = &Ledger::on_offset_reset;
  r[static_cast<std::size_t>(ev::Fetch)] = &Ledger::on_fetch;
  r[static_cast<std::size_t>(ev::Replicate)] = &Ledger::on_replicate;
  r[static_cast<std::size_t>(ev::Truncate)] = &Ledger::on_truncate;
  r[static_cast<std::size_t>(ev::LeaderElection)] = &Ledger::on_leader_election;
  r[static_cast<std::size_t>(ev::IsrChange)] = &Ledger::on_isr_change;
  r[static_cast<std::size_t>(ev::HighWatermark)] = &Ledger::on_high_watermark;
  r[static_cast<std::size_t>(ev::ProduceError)] = &Ledger::on_produce_error;
  r[static_cast<std::size_t>(ev::BrokerFenced)] = &Ledger::on_broker_fenced;
  r[static_cast<std::size_t>(ev::SequenceCheck)] = &Ledger::on_sequence_check;
  r[static_cast<std::size_t>(ev::TxnState)] = &Ledger::on_txn_state;
  r[static_cast<std::size_t>(ev::TxnMarker)] = &Ledger::on_txn_marker;
  r[static_cast<std::size_t>(ev::TxnFenced)] = &Ledger::on_txn_fenced;
}

// The lease model (SQS, Pub/Sub, Service Bus) writes its queues with the queue model's
// kinds; these are its own.
void lease_rules(Rules& r) {
  r[static_cast<std::size_t>(ev::LeaseExtended)] = &Ledger::on_lease_event;
  r[static_cast<std::size_t>(ev::Deduplicated)] = &Ledger::on_lease_event;
  r[static_cast<std::size_t>(ev::Filtered)] = &Ledger::on_lease_event;
  r[static_cast<std::size_t>(ev::LateSettle)] = &Ledger::on_lease_event;
  r[static_cast<std::size_t>(ev::SessionLock)] = &Ledger::on_lease_event;
  r[static_cast<std::size_t>(ev::LeaseSnapshot)] = &Ledger::on_lease_event;
  r[static_cast<std::size_t>(ev::LeaseDeferred)] = &Ledger::on_deferred;
}

void kinesis_rules(Rules& r) {
  r[static_cast<std::size_t>(ev::ThroughputExceeded)] = &Ledger::on_throughput_exceeded;
  r[static_cast<std::size_t>(ev::ShardCreated)] = &Ledger::on_shard_created;
  for (EventKind k : {ev::RegisterStreamConsumer, ev::SubscribeToShard, ev::SubscribeToShardEvent, ev::SubscribeRefused})
    r[static_cast<std::size_t>(k)] = &Ledger::on_fan_out;
}
}  // namespace

const std::array<Ledger::Rule, kEventKindLimit>& Ledger::rules() {
  static const Rules table = [] {
    Rules r{};
    core_rules(r);
    store_rules(r);  // a store serves any model
    two_phase_rules(r);
    amqp_rules(r);   // one line per model
    kafka_rules(r);
    lease_rules(r);
    kinesis_rules(r);
    activemq_rules(r);
    return r;
  }();
  return table;
}

}  // namespace bs::check
