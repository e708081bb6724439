// The checker's rules for Kafka transactions (KIP-98): which records a transaction
// aborted, who read them anyway, and which outputs of a consume-transform-produce
// application a group read twice.
#include "check/ledger.hpp"

namespace bs::check {

void Ledger::on_txn_state(const Event& e) {
  const std::int64_t pid = field::integer<"producer_id">(e);
  if (e.peer != kNoNode) producer_id_of[e.peer] = pid;
  TransactionTotals& tt = t.transactions[field::text<"transactional_id">(e)];
  tt.state = field::text<"state">(e);
  if (e.peer != kNoNode && e.peer < names.size()) tt.client = names[e.peer];
  tt.producer_epoch = field::integer<"producer_epoch">(e);
  if (tt.state == "CompleteCommit") ++tt.committed, ++t.txn_committed;
  if (tt.state == "CompleteAbort") ++tt.aborted, ++t.txn_aborted;
}

// A marker resolves the producer's open records in that partition: committed ones are
// ordinary records from now on; aborted ones no read_committed group will ever read, so
// their unread copies are settled as discarded (neither lost nor pending), and every
// reading of them so far counts as an aborted record read.
void Ledger::on_txn_marker(const Event& e) {
  // The marker takes an offset of the leader's log (a control record, no message).
  if (const std::int64_t off = offset(e); off >= 0) {
    auto& log = partition_state(partition(e)).logs[e.node];
    if (log.size() <= static_cast<std::size_t>(off)) log.resize(static_cast<std::size_t>(off) + 1, 0);
  }
  auto it = open_txn.find({partition(e), field::integer<"producer_id">(e)});
  if (it == open_txn.end()) return;
  const bool commit = field::flag<"committed">(e);
  for (MsgId id : it->second) {
    auto r = txn_records.find(id);
    if (r == txn_records.end()) continue;
    if (commit) {
      txn_records.erase(r);
      continue;
    }
    r->second.aborted = true;
    ++t.aborted_records;
    t.aborted_read += r->second.readers.size();
    for (NodeId n : r->second.readers) ++consumer(n).aborted_read;
    auto m = msgs.find(id);
    if (m == msgs.end()) continue;
    m->second.txn_aborted = true;
    for (auto& c : m->second.copies)
      if (c.log && !c.finished() && c.processed == 0) {
        c.state = CopyState::Discarded;
        finish_copy(id, m->second, c);
      }
    touched.push_back(id);
    maybe_retire(id);
  }
  open_txn.erase(it);
}

void Ledger::on_txn_fenced(const Event& e) {
  ++t.fenced_writes;
  if (e.peer < names.size()) t.fenced_clients.insert(names[e.peer]);
}

void Ledger::note_txn_read(const Event& e, ConsumerTotals& ct) {
  if (auto r = txn_records.find(e.msg); r != txn_records.end()) {
    if (r->second.aborted) ++t.aborted_read, ++ct.aborted_read;
    else r->second.readers.push_back(e.node);
  }
  auto s = source_of.find(e.msg);
  if (s == source_of.end()) return;
  // A second output made from one input, read by the same group: the application's
  // work reached downstream twice (an aborted attempt read, or no transactions at all).
  auto [it, fresh] = output_read.try_emplace({group(e), s->second}, e.msg);
  if (!fresh && it->second != e.msg) ++t.duplicate_outputs, ++ct.duplicate_outputs;
}

}  // namespace bs::check
