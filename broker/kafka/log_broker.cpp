#include "kafka/log_broker.hpp"

#include <algorithm>

#include "kafka/broker_timers.hpp"
#include "kafka/offsets_topic.hpp"

namespace bs::kafka {

LogBroker::LogBroker(LogBrokerConfig cfg) : cfg_(std::move(cfg)) {
  for (const auto& t : cfg_.topics) topics_[t.name] = t;
  for (const auto& g : cfg_.groups) group(g.name).assignor = g.assignor;
}

void LogBroker::init(Context& ctx) {
  self_ = ctx.self();
  initialized_ = true;
  if (cfg_.partitions.empty())  // a lone broker: it leads everything it declares
    for (const auto& t : cfg_.topics)
      for (std::int32_t p = 0; p < t.partitions; ++p)
        cfg_.partitions.push_back(PartitionState{TopicPartition{t.name, p}, {self_}, {self_}, self_, 0, 0, false});
  for (const auto& s : cfg_.partitions) {
    if (std::find(s.replicas.begin(), s.replicas.end(), self_) == s.replicas.end()) continue;
    Replica& r = replicas_[s.tp];
    r.tp = s.tp;
    r.name = tp_name(s.tp);
    auto t = topics_.find(s.tp.topic);
    if (t != topics_.end()) {
      r.topic = &t->second;
      r.log = PartitionLog(t->second.log);
    }
    r.internal = internal_topic(s.tp.topic);
    r.txn_state = s.tp.topic == kTxnStateTopic;
  }
}

LogBroker::Replica* LogBroker::find(const TopicPartition& tp) {
  auto it = replicas_.find(tp);
  return it == replicas_.end() ? nullptr : &it->second;
}
const LogBroker::Replica* LogBroker::find(const TopicPartition& tp) const {
  auto it = replicas_.find(tp);
  return it == replicas_.end() ? nullptr : &it->second;
}

const PartitionLog* LogBroker::log(const TopicPartition& tp) const {
  const Replica* r = find(tp);
  return r ? &r->log : nullptr;
}

bool LogBroker::leads(const TopicPartition& tp) const {
  const Replica* r = find(tp);
  return r && r->leader(self_);
}

void LogBroker::on_start(Context& ctx) {
  // The metadata this broker starts from: the cluster as created at its first boot, or
  // (after a restart in a KRaft cluster) nothing until the active controller sends it.
  const bool first_boot = !initialized_;
  if (first_boot) init(ctx);
  if (!kraft() || first_boot) {
    for (const auto& s : cfg_.partitions) {
      metadata_[s.tp] = s;
      if (Replica* r = find(s.tp)) apply_state(ctx, *r, s);
    }
    start_fetchers(ctx);
  }
  ctx.set_timer(cfg_.retention_check_s, Timer{kRetention, 0});
  ctx.set_timer(cfg_.session_check_s, Timer{kSessions, 0});
  if (kraft()) {
    heartbeat_answered_ = true;
    heartbeat_controller(ctx);
    ctx.set_timer(cfg_.replica_lag_time_max_s / 2, Timer{kIsrCheck, 0});
  }
}

void LogBroker::answer_metadata(Context& ctx, NodeId from, const MetadataRequest& x) {
  MetadataResponse r{x.request_id, {}, kNoNode};
  for (const auto& t : x.topics)
    for (auto it = metadata_.lower_bound(TopicPartition{t, 0}); it != metadata_.end() && it->first.topic == t; ++it)
      r.partitions.push_back(PartitionMetadata{it->first, it->second.leader, it->second.leader_epoch});
  if (!x.group.empty()) {
    if (cfg_.offsets_partitions > 0) {
      auto it = metadata_.find(TopicPartition{std::string(kOffsetsTopic), offsets_partition_for(x.group, cfg_.offsets_partitions)});
      if (it != metadata_.end()) r.coordinator = it->second.leader;
    } else {
      auto it = cfg_.group_coordinators.find(x.group);
      if (it != cfg_.group_coordinators.end()) r.coordinator = it->second;
      else if (coordinates(x.group)) r.coordinator = self_;
    }
  }
  ctx.send(from, std::move(r));
}

void LogBroker::on_packet(Context& ctx, NodeId from, const Packet& p) {
  if (auto* x = p.as<ProduceRequest>()) return handle_produce(ctx, from, *x);
  if (auto* x = p.as<FetchRequest>()) return handle_fetch(ctx, from, *x);
  if (auto* x = p.as<ReplicaFetch>()) return handle_replica_fetch(ctx, from, *x);
  if (auto* x = p.as<ReplicaFetchResponse>()) return on_replica_fetch_response(ctx, from, *x);
  if (auto* x = p.as<OffsetCommit>()) return handle_commit(ctx, from, *x);
  if (auto* x = p.as<Heartbeat>()) return handle_heartbeat(ctx, from, *x);
  if (auto* x = p.as<JoinGroup>()) return handle_join(ctx, from, *x);
  if (auto* x = p.as<LeaveGroup>()) return handle_leave(ctx, from, *x);
  if (auto* x = p.as<OffsetFetch>()) return handle_offset_fetch(ctx, from, *x);
  if (auto* x = p.as<ListOffsets>()) return handle_list_offsets(ctx, from, *x);
  if (auto* x = p.as<MetadataRequest>()) return answer_metadata(ctx, from, *x);
  if (auto* x = p.as<InitProducerId>()) return handle_init_producer_id(ctx, from, *x);
  if (auto* x = p.as<FindTxnCoordinator>()) return answer_find_txn_coordinator(ctx, from, *x);
  if (auto* x = p.as<InitTxnProducerId>()) return handle_init_txn_producer_id(ctx, from, *x);
  if (auto* x = p.as<AddPartitionsToTxn>()) return handle_add_partitions(ctx, from, *x);
  if (auto* x = p.as<AddOffsetsToTxn>()) return handle_add_offsets(ctx, from, *x);
  if (auto* x = p.as<TxnOffsetCommit>()) return handle_txn_offset_commit(ctx, from, *x);
  if (auto* x = p.as<EndTxn>()) return handle_end_txn(ctx, from, *x);
  if (auto* x = p.as<WriteTxnMarkers>()) return handle_write_markers(ctx, from, *x);
  if (auto* x = p.as<WriteTxnMarkersResponse>()) return handle_markers_response(ctx, from, *x);
  if (auto* x = p.as<MetadataUpdate>()) {
    // Only the active controller pushes metadata: talk to it from now on.
    for (std::size_t i = 0; i < cfg_.controllers.size(); ++i)
      if (cfg_.controllers[i] == from) controller_index_ = i;
    return apply_metadata(ctx, *x);
  }
  if (p.as<BrokerHeartbeatResponse>()) {
    heartbeat_answered_ = true;
    return;
  }
  if (auto* x = p.as<NotController>()) {
    heartbeat_answered_ = true;  // answered: try the named leader at the next heartbeat
    bool found = false;
    for (std::size_t i = 0; i < cfg_.controllers.size(); ++i)
      if (cfg_.controllers[i] == x->leader_hint) controller_index_ = i, found = true;
    if (!found && !cfg_.controllers.empty()) controller_index_ = (controller_index_ + 1) % cfg_.controllers.size();
    return;
  }
  if (auto* x = p.as<AlterPartitionResponse>()) {
    if (Replica* r = find(x->state.tp)) {
      r->alter_sent_at = -1;
      // Refused: back to the committed ISR; a follower still caught up is proposed again
      // at its next fetch (Kafka's maybeExpandIsr runs on every follower fetch).
      if (x->error != ErrorCode::None && r->leader(self_)) {
        r->pending_adds.clear();
        r->isr->set_isr(r->state.isr, {});
      }
      if (x->state.partition_epoch > r->state.partition_epoch) apply_state(ctx, *r, x->state);
    }
    return;
  }
}

void LogBroker::apply_retention(Context& ctx) {
  for (auto& [tp, r] : replicas_)
    for (const auto& d : r.log.apply_retention(ctx.now()))
      if (r.leader(self_) && !r.internal)
        ctx.emit(Event{.kind = ev::SegmentDelete, .queue = r.name, .tag = d.base_offset, .seq = d.next_offset,
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
    case kFetchWait:
      expire_parked(parked_, static_cast<NodeId>(t.arg), ctx.now(),
                    [&](NodeId to, const FetchRequest& r) { answer_fetch(ctx, to, r); });
      break;
    case kReplicaFetchWait:
      expire_parked(parked_replicas_, static_cast<NodeId>(t.arg), ctx.now(),
                    [&](NodeId to, const ReplicaFetch& r) { answer_replica_fetch(ctx, to, r); });
      break;
    case kReplicaFetchTimeout:
      for (auto& [leader, f] : fetchers_)
        if (f.inflight && f.fetch_id == t.arg) {
          f.inflight = false;  // lost with a crashed or unreachable leader: ask again
          fetch_from(ctx, leader);
          break;
        }
      break;
    case kReplicaFetchBackoff: {
      Fetcher& f = fetchers_[static_cast<NodeId>(t.arg)];
      f.backoff = false;
      fetch_from(ctx, static_cast<NodeId>(t.arg));
      break;
    }
    case kProduceTimeout:
      expire_delayed(ctx, t.arg);
      break;
    case kIsrCheck:
      check_isr(ctx);
      ctx.set_timer(cfg_.replica_lag_time_max_s / 2, Timer{kIsrCheck, 0});
      break;
    case kControllerHeartbeat:
      heartbeat_controller(ctx);
      break;
    case kTxnCheck:
      txn_check_set_ = false;
      check_txn_timeouts(ctx);
      break;
    default: break;
  }
}

void LogBroker::on_crash(Context&) {
  // Membership lives in memory; every member will hear UNKNOWN_MEMBER_ID and rejoin.
  for (auto& g : groups_) {
    g.members.clear();
    g.rebalance_scheduled = false;
    if (cfg_.offsets_partitions > 0) g.committed.clear();  // reloaded from __consumer_offsets
  }
  txns_.clear();  // reloaded from __transaction_state
  offset_replies_.clear();
  txn_check_set_ = false;
  for (auto& g : groups_)
    if (cfg_.offsets_partitions > 0) g.pending_txn.clear();  // reloaded from __consumer_offsets
  parked_.clear();
  parked_replicas_.clear();
  delayed_.clear();
  fetchers_.clear();
  for (auto& [tp, r] : replicas_) {
    r.isr.reset();
    r.pending_adds.clear();
    r.alter_sent_at = -1;
    if (kraft()) r.known = false;  // until the controller sends the metadata again
  }
  if (kraft()) {
    metadata_.clear();
    metadata_offset_ = 0;
  }
}

}  // namespace bs::kafka
