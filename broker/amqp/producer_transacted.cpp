// ActiveMQ Classic transacted sessions, the producer's side (Jakarta Messaging,
// Session.commit / Session.rollback): the application ends each transaction of
// commit_every messages with commit(), or with rollback() for the transactions it was
// told to roll back. A commit is synchronous: the broker's answer confirms the
// transaction's messages, which is when the producer knows they are published.
#include "activemq/events.hpp"
#include "amqp/producer.hpp"

namespace bs::amqp {
namespace {
/// The JMS destination, as the trace names it: the topic, or the queue.
const std::string& destination(const ProducerConfig& c) {
  return c.exchange.empty() && !c.routing_keys.empty() ? c.routing_keys.front() : c.exchange;
}
}  // namespace

void Producer::end_transaction(Context& ctx) {
  if (in_transaction_.empty()) return;
  const bool commit = !cfg_.rollback_transactions.count(transaction_);
  ctx.emit(Event{.kind = commit ? ev::TxCommit : ev::TxRollback, .peer = brokers_.current(), .queue = destination(cfg_),
                 .tag = static_cast<std::int64_t>(transaction_), .seq = static_cast<std::int64_t>(in_transaction_.size()),
                 .text = commit ? "" : "application"});
  send(ctx, TransactionEnd{transaction_, commit, connection_});
  if (commit) {
    committing_[transaction_] = std::move(in_transaction_);
  } else {
    // The producer knows these will never be published: nothing to wait for.
    for (std::uint64_t seq : in_transaction_) unconfirmed_.erase(seq);
  }
  in_transaction_.clear();
}

void Producer::on_transaction_end_ok(Context& ctx, NodeId from, const TransactionEndOk& ok) {
  auto it = committing_.find(ok.transaction);
  if (it == committing_.end()) return;
  const std::vector<std::uint64_t> seqs = std::move(it->second);
  committing_.erase(it);
  if (!ok.ok) {
    // The broker had discarded the transaction (it crashed, or closed the connection):
    // commit() throws TransactionRolledBackException; the messages were never published.
    ctx.emit(Event{.kind = ev::TxRollback, .peer = from, .queue = destination(cfg_), .tag = static_cast<std::int64_t>(ok.transaction),
                   .seq = static_cast<std::int64_t>(seqs.size()), .text = "commit_failed"});
  }
  for (std::uint64_t seq : seqs) {
    auto u = unconfirmed_.find(seq);
    if (u == unconfirmed_.end()) continue;
    if (ok.ok) ctx.emit(Event{.kind = ev::Confirm, .msg = u->second.msg.id, .peer = from, .seq = static_cast<std::int64_t>(seq), .flag = true});
    unconfirmed_.erase(u);
  }
}

}  // namespace bs::amqp
