#include "clients/kafka_producer.hpp"

#include <algorithm>

#include "log/partitioner.hpp"

namespace bs::kafka {
namespace {
enum TimerKind : std::uint32_t { kTick = 1 };
}

void Producer::on_start(Context& ctx) {
  if (produced_ < cfg_.count) ctx.set_timer(std::max(0.0, cfg_.start_s - ctx.now()), Timer{kTick, 0});
}

void Producer::on_timer(Context& ctx, const Timer& t) {
  if (t.kind != kTick) return;
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
    if (!cfg_.keys.empty()) m.routing_key = cfg_.keys[produced_ % cfg_.keys.size()];
    m.size_bytes = cfg_.size_bytes;
    m.published_at = ctx.now();
    ++produced_;
    std::int32_t p = cfg_.partition;
    if (p < 0)
      p = m.routing_key.empty() ? static_cast<std::int32_t>(round_robin_++ % static_cast<std::uint64_t>(cfg_.partitions))
                                : partition_for_key(m.routing_key, cfg_.partitions);
    const std::uint64_t seq = next_seq_++;
    ctx.emit(Event{.kind = EventKind::Publish, .msg = m.id, .peer = cfg_.broker, .queue = cfg_.topic,
                   .seq = cfg_.acks != 0 ? static_cast<std::int64_t>(seq) : -1, .text = m.routing_key});
    const std::size_t b = batch_of(p);
    ids[b].second.emplace_back(m.id, seq);
    req.batches[b].records.push_back(std::move(m));
  }
  if (cfg_.acks != 0) pending_[req.request_id] = std::move(ids);
  if (!req.batches.empty()) ctx.send(cfg_.broker, std::move(req));
  if (produced_ < cfg_.count) ctx.set_timer(cfg_.interval_s, Timer{kTick, 0});
}

void Producer::on_packet(Context& ctx, NodeId, const Packet& p) {
  auto* r = std::get_if<ProduceResponse>(&p);
  if (!r) return;
  auto it = pending_.find(r->request_id);
  if (it == pending_.end()) return;  // answer to a request made before a crash
  for (const auto& part : r->parts)
    for (const auto& [partition, recs] : it->second) {
      if (partition != part.partition) continue;
      for (const auto& [id, seq] : recs)
        ctx.emit(Event{.kind = EventKind::Confirm, .msg = id, .peer = cfg_.broker, .seq = static_cast<std::int64_t>(seq),
                       .flag = true});
    }
  pending_.erase(it);
}

void Producer::on_crash(Context&) {
  // In-flight requests are forgotten: the producer cannot know whether they were written.
  pending_.clear();
}

}  // namespace bs::kafka
