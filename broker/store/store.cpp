#include "store/store.hpp"

namespace bs::store {
namespace {
constexpr std::uint32_t kCommitted = 1;
constexpr std::size_t kOutboxPage = 100;
}  // namespace

void Store::on_start(Context&) {
  queue_.clear();
  committing_ = false;
}

void Store::on_crash(Context&) {
  queue_.clear();
  lock_waiters_.clear();
  committing_ = false;
  ++generation_;
}

void Store::on_packet(Context& ctx, NodeId from, const Packet& p) {
  if (p.is<StoreWrite>() || p.is<StateWrite>() || p.is<OutboxFetch>() || p.is<OutboxMark>()) {
    queue_.push_back(Pending{from, p});
    commit_next(ctx);
  } else if (p.is<xa::Prepare>() || p.is<xa::Commit>() || p.is<xa::Rollback>()) {
    queue_.push_back(Pending{from, p});  // each writes (and flushes) the store's log
    commit_next(ctx);
  } else if (p.is<xa::Recover>()) {
    xa_recover(ctx, from);  // a read of what is prepared: no commit to wait for
  }
}

void Store::commit_next(Context& ctx) {
  if (committing_ || queue_.empty()) return;
  committing_ = true;
  ctx.compute(0, cfg_.commit_s, Timer{kCommitted, generation_});
}

void Store::on_timer(Context& ctx, const Timer& t) {
  if (t.kind != kCommitted || t.arg != generation_ || !committing_ || queue_.empty()) return;
  committing_ = false;
  const Pending p = queue_.front();
  queue_.pop_front();
  if (const auto* w = p.p.as<StoreWrite>()) {
    commit_write(ctx, p.from, *w);
  } else if (const auto* s = p.p.as<StateWrite>()) {
    commit_state(ctx, p.from, *s);
  } else if (const auto* f = p.p.as<OutboxFetch>()) {
    OutboxRows rows{f->request, {}};
    // Oldest first, a page at a time (SELECT ... ORDER BY id LIMIT 100).
    for (const auto& [id, row] : outbox_)
      if (outbox_owner_[id] == p.from && rows.rows.size() < kOutboxPage) rows.rows.push_back(row);
    ctx.send(p.from, std::move(rows));
  } else if (const auto* m = p.p.as<OutboxMark>()) {
    if (outbox_.erase(m->msg)) ctx.emit(Event{.kind = ev::OutboxSent, .msg = m->msg, .peer = p.from});
  } else {
    xa_apply(ctx, p.from, p.p);
  }
  commit_next(ctx);
}

void Store::commit_write(Context& ctx, NodeId from, const StoreWrite& w) {
  const auto request = static_cast<std::int64_t>(w.request);
  if (w.check_id && processed_ids_.count(w.msg)) {
    ctx.send(from, StoreWriteOk{w.request, w.msg, true});
    return;
  }
  if (w.record_id) processed_ids_.insert(w.msg);
  if (w.effect) {
    ++effects_applied_;
    ctx.emit(Event{.kind = ev::Effect, .msg = w.msg, .peer = from, .tag = request, .flag = w.record_id});
  } else if (w.record_id) {
    ctx.emit(Event{.kind = ev::IdRecorded, .msg = w.msg, .peer = from, .tag = request});
  }
  ctx.send(from, StoreWriteOk{w.request, w.msg, false});
}

void Store::commit_state(Context& ctx, NodeId from, const StateWrite& w) {
  if (w.outbox_row) {
    outbox_[w.msg] = OutboxRow{w.msg, w.key, w.created_at};
    outbox_owner_[w.msg] = from;
  }
  ctx.emit(Event{.kind = ev::StateChange, .msg = w.msg, .peer = from, .tag = static_cast<std::int64_t>(w.request),
                 .flag = w.outbox_row, .text = w.key});
  ctx.send(from, StoreWriteOk{w.request, w.msg, false});
}

}  // namespace bs::store
