// The partition leader's write path: produce requests, acks, the idempotent producer's
// sequence checks, and the high watermark.
#include <algorithm>

#include "kafka/broker_timers.hpp"
#include "kafka/log_broker.hpp"

namespace bs::kafka {
namespace {
// How many of an idempotent producer's latest records per partition the leader remembers
// to recognise a retried batch (Kafka keeps the metadata of its last 5 batches).
constexpr std::size_t kProducerWindow = 256;
}  // namespace

void LogBroker::handle_init_producer_id(Context& ctx, NodeId from, const InitProducerId& r) {
  // Kafka allocates producer ids in blocks from the controller; ids unique per broker
  // (broker id in the high bits) serve the same purpose here.
  const std::int64_t pid = (static_cast<std::int64_t>(self_) << 32) | next_producer_id_++;
  ctx.send(from, InitProducerIdResponse{r.request_id, pid, 0});
}

void LogBroker::remember_record(Replica& r, const StoredRecord& rec, std::int64_t offset) {
  r.txns.on_append(rec, offset);
  if (rec.producer_id < 0) return;
  ProducerEntry& e = r.producers[rec.producer_id];
  if (rec.producer_epoch > e.epoch) e = ProducerEntry{rec.producer_epoch, -1, {}};
  if (rec.sequence < 0) return;  // a transaction's record or marker: only its epoch counts
  e.last_seq = rec.sequence;
  e.recent.emplace_back(rec.sequence, offset);
  if (e.recent.size() > kProducerWindow) e.recent.pop_front();
}

void LogBroker::rebuild_producers(Replica& r) {
  r.producers.clear();
  r.txns = TxnIndex{};
  for (std::int64_t o = r.log.log_start_offset(); o < r.log.log_end_offset(); ++o) remember_record(r, *r.log.at(o), o);
}

ErrorCode LogBroker::check_sequence(Context& ctx, Replica& r, NodeId from, const ProduceRequest& req,
                                    const PartitionBatch& b, std::int64_t* duplicate_offset) {
  *duplicate_offset = -1;
  if (req.producer_id < 0 || b.base_sequence < 0) return ErrorCode::None;
  auto it = r.producers.find(req.producer_id);
  const bool known = it != r.producers.end() && it->second.epoch >= req.producer_epoch;
  const std::int32_t last = known && it->second.epoch == req.producer_epoch ? it->second.last_seq : -1;
  const MsgId first_id = b.records.empty() ? 0 : b.records.front().id;
  // Kafka, KIP-98: a batch whose sequences were written already is a retry: answer with
  // where it was written, write nothing. A batch that skips a sequence is refused.
  if (known && b.base_sequence <= last) {
    for (const auto& [seq, off] : it->second.recent)
      if (seq == b.base_sequence) *duplicate_offset = off;
    ctx.emit(Event{.kind = ev::SequenceCheck, .msg = first_id, .peer = from, .queue = r.name, .tag = *duplicate_offset,
                   .seq = b.base_sequence, .text = "duplicate"});
    return ErrorCode::DuplicateSequenceNumber;
  }
  if (b.base_sequence != last + 1) {
    ctx.emit(Event{.kind = ev::SequenceCheck, .msg = first_id, .peer = from, .queue = r.name, .seq = b.base_sequence,
                   .text = "out_of_order"});
    return ErrorCode::OutOfOrderSequenceNumber;
  }
  return ErrorCode::None;
}

std::int64_t LogBroker::append_local(Context& ctx, Replica& r, StoredRecord rec, NodeId producer) {
  bool rolled = false;
  const MsgId id = rec.msg.id;
  std::string key = ctx.tracing() ? rec.msg.key : std::string();
  const std::int32_t epoch = rec.leader_epoch;
  const bool idempotent = rec.producer_id >= 0;
  StoredRecord copy;
  if (idempotent) copy = rec;
  const std::int64_t offset = r.log.append(std::move(rec), &rolled);
  if (idempotent) remember_record(r, copy, offset);
  if (rolled && !r.internal)
    ctx.emit(Event{.kind = ev::SegmentRoll, .queue = r.name, .tag = offset,
                   .seq = static_cast<std::int64_t>(r.log.segments_rolled())});
  if (id != 0)  // internal records and markers are not messages
    ctx.emit(Event{.kind = ev::Append, .msg = id, .peer = producer, .queue = r.name, .tag = offset, .seq = epoch,
                   .text = std::move(key)});
  return offset;
}

void LogBroker::handle_produce(Context& ctx, NodeId from, const ProduceRequest& req) {
  ProduceResponse resp{req.request_id, {}};
  DelayedProduce wait;
  bool appended = false;
  for (const auto& b : req.batches) {
    const TopicPartition tp{req.topic, b.partition};
    Replica* r = find(tp);
    ProduceResponse::Part part{b.partition, -1, 0, ErrorCode::None};
    if (!r || !r->leader(self_)) {
      part.error = r || kraft() ? ErrorCode::NotLeaderOrFollower : ErrorCode::UnknownTopicOrPartition;
      resp.parts.push_back(part);
      continue;
    }
    // Kafka: acks=all is refused before the append when the ISR is below
    // min.insync.replicas (NOT_ENOUGH_REPLICAS).
    if (req.acks == -1 && !r->isr->enough_replicas()) {
      part.error = ErrorCode::NotEnoughReplicas;
      resp.parts.push_back(part);
      continue;
    }
    // Kafka, KIP-98: a write from an older epoch of a producer id is a zombie's
    // (INVALID_PRODUCER_EPOCH; the client reports ProducerFencedException).
    if (req.producer_id >= 0) {
      auto pe = r->producers.find(req.producer_id);
      if (pe != r->producers.end() && pe->second.epoch > req.producer_epoch) {
        ctx.emit(Event{.kind = ev::TxnFenced, .peer = from, .queue = r->name, .tag = req.producer_id,
                       .seq = req.producer_epoch, .text = "produce"});
        part.error = ErrorCode::InvalidProducerEpoch;
        resp.parts.push_back(part);
        continue;
      }
    }
    std::int64_t dup = -1;
    const ErrorCode seq = check_sequence(ctx, *r, from, req, b, &dup);
    if (seq == ErrorCode::OutOfOrderSequenceNumber) {
      part.error = seq;
      resp.parts.push_back(part);
      continue;
    }
    std::int64_t end = 0;
    if (seq == ErrorCode::DuplicateSequenceNumber) {
      part.base_offset = dup;
      part.count = static_cast<std::uint32_t>(b.records.size());
      end = dup >= 0 ? dup + static_cast<std::int64_t>(b.records.size()) : r->log.high_watermark();
    } else {
      part.base_offset = r->log.log_end_offset();
      std::int32_t seqno = b.base_sequence;
      for (const auto& m : b.records) {
        StoredRecord rec{m, ctx.now(), r->state.leader_epoch, req.producer_id, req.producer_epoch,
                         req.producer_id >= 0 && seqno >= 0 ? seqno++ : -1, req.transactional};
        append_local(ctx, *r, std::move(rec), from);
        ++part.count;
      }
      end = r->log.log_end_offset();
      r->isr->leader_appended(end);
      appended = true;
    }
    resp.parts.push_back(part);
    advance_high_watermark(ctx, *r);  // a leader alone in the ISR commits at once
    if (req.acks == -1 && r->log.high_watermark() < end) {
      wait.waits.emplace_back(resp.parts.size() - 1, end);
      wait.tps.push_back(tp);
    }
  }
  if (req.acks == 0) {
    // acks=0: the producer asked for no response at all.
  } else if (wait.waits.empty()) {
    ctx.send(from, std::move(resp));
  } else {
    // Kafka's produce purgatory: answered when the high watermark passes every batch, or
    // with REQUEST_TIMED_OUT after the request's timeout.
    wait.id = next_delayed_++;
    wait.client = from;
    wait.resp = std::move(resp);
    ctx.set_timer(req.timeout_s, Timer{kProduceTimeout, wait.id});
    delayed_.emplace(wait.id, std::move(wait));
  }
  if (appended) wake_fetches(ctx);
}

void LogBroker::advance_high_watermark(Context& ctx, Replica& r) {
  if (!r.isr) return;
  const std::int64_t hw = std::min(r.isr->high_watermark(), r.log.log_end_offset());
  if (hw <= r.log.high_watermark()) return;
  r.log.set_high_watermark(hw);
  if (r.topic && r.topic->replication_factor > 1 && !r.internal)
    ctx.emit(Event{.kind = ev::HighWatermark, .queue = r.name, .tag = hw, .seq = r.state.leader_epoch});
  complete_delayed(ctx, r.tp);
  if (r.txn_state) on_txn_state_committed(ctx, r);
  else if (r.internal) flush_offset_replies(ctx, r);
}

void LogBroker::complete_delayed(Context& ctx, const TopicPartition& tp, ErrorCode fail) {
  const Replica* r = find(tp);
  std::vector<std::uint64_t> done;
  for (auto& [id, d] : delayed_) {
    for (std::size_t i = 0; i < d.waits.size();) {
      if (!(d.tps[i] == tp)) {
        ++i;
        continue;
      }
      const bool replicated = r && r->log.high_watermark() >= d.waits[i].second;
      if (!replicated && fail == ErrorCode::None) {
        ++i;
        continue;
      }
      if (!replicated) d.resp.parts[d.waits[i].first].error = fail;
      // Kafka (Partition.checkEnoughReplicasReachOffset): committed, but by an ISR that
      // shrank below min.insync.replicas meanwhile: NOT_ENOUGH_REPLICAS_AFTER_APPEND.
      else if (r->isr && !r->isr->enough_replicas())
        d.resp.parts[d.waits[i].first].error = ErrorCode::NotEnoughReplicasAfterAppend;
      d.waits.erase(d.waits.begin() + static_cast<std::ptrdiff_t>(i));
      d.tps.erase(d.tps.begin() + static_cast<std::ptrdiff_t>(i));
    }
    if (d.waits.empty()) done.push_back(id);
  }
  for (std::uint64_t id : done) {
    ctx.send(delayed_[id].client, std::move(delayed_[id].resp));
    delayed_.erase(id);
  }
}

void LogBroker::expire_delayed(Context& ctx, std::uint64_t id) {
  auto it = delayed_.find(id);
  if (it == delayed_.end()) return;
  for (const auto& w : it->second.waits) it->second.resp.parts[w.first].error = ErrorCode::RequestTimedOut;
  ctx.send(it->second.client, std::move(it->second.resp));
  delayed_.erase(it);
}

}  // namespace bs::kafka
