// The checker's rules for classic queue mirroring (queue model): what a promoted mirror
// kept, and what was lost because it lacked it.
#include "check/ledger.hpp"

namespace bs::check {

void Ledger::end_leaderless(const std::string& queue, double now) {
  auto it = leaderless.find(queue);
  if (it == leaderless.end()) return;
  mirror_unavailable_s[queue] += now - it->second.since;
  leaderless.erase(it);
}

void Ledger::on_mirror_promoted(const Event& e) {
  if (!field::flag<"promoted">(e)) {
    // when-synced: no promotion; the queue waits for its leader.
    leaderless.try_emplace(queue_name(e), Leaderless{e.t, e.peer});
    return;
  }
  end_leaderless(queue_name(e), e.t);
  ++t.mirror_promotions;
  const std::string& q = queue_name(e);
  Promotion& p = promotions[q];
  p.at_risk.clear();
  p.remaining = e.seq;
  p.cause = 1;
  // With its old leader alive (a partition, not a crash), the old copy still exists: its
  // fate is decided when the partition heals (split_brain drops), not here.
  if (!down.count(e.peer)) {
    if (p.remaining <= 0) promotions.erase(q);
    return;
  }
  for (const auto& [id, m] : msgs)
    for (const auto& c : m.copies)
      if (c.scope == q && !c.finished() && !c.log) p.at_risk.emplace(id, c.position);
  if (p.remaining <= 0) finish_promotion(q);
}

void Ledger::promoted_copy(const Event& e) {
  const std::string& q = queue_name(e);
  auto it = promotions.find(q);
  if (it == promotions.end()) return;
  it->second.at_risk.erase({e.msg, position(e)});
  if (auto m = msgs.find(e.msg); m != msgs.end())
    if (Copy* c = find_copy(m->second, q, position(e)); c && !c->finished()) c->state = CopyState::Queued;
  if (--it->second.remaining <= 0) finish_promotion(q);
}

void Ledger::finish_promotion(const std::string& q) {
  Promotion p = std::move(promotions.at(q));
  promotions.erase(q);
  for (const auto& [id, pos] : p.at_risk) {
    auto m = msgs.find(id);
    if (m == msgs.end()) continue;
    Copy* c = find_copy(m->second, q, pos);
    if (!c || c->finished()) continue;
    c->state = CopyState::Lost;
    queue_loss_cause[id] = p.cause;
    finish_copy(id, m->second, *c);
    touched.push_back(id);
    maybe_retire(id);
  }
}

}  // namespace bs::check
