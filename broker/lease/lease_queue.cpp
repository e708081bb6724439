#include "lease/lease_queue.hpp"

namespace bs::lease {

Entry& LeaseQueue::store(const LeaseMessage& m, double now) {
  const std::int64_t pos = next_position_++;
  Entry& e = entries_[pos];
  e.msg = m;
  e.position = pos;
  e.stored_at = now;
  // SQS: a queue's DelaySeconds applies unless the message sets its own (standard queues).
  e.visible_at = now + (m.delay_s > 0 ? m.delay_s : cfg_.delay_s);
  return e;
}

Entry* LeaseQueue::at(std::int64_t position) {
  auto it = entries_.find(position);
  return it == entries_.end() ? nullptr : &it->second;
}

void LeaseQueue::erase(std::int64_t position) { entries_.erase(position); }

bool LeaseQueue::duplicate(const std::string& id, double now) {
  if (cfg_.dedup_window_s <= 0 || id.empty()) return false;
  auto it = dedup_.find(id);
  if (it != dedup_.end() && now - it->second < cfg_.dedup_window_s) return true;
  dedup_[id] = now;  // SQS keeps tracking the id after the message is deleted
  return false;
}

std::string LeaseQueue::session_of(NodeId receiver, double now) const {
  for (const auto& [s, h] : sessions_)
    if (h.holder == receiver && h.due > now) return s;
  return "";
}

// SQS FIFO: while a message of a group is in flight, no other message of that group is
// returned ("Amazon SQS FIFO queue key terms": messages of one group are processed one at a
// time), except more of the same group in the same ReceiveMessage call, in order.
// Pub/Sub ordering keys: the same, per key. Service Bus sessions: a session's messages go
// only to the receiver holding its lock.
bool LeaseQueue::group_blocked(const Entry& e, NodeId receiver, double now, const std::set<std::string>& taken) const {
  if (e.msg.group.empty()) return false;
  if (cfg_.sessions) {
    auto it = sessions_.find(e.msg.group);
    return it != sessions_.end() && it->second.due > now && it->second.holder != receiver;
  }
  if (!cfg_.fifo && !cfg_.ordering) return false;
  if (taken.count(e.msg.group)) return false;
  for (const auto& [pos, other] : entries_) {
    if (pos >= e.position) break;
    if (other.msg.group == e.msg.group) return true;  // an earlier message of the group is still here (leased or not yet visible)
  }
  return false;
}

std::vector<std::int64_t> LeaseQueue::pick(NodeId receiver, std::uint32_t max, double now) {
  std::vector<std::int64_t> out;
  std::set<std::string> taken;  // groups this call has already given out
  // Service Bus: a session receiver works on one session: the one it holds, or else the
  // first unlocked session with a message ready (AcceptNextSession).
  std::string session;
  if (cfg_.sessions) {
    session = session_of(receiver, now);
    bool ready = false;
    if (!session.empty())
      for (const auto& [pos, e] : entries_)
        if (e.msg.group == session && !e.leased && e.visible_at <= now) ready = true;
    if (!ready) {
      bool holding_leases = false;
      for (const auto& [pos, e] : entries_)
        if (!session.empty() && e.msg.group == session && e.leased && e.holder == receiver) holding_leases = true;
      if (!holding_leases) {
        if (!session.empty()) sessions_.erase(session);  // done with it: let it go
        session.clear();
        for (const auto& [pos, e] : entries_) {
          if (e.leased || e.visible_at > now || e.msg.group.empty()) continue;
          auto it = sessions_.find(e.msg.group);
          if (it != sessions_.end() && it->second.due > now) continue;
          session = e.msg.group;
          break;
        }
      }
    }
  }
  for (auto& [pos, e] : entries_) {
    if (out.size() >= max) break;
    if (e.leased || e.visible_at > now || e.deferred) continue;
    if (cfg_.sessions && e.msg.group != session) continue;
    if (group_blocked(e, receiver, now, taken)) continue;
    out.push_back(pos);
    if (!e.msg.group.empty()) taken.insert(e.msg.group);
  }
  return out;
}

}  // namespace bs::lease
