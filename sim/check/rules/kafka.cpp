// The checker's rules for the log model's (Kafka) event kinds.
#include <cmath>

#include "check/ledger.hpp"

namespace bs::check {

// Log model: the record enters its partition at `offset` (on the leader, e.node). Every
// group subscribed to the topic gets a copy whose order scope is (group, partition),
// position the offset: at once with replication factor 1, and when the high watermark
// passes the offset on a replicated partition (on_high_watermark).
void Ledger::on_append(const Event& e) {
  in_flight.erase(e.msg);
  MsgState& m = msgs[e.msg];
  if (!m.enqueued) ++t.routed;
  m.enqueued = true;
  m.key = field::text<"key">(e);
  PartitionState& p = partition_state(partition(e));
  ++p.totals->routed;
  const double second = std::floor(e.t + 1e-9);
  if (second != p.append_second) p.append_second = second, p.appends_in_second = 0;
  p.totals->peak_per_s = std::max(p.totals->peak_per_s, ++p.appends_in_second);
  const std::int64_t off = offset(e);
  // A transactional producer's record (its client got a producer id from a transaction
  // coordinator): open until that producer's marker in this partition.
  if (auto pid = producer_id_of.find(e.peer); pid != producer_id_of.end()) {
    open_txn[{p.name, pid->second}].push_back(e.msg);
    txn_records.try_emplace(e.msg);
  }
  p.high_watermark = std::max(p.high_watermark, off + 1);
  // The appender leads: adopt it when no controller named a leader yet, or when its
  // leader epoch is newer than the last election seen.
  const std::int64_t epoch = field::integer<"leader_epoch">(e);
  if (!p.leader_known || (e.node != p.owner && epoch > p.leader_epoch)) {
    p.leader = e.node;
    p.leader_known = true;
    p.leader_epoch = std::max(p.leader_epoch, epoch);
    set_owner(p, e.node);
    update_availability(p, e.t);
  }
  if (p.replicated) {
    if (!m.rpart) m.rpart = &p, m.appended_at = e.t;
    write_log(p, e.node, off, e.msg);
    if (e.node != p.owner) refresh_gone(p, e.msg);
    return;
  }
  write_log(p, e.node, off, e.msg);
  add_copies(p, m, e.msg, off, p.high_watermark);
}

void Ledger::add_copies(PartitionState& p, MsgState& m, MsgId id, std::int64_t off, std::int64_t lag_end) {
  m.enqueued = true;
  for (std::size_t g = 0; g < p.groups.size(); ++g) {
    if (m.txn_aborted) continue;  // aborted before it became visible: no group will read it
    Copy c;
    c.scope = p.groups[g];
    c.order_scope = p.name;
    c.position = off;
    c.log = true;
    c.order = p.orders[g];
    c.order->live.emplace(off, id);
    m.copies.push_back(std::move(c));
    // Lag: records in the partition the group has not processed yet.
    const auto lag = static_cast<std::uint64_t>(std::max<std::int64_t>(lag_end - p.next[g], 0));
    p.totals->max_lag = std::max(p.totals->max_lag, lag);
  }
}

// Log model: a commit settles the group's processed records below the committed
// offset (as an ack does) and passes over the unprocessed ones (at-most-once).
void Ledger::on_commit(const Event& e) {
  if (field::flag<"rejected">(e)) return;  // unknown member or stale generation
  committed[{group(e), partition(e)}] = offset(e);
  PartitionState& p = partition_state(partition(e));
  const std::size_t g = p.index_of(group(e));
  if (g == p.groups.size()) return;
  for_each_live_copy(*p.orders[g], 0, offset(e), group(e), [&](MsgId id, MsgState& m, Copy* c) {
    if (c->processed > 0) {
      c->state = CopyState::Settled;
      finish_copy(id, m, *c);
      maybe_retire(id);
    } else {
      c->state = CopyState::Passed;
      touched.push_back(id);
    }
  });
}

// Log model: auto.offset.reset or a seek moved the group from `from` to `to`; records
// in between that the group had not processed are skipped: missed, not lost.
void Ledger::on_offset_reset(const Event& e) {
  const std::int64_t from = field::integer<"from_offset">(e), to = offset(e);
  if (to <= from) return;  // a move backwards skips nothing
  PartitionState& p = partition_state(partition(e));
  const std::size_t g = p.index_of(group(e));
  if (g == p.groups.size()) return;
  for_each_live_copy(*p.orders[g], std::max<std::int64_t>(from, 0), to, group(e), [&](MsgId id, MsgState& m, Copy* c) {
    if (c->processed > 0) return;
    c->state = CopyState::Discarded;
    c->skipped = true;
    ++t.missed;
    ++p.totals->missed;
    finish_copy(id, m, *c);
    maybe_retire(id);
  });
}


// A fetch hands records to a consumer: each counts as a delivery.
void Ledger::on_fetch(const Event& e) {
  const auto n = static_cast<std::uint64_t>(std::max<std::int64_t>(field::integer<"count">(e), 0));
  t.delivered += n;
  consumer(e.peer).delivered += n;
}

}  // namespace bs::check
