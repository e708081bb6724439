// ActiveMQ Classic transacted sessions, the consumer's side. Jakarta Messaging,
// Session.commit: "all messages ... consumed in this transaction" are acknowledged;
// Session.rollback: they are recovered and redelivered; a transacted session closed (or
// its client dead) before commit rolls back. ActiveMQ redelivers a rollback on the client
// (Red Hat AMQ 6, Client Connectivity Guide, "Message Redelivery": redelivery happens when
// "a transacted session is used and rollback() is called"): every message of the
// transaction gets its redelivery counter increased and goes back to the front of the
// session, which delivers nothing else until the RedeliveryPolicy's delay has passed
// (AMQ-2336: "working as designed for a transacted consumer"). Once the counter passes
// maximumRedeliveries, the rollback sends one poison ack for all of the transaction's
// messages (ActiveMQMessageConsumer.rollback acknowledges the whole delivered list with
// POISON_ACK_TYPE), so they all go to ActiveMQ.DLQ, the innocent ones with the poison one.
#include <algorithm>

#include "activemq/events.hpp"
#include "amqp/consumer.hpp"

namespace bs::amqp {
namespace {
enum TimerKind : std::uint32_t { kTxRedeliver = 9, kTxIdle = 10 };  // consumer.cpp lists them all
}  // namespace

void Consumer::forget_transaction() {
  txn_.clear();
  redelivery_counter_.clear();
  redelivery_wait_ = false;
  rolled_back_ = 0;
  ++tx_gen_;
}

void Consumer::finish_transacted(Context& ctx) {
  busy_ = false;
  txn_.push_back(current_);
  if (failing()) {
    rollback(ctx);
  } else if (txn_.size() >= cfg_.commit_every) {
    commit(ctx);
  }
  maybe_start(ctx);
}

void Consumer::commit(Context& ctx) {
  if (txn_.empty()) return;
  ++transactions_;
  const auto n = static_cast<std::int64_t>(txn_.size());
  for (const Held& h : txn_) {
    if (h.d.connection != connection_ || waiting_) {
      // The transaction's session died with its connection (the broker has requeued
      // what it held): commit() fails, nothing of it is processed.
      ctx.emit(Event{.kind = ev::TxRollback, .peer = h.from, .queue = cfg_.queue, .tag = static_cast<std::int64_t>(transactions_),
                     .seq = n, .text = "connection_lost"});
      forget_transaction();
      return;
    }
  }
  // The transaction's work becomes final with the commit: that is when each message counts
  // as processed (a rolled-back attempt left nothing behind).
  for (const Held& h : txn_)
    ctx.emit(Event{.kind = ev::Process, .msg = h.d.msg.id, .peer = h.d.msg.producer, .queue = h.d.queue,
                   .tag = static_cast<std::int64_t>(h.d.tag), .flag = h.d.redelivered});
  const Held& last = txn_.back();
  ctx.emit(Event{.kind = ev::TxCommit, .peer = last.from, .queue = cfg_.queue, .tag = static_cast<std::int64_t>(transactions_),
                 .seq = n});
  // One acknowledgement of the range, as ActiveMQ's transacted ack names its first and
  // last message: every tag up to the last is this transaction's or settled before.
  send(ctx, Ack{last.d.tag, n > 1, last.d.connection, last.d.msg.id});
  for (const Held& h : txn_) redelivery_counter_.erase(h.d.tag);
  txn_.clear();
}

void Consumer::rollback(Context& ctx) {
  ++transactions_;
  for (const Held& h : txn_) ++redelivery_counter_[h.d.tag];
  const std::int64_t counter = redelivery_counter_[txn_.back().d.tag];  // the message that failed
  const auto max = cfg_.redelivery.maximum_redeliveries;
  const bool poison = max >= 0 && counter > max;
  ctx.emit(Event{.kind = ev::TxRollback, .peer = txn_.back().from, .queue = cfg_.queue,
                 .tag = static_cast<std::int64_t>(transactions_), .seq = static_cast<std::int64_t>(txn_.size()),
                 .text = poison ? "poison_ack" : "onMessage_failed"});
  if (poison) {
    for (const Held& h : txn_) {
      send(ctx, Nack{h.d.tag, false, false, h.d.connection, h.d.msg.id, true});
      redelivery_counter_.erase(h.d.tag);
    }
    txn_.clear();
    return;
  }
  // Back to the front of the session, in their order, marked JMSRedelivered.
  for (auto it = txn_.rbegin(); it != txn_.rend(); ++it) {
    it->d.redelivered = true;
    buffer_.push_front(std::move(*it));
  }
  rolled_back_ = txn_.size();
  txn_.clear();
  redelivery_wait_ = true;
  ctx.set_timer(cfg_.redelivery.delay(counter), Timer{kTxRedeliver, ++tx_gen_});
}

void Consumer::redeliver_rolled_back(Context& ctx) {
  redelivery_wait_ = false;
  for (std::size_t i = 0; i < rolled_back_ && i < buffer_.size(); ++i) {
    const Deliver& d = buffer_[i].d;
    ctx.emit(Event{.kind = ev::ClientRedelivery, .msg = d.msg.id, .queue = d.queue, .tag = static_cast<std::int64_t>(d.tag),
                   .seq = redelivery_counter_[d.tag], .text = "rollback"});
  }
  rolled_back_ = 0;
  maybe_start(ctx);
}

void Consumer::arm_idle_commit(Context& ctx) {
  if (busy_ || !buffer_.empty() || txn_.empty() || redelivery_wait_) return;
  ctx.set_timer(cfg_.receive_timeout_s, Timer{kTxIdle, ++tx_gen_});
}

}  // namespace bs::amqp
