#include "kafka/producer.hpp"

#include <algorithm>

#include "kafka/partitioner.hpp"

namespace bs::kafka {
namespace {
enum TimerKind : std::uint32_t { kTick = 1, kMetadataTimeout = 2, kMetadataRetry = 3 };
}

Producer::Producer(ProducerConfig cfg) : cfg_(std::move(cfg)), bootstrap_(cfg_.bootstrap, cfg_.bootstrap_names) {
  if (cfg_.bootstrap.empty()) leader_ = cfg_.broker;
}

void Producer::on_start(Context& ctx) {
  tick_due_ = false;
  metadata_id_ = 0;
  if (produced_ < cfg_.count) ctx.set_timer(std::max(0.0, cfg_.start_s - ctx.now()), Timer{kTick, 0});
  if (bootstrap_.size() == 0) {
    leader_ = cfg_.broker;
  } else {
    // A restarted client bootstraps again, from the top of its list.
    leader_ = kNoNode;
    bootstrap_.restart();
    ask_metadata(ctx);
  }
}

void Producer::ask_metadata(Context& ctx) {
  metadata_id_ = next_request_++;
  ctx.send(bootstrap_.current(), MetadataRequest{{cfg_.topic}, "", metadata_id_});
  ctx.set_timer(cfg_.request_timeout_s, Timer{kMetadataTimeout, metadata_id_});
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
    case kMetadataRetry:
      if (leader_ == kNoNode && metadata_id_ == 0) ask_metadata(ctx);
      return;
    default: return;
  }
}

void Producer::tick(Context& ctx) {
  if (leader_ == kNoNode) {
    tick_due_ = true;  // send() waits for the metadata
    return;
  }
  ProduceRequest req{cfg_.topic, {}, cfg_.acks, next_request_++};
  std::vector<std::pair<std::int32_t, std::vector<std::pair<MsgId, std::uint64_t>>>> ids;
  auto batch_of = [&](std::int32_t p) -> std::size_t {
    for (std::size_t i = 0; i < req.batches.size(); ++i)
      if (req.batches[i].partition == p) return i;
    req.batches.push_back(PartitionBatch{p, {}});
    ids.emplace_back(p, std::vector<std::pair<MsgId, std::uint64_t>>{});
    return req.batches.size() - 1;
  };
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
    ctx.emit(Event{.kind = ev::Publish, .msg = m.id, .peer = leader_, .queue = cfg_.topic,
                   .seq = cfg_.acks != 0 ? static_cast<std::int64_t>(seq) : -1, .text = m.key});
    const std::size_t b = batch_of(p);
    ids[b].second.emplace_back(m.id, seq);
    req.batches[b].records.push_back(std::move(m));
  }
  if (cfg_.acks != 0) pending_[req.request_id] = std::move(ids);
  if (!req.batches.empty()) ctx.send(leader_, std::move(req));
  if (produced_ < cfg_.count) ctx.set_timer(cfg_.interval_s, Timer{kTick, 0});
}

void Producer::on_packet(Context& ctx, NodeId from, const Packet& p) {
  if (auto* m = p.as<MetadataResponse>()) {
    if (m->request_id != metadata_id_ || m->request_id == 0) return;
    metadata_id_ = 0;
    for (const auto& pm : m->partitions)
      if (pm.tp.topic == cfg_.topic) leader_ = pm.leader;
    if (leader_ != kNoNode && tick_due_) {
      tick_due_ = false;
      tick(ctx);
    }
    return;
  }
  auto* r = p.as<ProduceResponse>();
  if (!r) return;
  auto it = pending_.find(r->request_id);
  if (it == pending_.end()) return;  // answer to a request made before a crash
  for (const auto& part : r->parts)
    for (const auto& [partition, recs] : it->second) {
      if (partition != part.partition) continue;
      for (const auto& [id, seq] : recs)
        ctx.emit(Event{.kind = ev::Confirm, .msg = id, .peer = from, .seq = static_cast<std::int64_t>(seq),
                       .flag = true});
    }
  pending_.erase(it);
}

void Producer::on_crash(Context&) {
  // In-flight requests are forgotten: the producer cannot know whether they were written.
  pending_.clear();
}

}  // namespace bs::kafka
