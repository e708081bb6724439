#include "kafka/producer.hpp"

#include <algorithm>

#include "kafka/partitioner.hpp"

namespace bs::kafka {
namespace {
enum TimerKind : std::uint32_t {
  kTick = 1, kMetadataTimeout = 2, kMetadataRetry = 3, kRequestTimeout = 4, kDelivery = 5, kDrain = 6,
  kInitTimeout = 7, kInitRetry = 8
};
}

Producer::Producer(ProducerConfig cfg) : cfg_(std::move(cfg)), bootstrap_(cfg_.bootstrap, cfg_.bootstrap_names) {}

NodeId Producer::leader_of(std::int32_t partition) const {
  if (bootstrap_.size() == 0) return cfg_.broker;
  auto it = leaders_.find(partition);
  return it == leaders_.end() ? kNoNode : it->second;
}

bool Producer::metadata_known() const { return bootstrap_.size() == 0 || have_metadata_; }

std::size_t Producer::unacknowledged() const {
  std::size_t n = 0;
  for (const auto& [id, b] : batches_) n += b.records.size();
  return n;
}

void Producer::on_start(Context& ctx) {
  tick_due_ = false;
  metadata_id_ = 0;
  metadata_retry_set_ = false;
  drain_at_ = -1;
  init_id_ = 0;
  have_metadata_ = false;
  leaders_.clear();
  if (produced_ < cfg_.count) ctx.set_timer(std::max(0.0, cfg_.start_s - ctx.now()), Timer{kTick, 0});
  if (bootstrap_.size() != 0) {
    // A restarted client bootstraps again, from the top of its list.
    bootstrap_.restart();
    ask_metadata(ctx);
  }
  if (cfg_.enable_idempotence && produced_ < cfg_.count) ask_producer_id(ctx);
}

void Producer::ask_metadata(Context& ctx) {
  metadata_id_ = next_request_++;
  ctx.send(bootstrap_.current(), MetadataRequest{{cfg_.topic}, "", metadata_id_});
  ctx.set_timer(cfg_.request_timeout_s, Timer{kMetadataTimeout, metadata_id_});
}

void Producer::ask_producer_id(Context& ctx) {
  if (init_id_ != 0 || producer_id_ >= 0) return;
  init_id_ = next_request_++;
  ctx.send(bootstrap_.size() == 0 ? cfg_.broker : bootstrap_.current(), InitProducerId{init_id_});
  ctx.set_timer(cfg_.request_timeout_s, Timer{kInitTimeout, init_id_});
}

void Producer::stale_metadata(Context& ctx) {
  // Without a bootstrap list the leader is fixed (cfg.broker): nothing to refresh.
  if (bootstrap_.size() != 0 && metadata_id_ == 0) ask_metadata(ctx);
}

void Producer::on_timer(Context& ctx, const Timer& t) {
  switch (t.kind) {
    case kTick: return tick(ctx);
    case kMetadataTimeout:
      if (t.arg != metadata_id_) return;  // answered, or superseded
      metadata_id_ = 0;
      bootstrap_.advance(ctx, "request_timeout");
      ctx.set_timer(cfg_.reconnect_s, Timer{kMetadataRetry, 0});
      return;
    case kMetadataRetry: {
      metadata_retry_set_ = false;
      if (metadata_id_ != 0 || bootstrap_.size() == 0) return;
      bool wanted = !have_metadata_;
      for (const auto& [id, b] : batches_) wanted |= leader_of(b.partition) == kNoNode;
      if (wanted) ask_metadata(ctx);
      return;
    }
    case kRequestTimeout: {
      // request.timeout.ms: every batch of the unanswered request failed.
      auto it = inflight_.find(t.arg);
      if (it == inflight_.end()) return;
      const InFlight req = std::move(it->second);
      inflight_.erase(it);
      for (std::uint64_t id : req.batches) {
        auto b = batches_.find(id);
        if (b != batches_.end() && b->second.request == t.arg) fail(ctx, id, req.broker, ErrorCode::RequestTimedOut);
      }
      return drain(ctx);
    }
    case kDelivery: {
      // delivery.timeout.ms after send(): the record fails for good, even in flight (a
      // late answer then finds nothing to confirm).
      auto it = batches_.find(t.arg);
      if (it == batches_.end()) return;
      NodeId broker = leader_of(it->second.partition);
      if (auto r = inflight_.find(it->second.request); r != inflight_.end()) broker = r->second.broker;
      ++it->second.failures;
      give_up(ctx, t.arg, broker, ErrorCode::DeliveryTimeout);
      return drain(ctx);
    }
    case kDrain: return drain(ctx);
    case kInitTimeout:
      if (t.arg != init_id_) return;
      init_id_ = 0;
      bootstrap_.advance(ctx, "request_timeout");
      ctx.set_timer(cfg_.reconnect_s, Timer{kInitRetry, 0});
      return;
    case kInitRetry: return ask_producer_id(ctx);
    default: return;
  }
}

void Producer::tick(Context& ctx) {
  if (!metadata_known()) {
    tick_due_ = true;  // send() waits for the metadata
    return;
  }
  std::map<std::int32_t, std::uint64_t> batch_of;  // partition -> batch id made this tick
  for (std::uint32_t i = 0; i < cfg_.batch && produced_ < cfg_.count; ++i) {
    Message m;
    m.id = ctx.next_msg_id();
    m.producer = ctx.self();
    if (!cfg_.keys.empty()) m.key = cfg_.keys[produced_ % cfg_.keys.size()];
    m.size_bytes = cfg_.size_bytes;
    m.published_at = ctx.now();
    ++produced_;
    std::int32_t p = cfg_.partition;
    if (p < 0)
      p = m.key.empty() ? static_cast<std::int32_t>(round_robin_++ % static_cast<std::uint64_t>(cfg_.partitions))
                        : partition_for_key(m.key, cfg_.partitions);
    const std::uint64_t seq = next_seq_++;
    ctx.emit(Event{.kind = ev::Publish, .msg = m.id, .peer = leader_of(p), .queue = cfg_.topic,
                   .seq = cfg_.acks != 0 ? static_cast<std::int64_t>(seq) : -1, .text = m.key});
    auto [it, fresh] = batch_of.try_emplace(p, 0);
    if (fresh) {
      it->second = next_batch_++;
      Batch& b = batches_[it->second];
      b.partition = p;
      b.order = static_cast<std::int64_t>(it->second);
      b.created = ctx.now();
      b.ready_at = ctx.now();
    }
    Batch& b = batches_[it->second];
    b.records.push_back(std::move(m));
    b.seqs.push_back(seq);
  }
  for (const auto& [p, id] : batch_of) {
    Batch& b = batches_[id];
    if (cfg_.enable_idempotence) {
      // KIP-98: each partition's records are numbered from 0, consecutively.
      std::int32_t& next = next_sequence_[p];
      b.base_sequence = next;
      next += static_cast<std::int32_t>(b.records.size());
    }
    if (cfg_.acks != 0) ctx.set_timer(cfg_.delivery_timeout_s, Timer{kDelivery, id});
  }
  drain(ctx);
  if (produced_ < cfg_.count) ctx.set_timer(cfg_.interval_s, Timer{kTick, 0});
}

void Producer::drain(Context& ctx) {
  if (cfg_.enable_idempotence && producer_id_ < 0) {
    ask_producer_id(ctx);  // nothing leaves before the producer has its id
    return;
  }
  // Per partition only the oldest unsent batch may leave: a partition's batches are sent
  // in order, and a batch backing off holds back those behind it.
  std::map<std::int32_t, std::uint64_t> head;
  bool leaderless = false;
  double next_ready = -1;
  for (const auto& [id, b] : batches_) {
    if (b.request != 0) continue;
    auto h = head.find(b.partition);
    if (h == head.end() || b.order < batches_[h->second].order) head[b.partition] = id;
  }
  std::map<NodeId, std::vector<std::uint64_t>> by_leader;
  for (const auto& [p, id] : head) {
    const Batch& b = batches_[id];
    if (b.ready_at > ctx.now() + 1e-12) {
      if (next_ready < 0 || b.ready_at < next_ready) next_ready = b.ready_at;
      continue;
    }
    const NodeId leader = leader_of(p);
    if (leader == kNoNode) {
      leaderless = true;
      continue;
    }
    by_leader[leader].push_back(id);
  }
  for (auto& [leader, ids] : by_leader) {
    std::uint32_t busy = 0;
    for (const auto& [rid, r] : inflight_) busy += r.broker == leader;
    if (busy >= cfg_.max_in_flight) continue;  // max.in.flight.requests.per.connection
    ProduceRequest req{cfg_.topic, {}, cfg_.acks, next_request_++, producer_id_, producer_epoch_};
    for (std::uint64_t id : ids) {
      Batch& b = batches_[id];
      if (b.sent_once)  // a retry re-sends the same ids (and the same sequence)
        for (std::size_t k = 0; k < b.records.size(); ++k)
          ctx.emit(Event{.kind = ev::Publish, .msg = b.records[k].id, .peer = leader, .queue = cfg_.topic,
                         .seq = static_cast<std::int64_t>(b.seqs[k]), .text = b.records[k].key});
      b.sent_once = true;
      req.batches.push_back(PartitionBatch{b.partition, b.records, b.base_sequence});
      if (cfg_.acks != 0) b.request = req.request_id;
    }
    if (cfg_.acks != 0) {
      inflight_[req.request_id] = InFlight{leader, ids};
      ctx.set_timer(cfg_.request_timeout_s, Timer{kRequestTimeout, req.request_id});
    } else {
      for (std::uint64_t id : ids) batches_.erase(id);  // acks=0: done once sent
    }
    ctx.send(leader, std::move(req));
  }
  if (next_ready >= 0 && (drain_at_ <= ctx.now() || next_ready < drain_at_)) {
    drain_at_ = next_ready;
    ctx.set_timer(std::max(0.0, next_ready - ctx.now()), Timer{kDrain, 0});
  }
  // A partition without a leader waits; the metadata is asked again after retry.backoff.ms.
  if (leaderless && bootstrap_.size() != 0 && metadata_id_ == 0 && !metadata_retry_set_) {
    metadata_retry_set_ = true;
    ctx.set_timer(cfg_.retry_backoff_s, Timer{kMetadataRetry, 0});
  }
}

void Producer::succeed(Context& ctx, std::uint64_t id, NodeId from) {
  auto it = batches_.find(id);
  if (it == batches_.end()) return;
  const Batch& b = it->second;
  for (std::size_t k = 0; k < b.records.size(); ++k)
    ctx.emit(Event{.kind = ev::Confirm, .msg = b.records[k].id, .peer = from, .seq = static_cast<std::int64_t>(b.seqs[k]),
                   .flag = true});
  batches_.erase(it);
}

void Producer::give_up(Context& ctx, std::uint64_t id, NodeId broker, ErrorCode e) {
  auto it = batches_.find(id);
  if (it == batches_.end()) return;
  const Batch& b = it->second;
  const std::string part = tp_name(TopicPartition{cfg_.topic, b.partition});
  for (std::size_t k = 0; k < b.records.size(); ++k) {
    ctx.emit(Event{.kind = ev::ProduceError, .msg = b.records[k].id, .peer = broker, .queue = part,
                   .seq = static_cast<std::int64_t>(b.failures), .flag = false, .text = std::string(error_name(e))});
    ctx.emit(Event{.kind = ev::Confirm, .msg = b.records[k].id, .peer = broker, .seq = static_cast<std::int64_t>(b.seqs[k]),
                   .flag = false});
  }
  if (auto r = inflight_.find(b.request); r != inflight_.end()) std::erase(r->second.batches, id);
  batches_.erase(it);
}

void Producer::fail(Context& ctx, std::uint64_t id, NodeId broker, ErrorCode e) {
  auto it = batches_.find(id);
  if (it == batches_.end()) return;
  Batch& b = it->second;
  b.request = 0;
  ++b.failures;
  if (!retriable(e)) return give_up(ctx, id, broker, e);
  if (ctx.now() >= b.created + cfg_.delivery_timeout_s) return give_up(ctx, id, broker, ErrorCode::DeliveryTimeout);
  if (static_cast<std::int64_t>(b.failures) > cfg_.retries) return give_up(ctx, id, broker, e);
  const std::string part = tp_name(TopicPartition{cfg_.topic, b.partition});
  for (const auto& m : b.records)
    ctx.emit(Event{.kind = ev::ProduceError, .msg = m.id, .peer = broker, .queue = part,
                   .seq = static_cast<std::int64_t>(b.failures), .flag = true, .text = std::string(error_name(e))});
  b.ready_at = ctx.now() + cfg_.retry_backoff_s;  // drain() sets the timer
  if (!cfg_.enable_idempotence) b.order = --front_;  // Kafka: reenqueue() puts it first
  // Kafka's NetworkClient closes the connection of a request that timed out and asks
  // another node for metadata (leastLoadedNode): do not ask the silent broker again.
  if (e == ErrorCode::RequestTimedOut && bootstrap_.can_fail_over() && bootstrap_.current() == broker)
    bootstrap_.advance(ctx, "request_timeout");
  stale_metadata(ctx);
}

void Producer::on_packet(Context& ctx, NodeId from, const Packet& p) {
  if (auto* m = p.as<MetadataResponse>()) {
    if (m->request_id != metadata_id_ || m->request_id == 0) return;
    metadata_id_ = 0;
    for (const auto& pm : m->partitions)
      if (pm.tp.topic == cfg_.topic) leaders_[pm.tp.partition] = pm.leader;
    have_metadata_ = true;
    if (tick_due_) {
      tick_due_ = false;
      tick(ctx);
    }
    return drain(ctx);
  }
  if (auto* r = p.as<InitProducerIdResponse>()) {
    if (r->request_id != init_id_ || init_id_ == 0) return;
    init_id_ = 0;
    producer_id_ = r->producer_id;
    producer_epoch_ = r->producer_epoch;
    return drain(ctx);
  }
  auto* r = p.as<ProduceResponse>();
  if (!r) return;
  auto it = inflight_.find(r->request_id);
  if (it == inflight_.end()) return;  // timed out already, or made before a crash
  const InFlight req = std::move(it->second);
  inflight_.erase(it);
  for (std::uint64_t id : req.batches) {
    auto b = batches_.find(id);
    if (b == batches_.end() || b->second.request != r->request_id) continue;
    ErrorCode e = ErrorCode::UnknownTopicOrPartition;  // a partition the broker did not answer
    for (const auto& part : r->parts)
      if (part.partition == b->second.partition) e = part.error;
    // DUPLICATE_SEQUENCE_NUMBER: the leader already has the batch (KIP-98): a success.
    if (e == ErrorCode::None || e == ErrorCode::DuplicateSequenceNumber) succeed(ctx, id, from);
    else fail(ctx, id, from, e);
  }
  drain(ctx);
}

void Producer::on_crash(Context&) {
  // The process's memory is gone: batches waiting or in flight (the producer cannot know
  // whether they were written) and the idempotent producer's id and sequences.
  batches_.clear();
  inflight_.clear();
  producer_id_ = -1;
  producer_epoch_ = 0;
  next_sequence_.clear();
}

}  // namespace bs::kafka
