// Two-phase commit: time in doubt per participant (a broker with XA, a store), from its
// xa_prepare (vote yes) to its xa_commit or xa_rollback. While in doubt a broker holds the
// message and a store holds the lock on the effect's key, and neither may decide alone:
// a coordinator that crashed after the prepares makes that time as long as its outage.
// The message's own fate comes from the `ack` / `requeue` a broker writes after its
// outcome and the `effect` a store writes after its commit (the existing rules); here
// only the atomicity of the two is checked: a broker that committed the ack of a message
// whose effect its store rolled back has lost the effect.
#include "check/ledger.hpp"

namespace bs::check {
namespace {
// A broker participant names the queue of the delivery; a store names none.
bool is_broker(const Event& e) { return !queue_name(e).empty(); }
std::int64_t xid_of(const Event& e) { return field::integer<"xid">(e); }
const std::string& name_of(const std::vector<std::string>& names, NodeId n) {
  static const std::string unknown = "?";
  return n < names.size() ? names[n] : unknown;
}
}  // namespace

void Ledger::on_xa_prepare(const Event& e) {
  t.two_phase = true;
  if (!field::flag<"vote">(e)) return;  // a no: nothing prepared, nothing in doubt
  const XaKey k{e.node, e.peer, xid_of(e)};
  ++t.participants[name_of(names, e.node)].prepared;
  in_doubt_since.emplace(k, e.t);
  XaOutcome& o = xa_outcomes[{e.peer, xid_of(e)}];
  o.msg = e.msg;
  if (!is_broker(e)) o.store = e.node;
  if (auto w = lock_wait_since.find(k); w != lock_wait_since.end()) {
    t.lock_wait_max_s = std::max(t.lock_wait_max_s, e.t - w->second);
    lock_wait_since.erase(w);
  }
}

void Ledger::on_xa_outcome(const Event& e) {
  t.two_phase = true;
  const XaKey k{e.node, e.peer, xid_of(e)};
  const bool commit = e.kind == ev::XaCommit;
  if (auto w = lock_wait_since.find(k); w != lock_wait_since.end()) {
    // A prepare that waited for its lock and was rolled back before it got it.
    t.lock_wait_max_s = std::max(t.lock_wait_max_s, e.t - w->second);
    lock_wait_since.erase(w);
  }
  auto it = in_doubt_since.find(k);
  if (it == in_doubt_since.end()) return;
  ParticipantTotals& p = t.participants[name_of(names, e.node)];
  const double d = e.t - it->second;
  in_doubt_since.erase(it);
  p.in_doubt_s += d;
  p.in_doubt_max_s = std::max(p.in_doubt_max_s, d);
  t.in_doubt_s += d;
  t.in_doubt_max_s = std::max(t.in_doubt_max_s, d);
  ++(commit ? p.committed : p.rolled_back);
  XaOutcome& o = xa_outcomes[{e.peer, xid_of(e)}];
  if (is_broker(e) && commit) o.broker_committed = true;
  if (!is_broker(e) && !commit) o.store_rolled_back = true, o.store = e.node;
  // Both outcomes known and different the wrong way round: the message is gone from the
  // queue and its effect never landed.
  if (o.broker_committed && o.store_rolled_back && o.store != kNoNode) lose_effect({o.msg, o.store});
  if (o.broker_committed && o.store_rolled_back) o.store = kNoNode;  // counted once
}

void Ledger::on_xa_decision(const Event& e) {
  t.two_phase = true;
  if (reason(e) == "log") return;  // a restarted coordinator re-sending a commit it had decided
  ++(field::flag<"commit">(e) ? t.xa_commits : t.xa_rollbacks);
}

void Ledger::on_xa_lock_wait(const Event& e) {
  t.two_phase = true;
  lock_wait_since.emplace(XaKey{e.node, e.peer, xid_of(e)}, e.t);
}

void Ledger::xa_on_crash(NodeId node) {
  // A store's waiting prepares die with it (they were not prepared yet).
  for (auto it = lock_wait_since.begin(); it != lock_wait_since.end();)
    if (std::get<0>(it->first) == node) {
      t.lock_wait_max_s = std::max(t.lock_wait_max_s, t.end_t - it->second);
      it = lock_wait_since.erase(it);
    } else {
      ++it;
    }
}

void Ledger::two_phase_totals(Totals& into) const {
  // Still in doubt (or still waiting) at the end: counted up to the end.
  for (const auto& [k, since] : in_doubt_since) {
    const double d = into.end_t - since;
    ParticipantTotals& p = into.participants[name_of(names, std::get<0>(k))];
    ++p.in_doubt;
    p.in_doubt_s += d;
    p.in_doubt_max_s = std::max(p.in_doubt_max_s, d);
    into.in_doubt_s += d;
    into.in_doubt_max_s = std::max(into.in_doubt_max_s, d);
  }
  for (const auto& [k, since] : lock_wait_since) into.lock_wait_max_s = std::max(into.lock_wait_max_s, into.end_t - since);
}

}  // namespace bs::check
