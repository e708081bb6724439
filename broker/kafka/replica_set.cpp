#include "kafka/replica_set.hpp"

#include <algorithm>

namespace bs::kafka {

ReplicaSet::ReplicaSet(NodeId leader, std::vector<NodeId> replicas, double lag_time_max_s, std::int32_t min_insync,
                       std::int64_t leo, double now)
    : leader_(leader), lag_time_max_s_(lag_time_max_s), min_insync_(min_insync), hw_(0) {
  for (NodeId r : replicas) replicas_.push_back(Replica{r, leo, now, now, leo, true});
  update_hw();
}

ReplicaSet::ReplicaSet(NodeId leader, std::vector<NodeId> replicas, const std::vector<NodeId>& isr, double lag_time_max_s,
                       std::int32_t min_insync, std::int64_t leo, std::int64_t hw, double now)
    : leader_(leader), lag_time_max_s_(lag_time_max_s), min_insync_(min_insync), hw_(hw) {
  for (NodeId r : replicas) {
    const bool in = r == leader || std::find(isr.begin(), isr.end(), r) != isr.end();
    replicas_.push_back(Replica{r, r == leader ? leo : -1, now, now, leo, in});
  }
  update_hw();
}

ReplicaSet::Replica* ReplicaSet::find(NodeId r) {
  for (auto& x : replicas_)
    if (x.broker == r) return &x;
  return nullptr;
}
const ReplicaSet::Replica* ReplicaSet::find(NodeId r) const {
  for (const auto& x : replicas_)
    if (x.broker == r) return &x;
  return nullptr;
}

std::int64_t ReplicaSet::leo(NodeId r) const {
  const Replica* x = find(r);
  return x ? x->leo : -1;
}

bool ReplicaSet::in_isr(NodeId r) const {
  const Replica* x = find(r);
  return x && x->in_isr;
}

std::vector<NodeId> ReplicaSet::isr() const {
  std::vector<NodeId> out;
  for (const auto& x : replicas_)
    if (x.in_isr) out.push_back(x.broker);
  return out;
}

bool ReplicaSet::enough_replicas() const {
  return static_cast<std::int32_t>(isr().size()) >= min_insync_;
}

void ReplicaSet::update_hw() {
  std::int64_t low = INT64_MAX;
  for (const auto& x : replicas_)
    if (x.in_isr) low = std::min(low, x.leo);
  if (low != INT64_MAX) hw_ = std::max(hw_, low);  // a leader's high watermark never goes down
}

void ReplicaSet::leader_appended(std::int64_t leo) {
  if (Replica* l = find(leader_)) l->leo = std::max(l->leo, leo);
  update_hw();  // with the leader alone in the ISR, its own append moves the high watermark
}

bool ReplicaSet::follower_fetched(NodeId f, std::int64_t fetch_offset, double now) {
  Replica* x = find(f);
  const Replica* l = find(leader_);
  if (!x || !l || f == leader_) return false;
  const std::int64_t leader_leo = l->leo;
  // Caught up now, or caught up with what the leader had at its previous fetch.
  if (fetch_offset >= leader_leo) x->last_caught_up = now;
  else if (fetch_offset >= x->leader_leo_at_last_fetch) x->last_caught_up = std::max(x->last_caught_up, x->last_fetch);
  x->leader_leo_at_last_fetch = leader_leo;
  x->last_fetch = now;
  x->leo = fetch_offset;
  bool expanded = false;
  if (!x->in_isr && x->leo >= hw_) {
    x->in_isr = true;
    expanded = true;
  }
  update_hw();
  return expanded;
}

std::vector<NodeId> ReplicaSet::out_of_sync(double now) const {
  std::vector<NodeId> out;
  const std::int64_t leader_leo = leo(leader_);
  for (const auto& x : replicas_)
    if (x.broker != leader_ && x.in_isr && x.leo != leader_leo && now - x.last_caught_up > lag_time_max_s_)
      out.push_back(x.broker);
  return out;
}

void ReplicaSet::set_isr(const std::vector<NodeId>& committed, const std::vector<NodeId>& pending_adds) {
  for (auto& x : replicas_) {
    auto has = [&](const std::vector<NodeId>& v) { return std::find(v.begin(), v.end(), x.broker) != v.end(); };
    x.in_isr = x.broker == leader_ || has(committed) || has(pending_adds);
  }
  update_hw();
}

std::vector<NodeId> ReplicaSet::shrink(double now) {
  std::vector<NodeId> out;
  const std::int64_t leader_leo = leo(leader_);
  for (auto& x : replicas_) {
    if (x.broker == leader_ || !x.in_isr || x.leo == leader_leo) continue;
    if (now - x.last_caught_up > lag_time_max_s_) {
      x.in_isr = false;
      out.push_back(x.broker);
    }
  }
  if (!out.empty()) update_hw();  // the slow replica no longer holds the high watermark back
  return out;
}

}  // namespace bs::kafka
