// The store as a two-phase commit participant (an XA resource): prepare writes the
// effect as prepared and locks its key, commit makes it visible (the `effect`), rollback
// discards it. Prepared transactions and locks are durable; a prepare waiting for a
// lock is not (its coordinator, hearing nothing, rolls it back or asks again).
#include "store/store.hpp"

namespace bs::store {

void Store::xa_apply(Context& ctx, NodeId from, const Packet& p) {
  if (const auto* pr = p.as<xa::Prepare>()) return xa_prepare(ctx, from, *pr);
  const bool commit = p.is<xa::Commit>();
  const std::uint64_t xid = commit ? p.as<xa::Commit>()->xid : p.as<xa::Rollback>()->xid;
  const MsgId msg = commit ? p.as<xa::Commit>()->msg : p.as<xa::Rollback>()->msg;
  const Xid x{from, xid};
  const auto request = static_cast<std::int64_t>(xid);
  if (auto it = prepared_.find(x); it != prepared_.end()) {
    const PreparedEffect pe = it->second;
    prepared_.erase(it);
    if (commit) {
      ctx.emit(Event{.kind = ev::XaCommit, .msg = pe.msg, .peer = from, .tag = request, .text = pe.key});
      ++effects_applied_;
      ctx.emit(Event{.kind = ev::Effect, .msg = pe.msg, .peer = from, .tag = request});
    } else {
      ctx.emit(Event{.kind = ev::XaRollback, .msg = pe.msg, .peer = from, .tag = request, .flag = true, .text = pe.key});
    }
    xa_unlock(pe.key);
  } else if (!commit) {
    // A prepare still waiting for its lock: it never voted, and now it never will.
    for (auto& [key, waiters] : lock_waiters_)
      for (auto w = waiters.begin(); w != waiters.end(); ++w)
        if (w->from == from && w->p.as<xa::Prepare>()->xid == xid) {
          ctx.emit(Event{.kind = ev::XaRollback, .msg = msg, .peer = from, .tag = request, .text = key});
          waiters.erase(w);
          ctx.send(from, xa::Done{xid, msg});
          return;
        }
  }
  // Unknown here: settled before (a resent outcome), or never prepared. Either way, done.
  ctx.send(from, xa::Done{xid, msg});
}

void Store::xa_prepare(Context& ctx, NodeId from, const xa::Prepare& p) {
  const Xid x{from, p.xid};
  if (prepared_.count(x)) {
    ctx.send(from, xa::Vote{p.xid, p.msg, true});  // a resent prepare: the same vote
    return;
  }
  if (!p.key.empty()) {
    auto lock = locks_.find(p.key);
    if (lock != locks_.end() && lock->second != x) {
      auto& waiters = lock_waiters_[p.key];
      for (const auto& w : waiters)
        if (w.from == from && w.p.as<xa::Prepare>()->xid == p.xid) return;  // already waiting
      ctx.emit(Event{.kind = ev::XaLockWait, .msg = p.msg, .peer = from, .tag = static_cast<std::int64_t>(p.xid),
                     .text = p.key});
      waiters.push_back(Pending{from, Packet(p)});
      return;
    }
    locks_[p.key] = x;
  }
  prepared_[x] = PreparedEffect{p.msg, p.key};
  ctx.emit(Event{.kind = ev::XaPrepare, .msg = p.msg, .peer = from, .tag = static_cast<std::int64_t>(p.xid),
                 .flag = true, .text = p.key});
  ctx.send(from, xa::Vote{p.xid, p.msg, true});
}

void Store::xa_unlock(const std::string& key) {
  if (key.empty()) return;
  locks_.erase(key);
  // The first waiter prepares next: back to the head of the commit queue.
  auto it = lock_waiters_.find(key);
  if (it == lock_waiters_.end() || it->second.empty()) return;
  queue_.push_front(std::move(it->second.front()));
  it->second.pop_front();
  if (it->second.empty()) lock_waiters_.erase(it);
}

void Store::xa_recover(Context& ctx, NodeId from) const {
  xa::InDoubt answer;
  for (const auto& [x, pe] : prepared_)
    if (x.first == from) answer.xids.push_back(x.second), answer.msgs.push_back(pe.msg);
  for (const auto& [key, waiters] : lock_waiters_)
    for (const auto& w : waiters)
      if (w.from == from) answer.xids.push_back(w.p.as<xa::Prepare>()->xid), answer.msgs.push_back(w.p.as<xa::Prepare>()->msg);
  ctx.send(from, std::move(answer));
}

}  // namespace bs::store
