// The consumer as the coordinator of a two-phase commit (X/Open XA's transaction
// manager): after processing a message it asks the broker to prepare the ack and the
// store to prepare the effect; when both vote yes it writes the commit to its log, then
// commits both; a no or a silence rolls both back. The log survives the consumer's
// crash (a transaction manager's log is on disk); a restarted coordinator asks each
// participant for the transactions it left prepared (xa_recover) and commits those its
// log holds, rolling back the others (presumed abort: no decision logged = rollback).
// Until it does, those participants are in doubt: the broker holds the message, the
// store the lock on the effect's key.
#include "amqp/consumer.hpp"

#include "store/xa_events.hpp"

namespace bs::amqp {
namespace {
enum TimerKind : std::uint32_t { kXaTimeout = 6, kXaRecover = 7 };
}  // namespace

void Consumer::begin_two_phase(Context& ctx) {
  const Deliver& d = current_.d;
  const std::uint64_t xid = ++store_request_;
  Txn& t = txns_[xid];
  t.msg = d.msg.id;
  t.broker = current_.from;
  t.current = true;
  t.waiting = {t.broker, cfg_.store};
  last_sent_ = ctx.now();
  ctx.send(t.broker, xa::Prepare{xid, d.msg.id, d.tag, d.connection, {}});
  // The effect's key is the routing key (the account a payment charges): two transactions
  // on one key are serialised by the store's lock.
  ctx.send(cfg_.store, xa::Prepare{xid, d.msg.id, 0, 0, d.msg.key});
  t.due = ctx.now() + cfg_.store_timeout_s;
  ctx.set_timer(cfg_.store_timeout_s, Timer{kXaTimeout, xid});
}

void Consumer::decide(Context& ctx, std::uint64_t xid, bool commit, const char* reason) {
  Txn& t = txns_.at(xid);
  if (commit) xa_log_[xid] = t.msg;  // forced to the log before anyone hears it
  t.deciding = true;
  t.commit = commit;
  t.waiting = {t.broker, cfg_.store};
  const Deliver* d = t.current ? &current_.d : nullptr;
  ctx.emit(Event{.kind = ev::XaDecision, .msg = t.msg, .peer = cfg_.store, .queue = d ? d->queue : "",
                 .tag = static_cast<std::int64_t>(xid), .seq = d ? static_cast<std::int64_t>(d->tag) : -1,
                 .flag = commit, .text = reason});
  if (commit && t.current) emit_process(ctx);  // its effect is decided: it will land, once
  send_outcome(ctx, xid);
}

void Consumer::send_outcome(Context& ctx, std::uint64_t xid) {
  Txn& t = txns_.at(xid);
  for (NodeId n : t.waiting) {
    if (t.commit) ctx.send(n, xa::Commit{xid, t.msg});
    else ctx.send(n, xa::Rollback{xid, t.msg});
  }
  t.due = ctx.now() + cfg_.store_timeout_s;
  ctx.set_timer(cfg_.store_timeout_s, Timer{kXaTimeout, xid});
}

void Consumer::on_xa(Context& ctx, NodeId from, const Packet& p) {
  if (const auto* d = p.as<xa::InDoubt>()) return on_in_doubt(ctx, from, *d);
  const bool vote = p.is<xa::Vote>();
  const std::uint64_t xid = vote ? p.as<xa::Vote>()->xid : p.as<xa::Done>()->xid;
  auto it = txns_.find(xid);
  if (it == txns_.end() || !it->second.waiting.count(from) || it->second.deciding == vote) return;  // stale
  Txn& t = it->second;
  if (vote && !p.as<xa::Vote>()->yes) return decide(ctx, xid, false, "vote_no");
  t.waiting.erase(from);
  if (!t.waiting.empty()) return;
  if (vote) return decide(ctx, xid, true, "all_prepared");
  // Every participant applied the outcome: the log may forget the transaction (once
  // recovery has heard from everyone: another participant may still report it in doubt).
  const bool current = t.current;
  if (recover_wait_.empty()) xa_log_.erase(xid);
  txns_.erase(it);
  if (current) {
    busy_ = false;
    maybe_start(ctx);
  }
}

void Consumer::start_recovery(Context& ctx) {
  recovered_.clear();
  recover_wait_ = {cfg_.store};
  for (NodeId b : brokers_.all()) recover_wait_.insert(b);
  for (NodeId n : recover_wait_) ctx.send(n, xa::Recover{});
  ctx.set_timer(cfg_.store_timeout_s, Timer{kXaRecover, 0});
}

void Consumer::on_in_doubt(Context& ctx, NodeId from, const xa::InDoubt& d) {
  if (!recover_wait_.erase(from)) return;
  for (std::size_t i = 0; i < d.xids.size(); ++i) {
    const std::uint64_t xid = d.xids[i];
    auto it = txns_.find(xid);
    if (it != txns_.end()) {
      // Another participant reported it too: the same outcome goes here.
      if (it->second.deciding && it->second.waiting.insert(from).second)
        it->second.commit ? ctx.send(from, xa::Commit{xid, it->second.msg}) : ctx.send(from, xa::Rollback{xid, it->second.msg});
      continue;
    }
    const bool commit = xa_log_.count(xid) != 0;
    Txn& t = txns_[xid];
    t.msg = i < d.msgs.size() ? d.msgs[i] : 0;
    t.broker = from == cfg_.store ? kNoNode : from;
    t.deciding = true;
    t.commit = commit;
    t.waiting = {from};
    if (recovered_.insert(xid).second)
      ctx.emit(Event{.kind = ev::XaDecision, .msg = t.msg, .peer = cfg_.store, .tag = static_cast<std::int64_t>(xid),
                     .flag = commit, .text = commit ? "log" : "presumed_abort"});
    send_outcome(ctx, xid);
  }
  if (!recover_wait_.empty()) return;
  // Logged commits no participant holds any more were applied everywhere before the crash.
  for (auto it = xa_log_.begin(); it != xa_log_.end();)
    it = txns_.count(it->first) ? std::next(it) : xa_log_.erase(it);
}

void Consumer::on_xa_timer(Context& ctx, const Timer& t) {
  if (t.kind == kXaRecover) {
    if (recover_wait_.empty()) return;
    for (NodeId n : recover_wait_) ctx.send(n, xa::Recover{});  // a participant still down
    ctx.set_timer(cfg_.store_timeout_s, Timer{kXaRecover, 0});
    return;
  }
  if (t.kind != kXaTimeout) return;
  auto it = txns_.find(t.arg);
  if (it == txns_.end() || ctx.now() < it->second.due - 1e-9) return;
  if (!it->second.deciding) return decide(ctx, t.arg, false, "timeout");  // a participant did not vote
  send_outcome(ctx, t.arg);  // an outcome not acknowledged yet: again, to whoever is missing
}

}  // namespace bs::amqp
