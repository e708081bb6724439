#include "kafka/txn_client.hpp"

#include <algorithm>

#include "kafka/events.hpp"

namespace bs::kafka {
namespace {
enum : std::uint32_t { kRequestTimeout = TxnClient::kTimerBase, kRetryStep };
}  // namespace

TxnClient::TxnClient(TransformConfig cfg, NodeId broker, std::vector<NodeId> bootstrap,
                     std::function<NodeId(const TopicPartition&)> leader_of)
    : cfg_(std::move(cfg)), broker_(broker), bootstrap_(std::move(bootstrap)), leader_of_(std::move(leader_of)) {}

TxnOutcome TxnClient::start(Context& ctx) {
  if (!transactional()) {
    ready_ = true;
    return TxnOutcome::Ready;
  }
  ready_ = false;
  resume_ = Step::Init;
  if (bootstrap_.empty()) {
    coordinator_ = broker_;
    begin_step(ctx, Step::Init);
  } else {
    find_coordinator(ctx);
  }
  return TxnOutcome::None;
}

void TxnClient::crash() {
  ready_ = false;
  coordinator_ = kNoNode;
  producer_id_ = -1;
  inflight_.clear();
  finish(TxnOutcome::None);
}

void TxnClient::find_coordinator(Context& ctx) {
  coordinator_ = kNoNode;
  begin_step(ctx, Step::Find);
}

void TxnClient::begin_step(Context& ctx, Step s) {
  step_ = s;
  send_step(ctx);
}

void TxnClient::send_step(Context& ctx) {
  step_id_ = next_id_++;
  NodeId to = coordinator_;
  Packet p = EndTxn{};
  switch (step_) {
    case Step::None: step_id_ = 0; return;
    case Step::Find:
      to = bootstrap_[bootstrap_next_++ % bootstrap_.size()];
      p = FindTxnCoordinator{cfg_.transactional_id, step_id_};
      break;
    case Step::Init:
      p = InitTxnProducerId{cfg_.transactional_id, cfg_.transaction_timeout_s, step_id_, producer_id_,
                            producer_id_ >= 0 ? epoch_ : std::int16_t{-1}};
      break;
    case Step::AddPartitions: {
      AddPartitionsToTxn a{who(), {}, step_id_};
      adding_.clear();
      for (const auto& [part, recs] : queued_)
        if (!added_.count(part)) {
          adding_.insert(part);
          a.partitions.push_back(TopicPartition{cfg_.topic, part});
        }
      open_ = true;
      p = std::move(a);
      break;
    }
    case Step::AddOffsets:
      open_ = true;
      p = AddOffsetsToTxn{who(), group_, step_id_};
      break;
    case Step::OffsetCommit:
      to = group_coordinator_;
      p = TxnOffsetCommit{who(), group_, generation_, offsets_, step_id_};
      break;
    case Step::End: p = EndTxn{who(), phase_ == Phase::Committing && !failed_, step_id_}; break;
  }
  if (to == kNoNode) {
    // No coordinator known: find it, then come back to this step.
    if (step_ != Step::OffsetCommit) {
      resume_ = step_;
      find_coordinator(ctx);
      return;
    }
    ctx.set_timer(cfg_.retry_backoff_s, Timer{kRetryStep, step_id_});
    return;
  }
  ctx.send(to, std::move(p));
  ctx.set_timer(cfg_.request_timeout_s, Timer{kRequestTimeout, step_id_});
}

void TxnClient::send(Context& ctx, Message out, std::int32_t partition, MsgId source) {
  const std::uint64_t seq = next_seq_++;
  const TopicPartition tp{cfg_.topic, partition};
  ctx.emit(Event{.kind = ev::Publish, .msg = out.id, .peer = leader_of_(tp), .queue = cfg_.topic,
                 .tag = static_cast<std::int64_t>(source), .seq = static_cast<std::int64_t>(seq), .text = out.key});
  if (!transactional() || added_.count(partition)) {
    open_ = true;
    produce(ctx, partition, {std::move(out)}, {seq});
    return;
  }
  queued_[partition].emplace_back(std::move(out), seq);
  if (step_id_ == 0 && phase_ == Phase::Idle && ready_) begin_step(ctx, Step::AddPartitions);
}

void TxnClient::produce(Context& ctx, std::int32_t partition, std::vector<Message> records, std::vector<std::uint64_t> seqs) {
  const TopicPartition tp{cfg_.topic, partition};
  const NodeId leader = leader_of_(tp);
  if (leader == kNoNode) {
    // The transaction cannot be completed as it is: it becomes abortable.
    failed_ = true;
    for (std::size_t k = 0; k < records.size(); ++k)
      ctx.emit(Event{.kind = ev::Confirm, .msg = records[k].id, .seq = static_cast<std::int64_t>(seqs[k])});
    return;
  }
  ProduceRequest req;
  req.topic = cfg_.topic;
  req.batches.push_back(PartitionBatch{partition, records, -1});
  req.acks = -1;
  req.request_id = next_id_++;
  req.timeout_s = cfg_.request_timeout_s;
  if (transactional()) {
    req.producer_id = producer_id_;
    req.producer_epoch = epoch_;
    req.transactional = true;
  }
  inflight_[req.request_id] = Produce{leader, std::move(records), std::move(seqs)};
  ctx.set_timer(cfg_.request_timeout_s, Timer{kRequestTimeout, req.request_id});
  ctx.send(leader, std::move(req));
}

void TxnClient::commit(Context& ctx, const std::string& group, std::int32_t generation, NodeId group_coordinator,
                       std::vector<FetchPartition> offsets) {
  phase_ = Phase::Committing;
  group_ = group;
  generation_ = generation;
  group_coordinator_ = group_coordinator;
  offsets_ = std::move(offsets);
  advance(ctx);
}

TxnOutcome TxnClient::abort(Context& ctx) {
  phase_ = Phase::Aborting;
  return advance(ctx);
}

TxnOutcome TxnClient::advance(Context& ctx) {
  if (phase_ == Phase::Idle || step_id_ != 0 || !inflight_.empty() || !ready_) return TxnOutcome::None;
  if (phase_ == Phase::Committing && !failed_) {
    if (!transactional()) return finish(TxnOutcome::Committed);
    if (!queued_.empty()) {
      begin_step(ctx, Step::AddPartitions);
      return TxnOutcome::None;
    }
    if (!offsets_added_ && !offsets_.empty()) {
      begin_step(ctx, Step::AddOffsets);
      return TxnOutcome::None;
    }
    if (!open_) return finish(TxnOutcome::Committed);
    begin_step(ctx, Step::End);
    return TxnOutcome::None;
  }
  phase_ = Phase::Aborting;
  queued_.clear();
  if (!transactional() || !open_) return finish(TxnOutcome::Aborted);
  begin_step(ctx, Step::End);
  return TxnOutcome::None;
}

TxnOutcome TxnClient::finish(TxnOutcome o) {
  phase_ = Phase::Idle;
  step_ = Step::None;
  step_id_ = 0;
  open_ = failed_ = offsets_added_ = false;
  added_.clear();
  adding_.clear();
  queued_.clear();
  offsets_.clear();
  if (o == TxnOutcome::Fenced) {
    ready_ = false;
    inflight_.clear();
  }
  return o;
}

TxnOutcome TxnClient::on_txn_response(Context& ctx, const TxnResponse& r) {
  if (r.request_id == 0 || r.request_id != step_id_) return TxnOutcome::None;
  step_id_ = 0;
  const Step s = step_;
  if (fenced(r.error)) return finish(TxnOutcome::Fenced);
  switch (r.error) {
    case ErrorCode::None: break;
    case ErrorCode::InvalidProducerEpoch: return recover(ctx);
    case ErrorCode::NotCoordinator:
    case ErrorCode::CoordinatorNotAvailable:
      if (s == Step::OffsetCommit) {  // the group moved: give this transaction up
        failed_ = true;
        step_ = Step::None;
        return advance(ctx);
      }
      if (!bootstrap_.empty()) {
        resume_ = s;
        find_coordinator(ctx);
        return TxnOutcome::None;
      }
      [[fallthrough]];
    case ErrorCode::ConcurrentTransactions:
      step_id_ = next_id_++;
      ctx.set_timer(cfg_.retry_backoff_s, Timer{kRetryStep, step_id_});
      return TxnOutcome::None;
    default:
      // Anything else leaves the transaction abortable; an abort that fails starts the
      // producer over (a new epoch from InitProducerId ends whatever was left open).
      if (s == Step::End && phase_ == Phase::Aborting) {
        ready_ = false;
        begin_step(ctx, Step::Init);
        return TxnOutcome::None;
      }
      if (s == Step::Init) {
        step_id_ = next_id_++;
        ctx.set_timer(cfg_.retry_backoff_s, Timer{kRetryStep, step_id_});
        return TxnOutcome::None;
      }
      failed_ = true;
      step_ = Step::None;
      return advance(ctx);
  }
  step_ = Step::None;
  switch (s) {
    case Step::Init:
      producer_id_ = r.producer_id;
      epoch_ = r.producer_epoch;
      ready_ = true;
      if (phase_ == Phase::Aborting) return finish(TxnOutcome::Aborted);
      return TxnOutcome::Ready;
    case Step::AddPartitions:
      for (std::int32_t part : adding_) {
        added_.insert(part);
        auto it = queued_.find(part);
        if (it == queued_.end()) continue;
        std::vector<Message> recs;
        std::vector<std::uint64_t> seqs;
        for (auto& [m, sq] : it->second) recs.push_back(std::move(m)), seqs.push_back(sq);
        queued_.erase(it);
        produce(ctx, part, std::move(recs), std::move(seqs));
      }
      adding_.clear();
      if (!queued_.empty() && phase_ == Phase::Idle) begin_step(ctx, Step::AddPartitions);
      return advance(ctx);
    case Step::AddOffsets:
      offsets_added_ = true;
      begin_step(ctx, Step::OffsetCommit);
      return TxnOutcome::None;
    case Step::OffsetCommit: begin_step(ctx, Step::End); return TxnOutcome::None;
    case Step::End:
      // KIP-890: the transaction ended with the epoch bumped; the next one uses it.
      if (r.producer_id == producer_id_ && r.producer_epoch > epoch_) epoch_ = r.producer_epoch;
      return finish(phase_ == Phase::Committing && !failed_ ? TxnOutcome::Committed : TxnOutcome::Aborted);
    default: return TxnOutcome::None;
  }
}

TxnOutcome TxnClient::on_produce_response(Context& ctx, NodeId from, const ProduceResponse& r) {
  auto it = inflight_.find(r.request_id);
  if (it == inflight_.end()) return TxnOutcome::None;
  Produce pr = std::move(it->second);
  inflight_.erase(it);
  ErrorCode e = ErrorCode::None;
  for (const auto& part : r.parts)
    if (part.error != ErrorCode::None) e = part.error;
  for (std::size_t k = 0; k < pr.records.size(); ++k) {
    if (e != ErrorCode::None)
      ctx.emit(Event{.kind = ev::ProduceError, .msg = pr.records[k].id, .peer = from,
                     .queue = tp_name(TopicPartition{cfg_.topic, r.parts.empty() ? 0 : r.parts.front().partition}), .seq = 1,
                     .flag = false, .text = std::string(error_name(e))});
    ctx.emit(Event{.kind = ev::Confirm, .msg = pr.records[k].id, .peer = from, .seq = static_cast<std::int64_t>(pr.seqs[k]),
                   .flag = e == ErrorCode::None});
  }
  if (fenced(e)) return finish(TxnOutcome::Fenced);
  if (e == ErrorCode::InvalidProducerEpoch) return recover(ctx);
  if (e != ErrorCode::None) failed_ = true;
  return advance(ctx);
}

TxnOutcome TxnClient::recover(Context& ctx) {
  // KIP-360: the coordinator aborted our transaction (it timed out) and bumped the epoch.
  // Ask for a new epoch with the one we had; Aborted follows once it is granted, Fenced
  // if another instance owns the id by now.
  phase_ = Phase::Aborting;
  ready_ = false;
  step_id_ = 0;
  queued_.clear();
  begin_step(ctx, Step::Init);
  return TxnOutcome::None;
}

TxnOutcome TxnClient::on_packet(Context& ctx, NodeId from, const Packet& p) {
  if (auto* f = p.as<FindTxnCoordinatorResponse>()) {
    if (step_ != Step::Find || f->request_id != step_id_) return TxnOutcome::None;
    step_id_ = 0;
    if (f->coordinator == kNoNode) {
      step_id_ = next_id_++;
      ctx.set_timer(cfg_.retry_backoff_s, Timer{kRetryStep, step_id_});
      return TxnOutcome::None;
    }
    coordinator_ = f->coordinator;
    begin_step(ctx, resume_);
    return TxnOutcome::None;
  }
  if (auto* r = p.as<TxnResponse>()) return on_txn_response(ctx, *r);
  if (auto* r = p.as<ProduceResponse>()) return on_produce_response(ctx, from, *r);
  return TxnOutcome::None;
}

TxnOutcome TxnClient::on_timer(Context& ctx, const Timer& t) {
  if (t.kind == kRetryStep) {
    if (t.arg == step_id_ && step_ != Step::None) send_step(ctx);
    return TxnOutcome::None;
  }
  if (t.kind != kRequestTimeout) return TxnOutcome::None;
  if (t.arg == step_id_ && step_ != Step::None) {
    // No answer: the coordinator may be gone; find it again (or, for the group
    // coordinator, give the transaction up).
    step_id_ = 0;
    if (step_ == Step::OffsetCommit) {
      failed_ = true;
      step_ = Step::None;
      return advance(ctx);
    }
    if (!bootstrap_.empty()) {
      resume_ = step_ == Step::Find ? resume_ : step_;
      find_coordinator(ctx);
    } else {
      send_step(ctx);
    }
    return TxnOutcome::None;
  }
  auto it = inflight_.find(t.arg);
  if (it == inflight_.end()) return TxnOutcome::None;
  for (std::size_t k = 0; k < it->second.records.size(); ++k)
    ctx.emit(Event{.kind = ev::Confirm, .msg = it->second.records[k].id, .peer = it->second.leader,
                   .seq = static_cast<std::int64_t>(it->second.seqs[k])});
  inflight_.erase(it);
  failed_ = true;
  return advance(ctx);
}

}  // namespace bs::kafka
