// The group coordinator: membership by heartbeat, rebalances, committed offsets. In a
// KRaft cluster the coordinator of a group is the leader of its __consumer_offsets
// partition, and commits and generations are records of that partition.
#include <algorithm>
#include <sstream>

#include "kafka/broker_timers.hpp"
#include "kafka/log_broker.hpp"
#include "kafka/offsets_topic.hpp"

namespace bs::kafka {

LogBroker::Group& LogBroker::group(const std::string& name) {
  for (auto& g : groups_)
    if (g.name == name) return g;
  groups_.push_back(Group{});
  groups_.back().name = name;
  return groups_.back();
}

std::int64_t LogBroker::committed(const std::string& name, const TopicPartition& tp) const {
  for (const auto& g : groups_)
    if (g.name == name) {
      auto it = g.committed.find(tp);
      return it == g.committed.end() ? -1 : it->second;
    }
  return -1;
}

std::int32_t LogBroker::generation(const std::string& name) const {
  for (const auto& g : groups_)
    if (g.name == name) return g.generation;
  return 0;
}

std::vector<NodeId> LogBroker::members(const std::string& name) const {
  std::vector<NodeId> out;
  for (const auto& g : groups_)
    if (g.name == name)
      for (const auto& [id, m] : g.members) out.push_back(id);
  return out;
}

std::vector<TopicPartition> LogBroker::assignment(const std::string& name, NodeId member) const {
  for (const auto& g : groups_)
    if (g.name == name) {
      auto it = g.members.find(member);
      if (it != g.members.end()) return it->second.assigned;
    }
  return {};
}

LogBroker::Replica* LogBroker::offsets_partition(const std::string& group) {
  if (cfg_.offsets_partitions <= 0) return nullptr;
  return find(TopicPartition{std::string(kOffsetsTopic), offsets_partition_for(group, cfg_.offsets_partitions)});
}

bool LogBroker::coordinates(const std::string& group) const {
  if (cfg_.offsets_partitions <= 0) {
    for (const auto& g : cfg_.groups)
      if (g.name == group) return true;
    return cfg_.group_coordinators.empty();  // a lone broker coordinates every group
  }
  return leads(TopicPartition{std::string(kOffsetsTopic), offsets_partition_for(group, cfg_.offsets_partitions)});
}

bool LogBroker::refuse_if_not_coordinator(Context& ctx, NodeId from, const std::string& group) {
  if (cfg_.offsets_partitions <= 0 || coordinates(group)) return false;
  ctx.send(from, CoordinatorError{group, ErrorCode::NotCoordinator});
  return true;
}

void LogBroker::store_group_record(Context& ctx, const std::string& group, std::string text, const TxnIdentity* who) {
  Replica* r = offsets_partition(group);
  if (!r || !r->leader(self_)) return;
  Message m;
  m.key = std::move(text);
  m.size_bytes = 16;
  append_local(ctx, *r,
               StoredRecord{std::move(m), ctx.now(), r->state.leader_epoch, who ? who->producer_id : -1,
                            who ? who->producer_epoch : std::int16_t{0}, -1, who != nullptr},
               kNoNode);
  r->isr->leader_appended(r->log.log_end_offset());
  advance_high_watermark(ctx, *r);
  wake_fetches(ctx);
}

void LogBroker::load_groups(Replica& r) {
  for (auto& g : groups_)
    if (offsets_partition_for(g.name, cfg_.offsets_partitions) == r.tp.partition) {
      g.members.clear();
      g.committed.clear();
      g.pending_txn.clear();
      g.rebalance_scheduled = false;
    }
  // Records: "commit <group> <topic/p> <offset>" and "generation <group> <n>".
  // Transactions add "txncommit <group> <producer id> <member> <generation> <topic/p>
  // <offset>" (pending until the producer's marker) and the markers themselves.
  for (std::int64_t o = r.log.log_start_offset(); o < r.log.log_end_offset(); ++o) {
    const StoredRecord& rec = *r.log.at(o);
    if (rec.control != 0) {
      for (auto& g : groups_) {
        if (offsets_partition_for(g.name, cfg_.offsets_partitions) != r.tp.partition) continue;
        g.txn_epochs[rec.producer_id] = std::max(g.txn_epochs[rec.producer_id], rec.producer_epoch);
        auto it = g.pending_txn.find(rec.producer_id);
        if (it == g.pending_txn.end()) continue;
        if (rec.control == 1)
          for (const auto& [tp, off] : it->second.offsets) g.committed[tp] = off;
        g.pending_txn.erase(it);
      }
      continue;
    }
    const std::string& k = rec.msg.key;
    const auto last = k.rfind(' ');
    const auto kind_end = k.find(' ');
    if (last == std::string::npos || kind_end == last) continue;
    const std::string kind = k.substr(0, kind_end);
    const std::int64_t value = std::stoll(k.substr(last + 1));
    std::string rest = k.substr(kind_end + 1, last - kind_end - 1);
    if (kind == "generation") {
      group(rest).generation = static_cast<std::int32_t>(value);
    } else if (kind == "txncommit") {
      std::istringstream in(rest);
      std::string name, tpn;
      std::int64_t pid = -1;
      NodeId member = kNoNode;
      std::int32_t generation = 0;
      in >> name >> pid >> member >> generation >> tpn;
      const auto slash = tpn.rfind('/');
      auto& p = group(name).pending_txn[pid];
      p.member = member;
      p.generation = generation;
      p.offsets[TopicPartition{tpn.substr(0, slash), std::stoi(tpn.substr(slash + 1))}] = value;
    } else if (kind == "commit") {
      const auto sp = rest.rfind(' ');
      const std::string tpn = rest.substr(sp + 1);
      const auto slash = tpn.rfind('/');
      group(rest.substr(0, sp)).committed[TopicPartition{tpn.substr(0, slash), std::stoi(tpn.substr(slash + 1))}] = value;
    }
  }
}

void LogBroker::unload_groups(Replica& r) {
  for (auto& g : groups_)
    if (offsets_partition_for(g.name, cfg_.offsets_partitions) == r.tp.partition) {
      g.members.clear();
      g.rebalance_scheduled = false;
    }
}

void LogBroker::handle_join(Context& ctx, NodeId from, const JoinGroup& j) {
  if (refuse_if_not_coordinator(ctx, from, j.group)) return;
  Group& g = group(j.group);
  Member m;
  m.topics = j.topics;
  m.session_timeout_s = j.session_timeout_s;
  m.last_heartbeat = ctx.now();
  auto it = g.members.find(from);
  if (it != g.members.end()) m.previous = it->second.assigned;
  g.members[from] = std::move(m);
  schedule_rebalance(ctx, g);
}

void LogBroker::handle_heartbeat(Context& ctx, NodeId from, const Heartbeat& h) {
  if (refuse_if_not_coordinator(ctx, from, h.group)) return;
  Group& g = group(h.group);
  auto it = g.members.find(from);
  if (it == g.members.end()) {
    ctx.send(from, UnknownMember{h.group});  // Kafka: UNKNOWN_MEMBER_ID, rejoin
    return;
  }
  it->second.last_heartbeat = ctx.now();
  ctx.send(from, HeartbeatResponse{h.group, ErrorCode::None});
}

void LogBroker::handle_leave(Context& ctx, NodeId from, const LeaveGroup& l) {
  if (refuse_if_not_coordinator(ctx, from, l.group)) return;
  Group& g = group(l.group);
  if (g.members.erase(from)) {
    ctx.emit(Event{.kind = ev::ConnectionLost, .peer = from, .queue = g.name, .text = "leave_group"});
    schedule_rebalance(ctx, g);
  }
  parked_.erase(from);
}

void LogBroker::schedule_rebalance(Context& ctx, Group& g) {
  if (g.rebalance_scheduled) return;
  g.rebalance_scheduled = true;
  ctx.set_timer(cfg_.rebalance_delay_s, Timer{kRebalance, static_cast<std::uint64_t>(&g - groups_.data())});
}

void LogBroker::rebalance(Context& ctx, Group& g) {
  g.rebalance_scheduled = false;
  if (cfg_.offsets_partitions > 0 && !coordinates(g.name)) return;
  ++g.generation;
  store_group_record(ctx, g.name, "generation " + g.name + " " + std::to_string(g.generation));
  std::vector<MemberSubscription> subs;
  for (const auto& [id, m] : g.members) subs.push_back(MemberSubscription{id, m.topics});
  std::map<std::string, std::int32_t> partitions_of;
  for (const auto& [name, t] : topics_)
    if (!internal_topic(name)) partitions_of[name] = t.partitions;
  auto plan = assign(g.assignor, subs, partitions_of);
  ctx.emit(Event{.kind = ev::Rebalance, .tag = static_cast<std::int64_t>(g.members.size()), .seq = g.generation,
                 .text = g.name});
  for (auto& [id, m] : g.members) {
    m.previous = std::move(m.assigned);
    m.assigned = plan[id];
    for (const auto& tp : m.assigned)
      ctx.emit(Event{.kind = ev::Assign, .peer = id, .queue = tp_name(tp), .seq = g.generation, .text = g.name});
    if (m.assigned.empty())  // an idle member: more members than partitions
      ctx.emit(Event{.kind = ev::Assign, .peer = id, .seq = g.generation, .text = g.name});
    ctx.send(id, Assignment{g.name, g.generation, m.assigned});
  }
}

void LogBroker::handle_commit(Context& ctx, NodeId from, const OffsetCommit& c) {
  if (refuse_if_not_coordinator(ctx, from, c.group)) return;
  Group& g = group(c.group);
  auto it = g.members.find(from);
  for (const auto& o : c.offsets) {
    // Kafka rejects commits from a member the coordinator no longer knows or from an
    // older generation (ILLEGAL_GENERATION). A member may still commit the partitions it
    // held in the generation just before, as it does in onPartitionsRevoked before
    // rejoining (here rebalances do not wait for that, so we accept it afterwards).
    auto t = topics_.find(o.tp.topic);
    bool ok = it != g.members.end() && t != topics_.end() && o.tp.partition >= 0 &&
              o.tp.partition < t->second.partitions && o.offset >= 0;
    if (ok && c.generation != g.generation) {
      const auto& prev = it->second.previous;
      ok = c.generation == g.generation - 1 && std::find(prev.begin(), prev.end(), o.tp) != prev.end();
    }
    if (ok) {
      g.committed[o.tp] = o.offset;
      store_group_record(ctx, g.name, "commit " + g.name + " " + tp_name(o.tp) + " " + std::to_string(o.offset));
    }
    ctx.emit(Event{.kind = ev::Commit, .peer = from, .queue = tp_name(o.tp), .tag = o.offset, .seq = c.generation,
                   .flag = !ok, .text = g.name});
  }
}

void LogBroker::handle_offset_fetch(Context& ctx, NodeId from, const OffsetFetch& f) {
  if (refuse_if_not_coordinator(ctx, from, f.group)) return;
  OffsetFetchResponse resp{f.group, f.request_id, {}};
  for (const auto& tp : f.partitions) {
    if (unstable_offset(f.group, tp)) resp.unstable.push_back(tp);  // KIP-447: UNSTABLE_OFFSET_COMMIT
    else resp.offsets.push_back(FetchPartition{tp, committed(f.group, tp)});
  }
  ctx.send(from, std::move(resp));
}

void LogBroker::check_sessions(Context& ctx) {
  for (auto& g : groups_) {
    std::vector<NodeId> dead;
    for (const auto& [id, m] : g.members)
      if (ctx.now() - m.last_heartbeat > m.session_timeout_s) dead.push_back(id);
    for (NodeId id : dead) {
      g.members.erase(id);
      parked_.erase(id);
      ctx.emit(Event{.kind = ev::ConnectionLost, .peer = id, .queue = g.name, .text = "session.timeout.ms"});
    }
    if (!dead.empty()) schedule_rebalance(ctx, g);
  }
}

}  // namespace bs::kafka
