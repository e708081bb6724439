// The checker's rules for the log model's (Kafka) event kinds.
#include "check/ledger.hpp"

namespace bs::check {

// Log model: the record enters its partition at `offset`; every group subscribed to
// the topic gets a copy whose order scope is (group, partition), position the offset.
void Ledger::on_append(const Event& e) {
  in_flight.erase(e.msg);
  MsgState& m = msgs[e.msg];
  if (!m.enqueued) ++t.routed;
  m.enqueued = true;
  m.key = field::text<"key">(e);
  PartitionState& p = partition_state(partition(e));
  ++p.totals->routed;
  const std::int64_t off = offset(e);
  p.high_watermark = std::max(p.high_watermark, off + 1);
  for (std::size_t g = 0; g < p.groups.size(); ++g) {
    Copy c;
    c.scope = p.groups[g];
    c.order_scope = partition(e);
    c.position = off;
    c.log = true;
    c.order = p.orders[g];
    c.order->live.emplace(off, e.msg);
    m.copies.push_back(std::move(c));
    // Lag: records in the partition the group has not processed yet.
    const auto lag = static_cast<std::uint64_t>(p.high_watermark - p.next[g]);
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
