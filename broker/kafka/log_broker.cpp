#include "kafka/log_broker.hpp"

#include <algorithm>

namespace bs::kafka {
namespace {
enum TimerKind : std::uint32_t { kRetention = 1, kRebalance = 2, kSessions = 3, kFetchWait = 4 };
const std::string kUnknown = "?";
}  // namespace

LogBroker::LogBroker(LogBrokerConfig cfg) : cfg_(std::move(cfg)) {
  for (const auto& t : cfg_.topics) {
    Topic& topic = topics_[t.name];
    topic.cfg = t;
    for (std::int32_t p = 0; p < t.partitions; ++p) {
      topic.parts.emplace_back(t.log);
      topic.names.push_back(tp_name(TopicPartition{t.name, p}));
    }
  }
  for (const auto& g : cfg_.groups) group(g.name).assignor = g.assignor;
}

LogBroker::Group& LogBroker::group(const std::string& name) {
  for (auto& g : groups_)
    if (g.name == name) return g;
  groups_.push_back(Group{});
  groups_.back().name = name;
  return groups_.back();
}

PartitionLog* LogBroker::find_log(const TopicPartition& tp) {
  auto it = topics_.find(tp.topic);
  if (it == topics_.end() || tp.partition < 0 || tp.partition >= it->second.cfg.partitions) return nullptr;
  return &it->second.parts[static_cast<std::size_t>(tp.partition)];
}

const PartitionLog* LogBroker::log(const TopicPartition& tp) const {
  return const_cast<LogBroker*>(this)->find_log(tp);
}

const std::string& LogBroker::name_of(const TopicPartition& tp) const {
  auto it = topics_.find(tp.topic);
  if (it == topics_.end() || tp.partition < 0 || tp.partition >= it->second.cfg.partitions) return kUnknown;
  return it->second.names[static_cast<std::size_t>(tp.partition)];
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

void LogBroker::on_start(Context& ctx) {
  ctx.set_timer(cfg_.retention_check_s, Timer{kRetention, 0});
  ctx.set_timer(cfg_.session_check_s, Timer{kSessions, 0});
}

void LogBroker::on_packet(Context& ctx, NodeId from, const Packet& p) {
  if (auto* x = p.as<ProduceRequest>()) return handle_produce(ctx, from, *x);
  if (auto* x = p.as<FetchRequest>()) return handle_fetch(ctx, from, *x);
  if (auto* x = p.as<OffsetCommit>()) return handle_commit(ctx, from, *x);
  if (auto* x = p.as<JoinGroup>()) return handle_join(ctx, from, *x);
  if (auto* x = p.as<ListOffsets>()) return handle_list_offsets(ctx, from, *x);
  if (auto* x = p.as<MetadataRequest>()) {
    MetadataResponse r{x->request_id, {}, kNoNode};
    // A topic or group of this broker that the cluster map does not list (a single
    // broker's scenario) is this broker's own.
    for (const auto& t : x->topics) {
      auto it = cfg_.topic_leaders.find(t);
      auto here = topics_.find(t);
      if (it != cfg_.topic_leaders.end()) {
        for (std::int32_t p = 0; p < it->second.second; ++p) r.partitions.push_back({TopicPartition{t, p}, it->second.first, 0});
      } else if (here != topics_.end()) {
        for (std::int32_t p = 0; p < here->second.cfg.partitions; ++p) r.partitions.push_back({TopicPartition{t, p}, ctx.self(), 0});
      }
    }
    if (!x->group.empty()) {
      bool here = false;
      for (const auto& g : cfg_.groups) here |= g.name == x->group;
      auto it = cfg_.group_coordinators.find(x->group);
      r.coordinator = it != cfg_.group_coordinators.end() ? it->second : here ? ctx.self() : kNoNode;
    }
    ctx.send(from, std::move(r));
    return;
  }
  if (auto* x = p.as<Heartbeat>()) {
    Group& g = group(x->group);
    auto it = g.members.find(from);
    if (it == g.members.end()) {
      ctx.send(from, UnknownMember{x->group});  // Kafka: UNKNOWN_MEMBER_ID, rejoin
      return;
    }
    it->second.last_heartbeat = ctx.now();
    return;
  }
  if (auto* x = p.as<LeaveGroup>()) {
    Group& g = group(x->group);
    if (g.members.erase(from)) {
      ctx.emit(Event{.kind = ev::ConnectionLost, .peer = from, .queue = g.name, .text = "leave_group"});
      schedule_rebalance(ctx, g);
    }
    parked_.erase(from);
  }
}

void LogBroker::handle_produce(Context& ctx, NodeId from, const ProduceRequest& r) {
  ProduceResponse resp{r.request_id, {}};
  auto tit = topics_.find(r.topic);
  for (const auto& b : r.batches) {
    if (tit == topics_.end() || b.partition < 0 || b.partition >= tit->second.cfg.partitions) continue;
    PartitionLog& log = tit->second.parts[static_cast<std::size_t>(b.partition)];
    const std::string& pname = tit->second.names[static_cast<std::size_t>(b.partition)];
    ProduceResponse::Part part{b.partition, log.log_end_offset(), 0};
    for (const auto& m : b.records) {
      bool rolled = false;
      const MsgId id = m.id;
      const std::int64_t offset = log.append(m, ctx.now(), &rolled);
      if (rolled)
        ctx.emit(Event{.kind = ev::SegmentRoll, .queue = pname, .tag = offset,
                       .seq = static_cast<std::int64_t>(log.segments_rolled())});
      ctx.emit(Event{.kind = ev::Append, .msg = id, .peer = from, .queue = pname, .tag = offset, .seq = 0,
                     .text = m.key});
      ++part.count;
    }
    log.set_high_watermark(log.log_end_offset());  // a single replica: its own append commits
    resp.parts.push_back(part);
  }
  // acks=0: the producer asked for no response at all.
  if (r.acks != 0) ctx.send(from, std::move(resp));
  // Wake long-polling fetches that now have something to read.
  std::vector<NodeId> ready;
  for (const auto& [consumer, pk] : parked_)
    if (has_data(pk.req)) ready.push_back(consumer);
  for (NodeId c : ready) {
    FetchRequest req = std::move(parked_.at(c).req);
    parked_.erase(c);
    answer_fetch(ctx, c, req);
  }
}

std::int64_t LogBroker::resolve(const FetchRequest& r, const FetchPartition& fp, bool* reset, std::int64_t* from) const {
  const PartitionLog* log = this->log(fp.tp);
  std::int64_t off = fp.offset;
  if (off == kCommittedOffset) off = committed(r.group, fp.tp);
  *from = off;
  // auto.offset.reset applies when the group has no committed offset, or the offset is
  // out of range (below the log start offset after retention, or past the log end).
  *reset = off < 0 || off < log->log_start_offset() || off > log->high_watermark();
  if (*reset) off = r.reset_earliest ? log->log_start_offset() : log->high_watermark();
  return off;
}

bool LogBroker::has_data(const FetchRequest& r) const {
  for (const auto& fp : r.partitions) {
    const PartitionLog* log = this->log(fp.tp);
    if (!log) continue;
    bool reset = false;
    std::int64_t from = 0;
    const std::int64_t off = resolve(r, fp, &reset, &from);
    if (reset || off < log->high_watermark()) return true;
  }
  return false;
}

void LogBroker::answer_fetch(Context& ctx, NodeId to, const FetchRequest& r) {
  FetchResponse resp{r.generation, r.fetch_id, {}};
  std::uint32_t records_left = r.max_records;
  std::uint64_t bytes_left = r.max_bytes;
  const std::size_t n = r.partitions.size();
  // Start at a different partition each fetch so one busy partition cannot starve the
  // others when the batch limit is reached (Kafka rotates partitions the same way).
  const std::size_t first = n ? static_cast<std::size_t>(r.fetch_id % n) : 0;
  for (std::size_t k = 0; k < n; ++k) {
    const FetchPartition& fp = r.partitions[(first + k) % n];
    PartitionLog* log = find_log(fp.tp);
    if (!log) continue;
    bool reset = false;
    std::int64_t from = 0;
    std::int64_t off = resolve(r, fp, &reset, &from);
    const std::string& pname = name_of(fp.tp);
    if (reset)
      ctx.emit(Event{.kind = ev::OffsetReset, .peer = to, .queue = pname, .tag = off, .seq = from,
                     .text = r.group});
    FetchPartitionData d{fp.tp, off, log->high_watermark(), log->log_start_offset(), {}, {}};
    std::uint64_t bytes = 0;
    while (off < log->high_watermark() && records_left > 0) {
      const StoredRecord* rec = log->at(off);
      const std::uint64_t size = rec->msg.size_bytes + rec->msg.key.size();
      // The first record always goes, even if larger than max_bytes (Kafka does the same,
      // so a big record cannot block a partition forever).
      if (!(resp.parts.empty() && d.records.empty()) && bytes + size > bytes_left) break;
      bytes += size;
      d.records.push_back(rec->msg);
      d.timestamps.push_back(rec->timestamp);
      ++off;
      --records_left;
    }
    bytes_left = bytes_left > bytes ? bytes_left - bytes : 0;
    if (!d.records.empty())
      ctx.emit(Event{.kind = ev::Fetch, .peer = to, .queue = pname, .tag = d.fetch_offset,
                     .seq = static_cast<std::int64_t>(d.records.size()), .text = r.group});
    resp.parts.push_back(std::move(d));
  }
  ctx.send(to, std::move(resp));
}

void LogBroker::handle_fetch(Context& ctx, NodeId from, const FetchRequest& r) {
  parked_.erase(from);  // a new fetch supersedes the one still waiting
  if (has_data(r) || r.max_wait_s <= 0) return answer_fetch(ctx, from, r);
  parked_[from] = Parked{r, ctx.now() + r.max_wait_s};
  ctx.set_timer(r.max_wait_s, Timer{kFetchWait, from});
}

void LogBroker::handle_join(Context& ctx, NodeId from, const JoinGroup& j) {
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

void LogBroker::schedule_rebalance(Context& ctx, Group& g) {
  if (g.rebalance_scheduled) return;
  g.rebalance_scheduled = true;
  ctx.set_timer(cfg_.rebalance_delay_s, Timer{kRebalance, static_cast<std::uint64_t>(&g - groups_.data())});
}

void LogBroker::rebalance(Context& ctx, Group& g) {
  g.rebalance_scheduled = false;
  ++g.generation;
  std::vector<MemberSubscription> subs;
  for (const auto& [id, m] : g.members) subs.push_back(MemberSubscription{id, m.topics});
  std::map<std::string, std::int32_t> partitions_of;
  for (const auto& [name, t] : topics_) partitions_of[name] = t.cfg.partitions;
  auto plan = assign(g.assignor, subs, partitions_of);
  ctx.emit(Event{.kind = ev::Rebalance, .tag = static_cast<std::int64_t>(g.members.size()), .seq = g.generation,
                 .text = g.name});
  for (auto& [id, m] : g.members) {
    m.previous = std::move(m.assigned);
    m.assigned = plan[id];
    for (const auto& tp : m.assigned)
      ctx.emit(Event{.kind = ev::Assign, .peer = id, .queue = name_of(tp), .seq = g.generation, .text = g.name});
    if (m.assigned.empty())  // an idle member: more members than partitions
      ctx.emit(Event{.kind = ev::Assign, .peer = id, .seq = g.generation, .text = g.name});
    ctx.send(id, Assignment{g.name, g.generation, m.assigned});
  }
}

void LogBroker::handle_commit(Context& ctx, NodeId from, const OffsetCommit& c) {
  Group& g = group(c.group);
  auto it = g.members.find(from);
  for (const auto& o : c.offsets) {
    // Kafka rejects commits from a member the coordinator no longer knows or from an
    // older generation (ILLEGAL_GENERATION). A member may still commit the partitions it
    // held in the generation just before, as it does in onPartitionsRevoked before
    // rejoining (here rebalances do not wait for that, so we accept it afterwards).
    bool ok = it != g.members.end() && find_log(o.tp) != nullptr && o.offset >= 0;
    if (ok && c.generation != g.generation) {
      const auto& prev = it->second.previous;
      ok = c.generation == g.generation - 1 && std::find(prev.begin(), prev.end(), o.tp) != prev.end();
    }
    if (ok) g.committed[o.tp] = o.offset;
    ctx.emit(Event{.kind = ev::Commit, .peer = from, .queue = name_of(o.tp), .tag = o.offset, .seq = c.generation,
                   .flag = !ok, .text = g.name});
  }
}

void LogBroker::handle_list_offsets(Context& ctx, NodeId from, const ListOffsets& l) {
  ListOffsetsResponse resp{l.request_id, {}};
  for (const auto& tp : l.partitions)
    if (const PartitionLog* log = this->log(tp)) resp.offsets.push_back(FetchPartition{tp, log->offset_for_time(l.timestamp_s)});
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

void LogBroker::apply_retention(Context& ctx) {
  for (auto& [name, t] : topics_)
    for (std::size_t p = 0; p < t.parts.size(); ++p)
      for (const auto& d : t.parts[p].apply_retention(ctx.now()))
        ctx.emit(Event{.kind = ev::SegmentDelete, .queue = t.names[p], .tag = d.base_offset, .seq = d.next_offset,
                       .text = d.reason});
}

void LogBroker::on_timer(Context& ctx, const Timer& t) {
  switch (t.kind) {
    case kRetention:
      apply_retention(ctx);
      ctx.set_timer(cfg_.retention_check_s, Timer{kRetention, 0});
      break;
    case kSessions:
      check_sessions(ctx);
      ctx.set_timer(cfg_.session_check_s, Timer{kSessions, 0});
      break;
    case kRebalance:
      if (t.arg < groups_.size() && groups_[t.arg].rebalance_scheduled) rebalance(ctx, groups_[t.arg]);
      break;
    case kFetchWait: {
      auto it = parked_.find(static_cast<NodeId>(t.arg));
      if (it == parked_.end() || it->second.deadline > ctx.now() + 1e-12) break;  // answered or superseded
      FetchRequest req = std::move(it->second.req);
      parked_.erase(it);
      answer_fetch(ctx, static_cast<NodeId>(t.arg), req);
      break;
    }
    default: break;
  }
}

void LogBroker::on_crash(Context&) {
  // Membership lives in memory; every member will hear UNKNOWN_MEMBER_ID and rejoin.
  for (auto& g : groups_) {
    g.members.clear();
    g.rebalance_scheduled = false;
  }
  parked_.clear();
}

}  // namespace bs::kafka
