// Replication: the leader's answers to replica fetches and its ISR upkeep, the
// follower's fetcher and truncation, and the metadata the controller pushes.
#include <algorithm>

#include "kafka/broker_timers.hpp"
#include "kafka/log_broker.hpp"

namespace bs::kafka {
namespace {
bool contains(const std::vector<NodeId>& v, NodeId x) { return std::find(v.begin(), v.end(), x) != v.end(); }
}  // namespace

// ---- Leader side ----------------------------------------------------------------------

bool LogBroker::replica_fetch_ready(const ReplicaFetch& f) const {
  for (const auto& p : f.partitions) {
    const Replica* r = find(p.tp);
    if (!r || !r->leader(self_) || p.current_leader_epoch != r->state.leader_epoch) return true;  // an error to report
    if (p.fetch_offset < r->log.log_end_offset()) return true;
  }
  return false;
}

void LogBroker::handle_replica_fetch(Context& ctx, NodeId from, const ReplicaFetch& f) {
  parked_replicas_.erase(from);
  // The fetch offset is the follower's log end offset: the leader learns it now, whether
  // the fetch is answered at once or waits (Kafka updates follower state on arrival).
  for (const auto& p : f.partitions) {
    Replica* r = find(p.tp);
    if (!r || !r->leader(self_) || p.current_leader_epoch != r->state.leader_epoch) continue;
    const auto diverging = r->log.end_offset_for_epoch(p.last_fetched_epoch);
    if (p.last_fetched_epoch >= 0 && (diverging.first < p.last_fetched_epoch || diverging.second < p.fetch_offset))
      continue;  // its log diverges: its LEO means nothing until it has truncated
    if (r->isr->follower_fetched(from, p.fetch_offset, ctx.now())) {
      // Caught up to the high watermark: back into the ISR (counted at once, KIP-497).
      r->pending_adds.push_back(from);
      std::vector<NodeId> isr = r->state.isr;
      for (NodeId a : r->pending_adds)
        if (!contains(isr, a)) isr.push_back(a);
      send_alter(ctx, *r, isr);
    }
    advance_high_watermark(ctx, *r);
  }
  if (replica_fetch_ready(f) || f.max_wait_s <= 0) return answer_replica_fetch(ctx, from, f);
  parked_replicas_[from] = ParkedReplica{f, ctx.now() + f.max_wait_s};
  ctx.set_timer(f.max_wait_s, Timer{kReplicaFetchWait, from});
}

void LogBroker::answer_replica_fetch(Context& ctx, NodeId to, const ReplicaFetch& f) {
  ReplicaFetchResponse resp{f.fetch_id, {}};
  std::uint32_t left = f.max_records;
  for (const auto& p : f.partitions) {
    ReplicaFetchPartitionData d;
    d.tp = p.tp;
    d.fetch_offset = p.fetch_offset;
    const Replica* r = find(p.tp);
    if (!r || !r->leader(self_)) {
      d.error = ErrorCode::NotLeaderOrFollower;
    } else if (p.current_leader_epoch < r->state.leader_epoch) {
      d.error = ErrorCode::FencedLeaderEpoch;
    } else if (p.current_leader_epoch > r->state.leader_epoch) {
      d.error = ErrorCode::UnknownLeaderEpoch;
    } else {
      const PartitionLog& log = r->log;
      d.leader_epoch = r->state.leader_epoch;
      d.high_watermark = log.high_watermark();
      d.log_start_offset = log.log_start_offset();
      // KIP-595: the follower's last epoch ends earlier here (or this leader never had
      // it): tell it where to truncate.
      const auto [epoch, end] = log.end_offset_for_epoch(p.last_fetched_epoch);
      if (p.last_fetched_epoch >= 0 && (epoch < p.last_fetched_epoch || end < p.fetch_offset)) {
        d.diverging = DivergingEpoch{epoch, std::max<std::int64_t>(end, 0)};
      } else if (p.fetch_offset >= log.log_start_offset()) {
        for (std::int64_t o = p.fetch_offset; o < log.log_end_offset() && left > 0; ++o, --left)
          d.records.push_back(*log.at(o));
      }
    }
    resp.parts.push_back(std::move(d));
  }
  ctx.send(to, std::move(resp));
}

void LogBroker::send_alter(Context& ctx, Replica& r, std::vector<NodeId> isr) {
  if (!kraft()) return;
  PartitionState want = r.state;
  want.isr.clear();
  for (NodeId x : r.state.replicas)
    if (contains(isr, x)) want.isr.push_back(x);
  r.alter_sent_at = ctx.now();
  ctx.send(cfg_.controllers[controller_index_ % cfg_.controllers.size()], AlterPartition{want});
}

void LogBroker::check_isr(Context& ctx) {
  for (auto& [tp, r] : replicas_) {
    if (!r.leader(self_)) continue;
    // An AlterPartition unanswered for a while (lost with a controller) is sent again.
    if (r.alter_sent_at >= 0 && ctx.now() - r.alter_sent_at < cfg_.replica_lag_time_max_s) continue;
    const auto out = r.isr->out_of_sync(ctx.now());
    std::vector<NodeId> isr = r.isr->isr();
    bool change = !out.empty();
    for (NodeId x : out) isr.erase(std::find(isr.begin(), isr.end(), x));
    for (NodeId a : r.pending_adds) change |= !contains(r.state.isr, a);
    if (change) send_alter(ctx, r, isr);
  }
}

// ---- Follower side --------------------------------------------------------------------

void LogBroker::fetch_from(Context& ctx, NodeId leader) {
  if (leader == kNoNode || leader == self_) return;
  Fetcher& f = fetchers_[leader];
  if (f.inflight || f.backoff) return;
  ReplicaFetch req;
  req.max_wait_s = cfg_.replica_fetch_wait_max_s;
  req.max_records = cfg_.replica_fetch_max_records;
  for (const auto& [tp, r] : replicas_)
    if (r.known && r.state.leader == leader)
      req.partitions.push_back(ReplicaFetchPartition{tp, r.log.log_end_offset(), r.state.leader_epoch, r.log.latest_epoch()});
  if (req.partitions.empty()) return;
  req.fetch_id = f.fetch_id = next_fetch_id_++;
  f.inflight = true;
  ctx.send(leader, std::move(req));
  ctx.set_timer(cfg_.replica_fetch_wait_max_s + cfg_.replica_socket_timeout_s, Timer{kReplicaFetchTimeout, f.fetch_id});
}

void LogBroker::on_replica_fetch_response(Context& ctx, NodeId from, const ReplicaFetchResponse& resp) {
  auto fit = fetchers_.find(from);
  if (fit == fetchers_.end() || !fit->second.inflight || fit->second.fetch_id != resp.fetch_id) return;
  fit->second.inflight = false;
  bool failed = false;
  for (const auto& d : resp.parts) {
    Replica* r = find(d.tp);
    // Only what the current leader says in the current epoch counts.
    if (!r || !r->known || r->state.leader != from || r->leader(self_)) continue;
    if (d.error != ErrorCode::None) {
      failed = true;
      continue;
    }
    if (d.leader_epoch != r->state.leader_epoch) continue;
    const char* reason = r->state.unclean ? "unclean_election" : "leader_epoch";
    std::vector<TruncatedRecord> gone;
    if (d.diverging.epoch >= 0 || d.diverging.end_offset >= 0) {
      gone = r->log.truncate_to(std::min(d.diverging.end_offset, r->log.log_end_offset()));
    } else if (d.fetch_offset < d.log_start_offset && d.records.empty()) {
      gone = r->log.reset_to(d.log_start_offset);  // the leader's retention passed us
      reason = "log_start";
    } else if (d.fetch_offset == r->log.log_end_offset()) {
      for (const auto& rec : d.records) {
        const MsgId id = rec.msg.id;
        const std::int32_t epoch = rec.leader_epoch;
        remember_record(*r, rec, r->log.log_end_offset());
        // Followers roll and delete segments too; the trace shows the leader's.
        const std::int64_t off = r->log.append(rec);
        // A transaction marker is replicated like a record (no message): the follower's
        // log end moves past it too.
        if (id != 0 || (rec.control != 0 && !r->internal))
          ctx.emit(Event{.kind = ev::Replicate, .msg = id, .peer = from, .queue = r->name, .tag = off, .seq = epoch});
      }
      r->log.set_high_watermark(std::min(d.high_watermark, r->log.log_end_offset()));
    }
    if (!gone.empty()) {
      for (const auto& g : gone)
        if (g.record.msg.id != 0)
          ctx.emit(Event{.kind = ev::Truncate, .msg = g.record.msg.id, .peer = from, .queue = r->name, .tag = g.offset,
                         .seq = r->state.leader_epoch, .text = reason});
      rebuild_producers(*r);
    }
  }
  if (failed) {
    // replica.fetch.backoff.ms: the leader is not ready for us (it may not know its new
    // epoch yet); ask again a little later.
    fit->second.backoff = true;
    ctx.set_timer(cfg_.replica_fetch_backoff_s, Timer{kReplicaFetchBackoff, from});
    return;
  }
  fetch_from(ctx, from);
}

// ---- Metadata from the controller -------------------------------------------------------

void LogBroker::apply_state(Context& ctx, Replica& r, const PartitionState& s) {
  const bool was_leader = r.leader(self_);
  const std::int32_t old_epoch = r.state.leader_epoch;
  const bool was_known = r.known;
  r.state = s;
  r.known = true;
  if (s.leader == self_) {
    const std::int32_t min_insync = r.topic ? r.topic->min_insync : 1;
    if (!was_leader || !was_known || old_epoch != s.leader_epoch) {
      // Becoming leader: followers' positions are unknown until they fetch.
      r.isr = std::make_unique<ReplicaSet>(self_, s.replicas, s.isr, cfg_.replica_lag_time_max_s, min_insync,
                                           r.log.log_end_offset(), r.log.high_watermark(), ctx.now());
      r.pending_adds.clear();
      r.alter_sent_at = -1;
      if (r.internal && !r.txn_state) load_groups(r);
      if (r.txn_state) load_txns(ctx, r);
    } else {
      // Same epoch: the controller committed an ISR change.
      std::vector<NodeId> still;
      for (NodeId a : r.pending_adds)
        if (!contains(s.isr, a)) still.push_back(a);
      r.pending_adds = std::move(still);
      r.alter_sent_at = -1;
      r.isr->set_isr(s.isr, r.pending_adds);
    }
    advance_high_watermark(ctx, r);
    wake_fetches(ctx);
    return;
  }
  // A new leader epoch: a fetch still in flight to this leader belongs to an old
  // connection (the leader may have restarted since): abandon it, as Kafka re-creates
  // the fetcher when partitions are added to it.
  if (s.leader != kNoNode && (!was_known || old_epoch != s.leader_epoch)) {
    auto f = fetchers_.find(s.leader);
    if (f != fetchers_.end() && f->second.inflight) {
      f->second.inflight = false;
      f->second.fetch_id = 0;
    }
  }
  if (was_leader) {
    r.isr.reset();
    r.pending_adds.clear();
    complete_delayed(ctx, r.tp, ErrorCode::NotLeaderOrFollower);
    wake_fetches(ctx);  // parked consumers hear NOT_LEADER_OR_FOLLOWER
    if (r.internal && !r.txn_state) unload_groups(r);
    offset_replies_.erase(r.tp);  // unanswered: the client times out and aborts
    if (r.txn_state) unload_txns(r);
  }
}

void LogBroker::start_fetchers(Context& ctx) {
  std::vector<NodeId> leaders;
  for (const auto& [tp, r] : replicas_)
    if (r.known && r.state.leader != self_ && r.state.leader != kNoNode && !contains(leaders, r.state.leader))
      leaders.push_back(r.state.leader);
  for (NodeId l : leaders) fetch_from(ctx, l);
}

void LogBroker::apply_metadata(Context& ctx, const MetadataUpdate& u) {
  metadata_offset_ = std::max(metadata_offset_, u.metadata_offset);
  for (const auto& s : u.partitions) {
    auto it = metadata_.find(s.tp);
    const bool newer = it == metadata_.end() || s.partition_epoch > it->second.partition_epoch ||
                       s.leader_epoch > it->second.leader_epoch;
    if (!newer) continue;
    metadata_[s.tp] = s;
    if (Replica* r = find(s.tp)) apply_state(ctx, *r, s);
  }
  start_fetchers(ctx);
}

void LogBroker::heartbeat_controller(Context& ctx) {
  if (!kraft()) return;
  // No answer since the last heartbeat: that controller is gone; try the next voter.
  if (!heartbeat_answered_) controller_index_ = (controller_index_ + 1) % cfg_.controllers.size();
  heartbeat_answered_ = false;
  ctx.send(cfg_.controllers[controller_index_], BrokerHeartbeat{metadata_offset_, false});
  ctx.set_timer(cfg_.heartbeat_interval_s, Timer{kControllerHeartbeat, 0});
}

}  // namespace bs::kafka
