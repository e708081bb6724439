#include "kinesis/consumer.hpp"

#include <algorithm>

#include "kafka/events.hpp"
#include "kinesis/events.hpp"
#include "kinesis/stream_node.hpp"

namespace bs::kinesis {

bool Consumer::finished(std::int32_t index) const {
  auto it = shards_.find(index);
  return it != shards_.end() && it->second.status == Status::Done;
}

bool Consumer::reading(std::int32_t index) const {
  auto it = shards_.find(index);
  return it != shards_.end() && (it->second.status == Status::Polling || it->second.status == Status::Processing);
}

void Consumer::on_start(Context& ctx) {
  ++incarnation_;
  ctx.set_timer(std::max(0.0, cfg_.start_s - ctx.now()), Timer{kStart, pack(incarnation_, 0)});
}

void Consumer::on_crash(Context&) {
  shards_.clear();
  requests_.clear();
  listed_ = false;
}

std::uint64_t Consumer::call(Context& ctx, std::int32_t shard) {
  const std::uint64_t id = next_request_++;
  requests_[id] = shard;
  ctx.set_timer(cfg_.request_timeout_s, Timer{kTimeout, pack(incarnation_, id)});
  if (shard >= 0) shards_[shard].request = id;
  return id;
}

void Consumer::list(Context& ctx) {
  call(ctx, -1);
  ctx.send(cfg_.broker, ListShardsRequest{cfg_.stream});
}

void Consumer::add_shard(const ShardInfo& s) {
  if (shards_.count(s.index)) return;
  ShardRead r;
  r.parent = s.parent;
  r.adjacent_parent = s.adjacent_parent;
  shards_[s.index] = r;
}

void Consumer::advance(Context& ctx) {
  for (auto& [index, r] : shards_) {
    if (r.status != Status::Waiting) continue;
    bool ready = true;
    for (std::int32_t p : {r.parent, r.adjacent_parent})
      if (p >= 0 && shards_.count(p) && shards_[p].status != Status::Done) ready = false;
    if (!ready) continue;
    if (cfg_.enhanced_fan_out) subscribe(ctx, index);
    else ask_iterator(ctx, index);
  }
}

void Consumer::ask_iterator(Context& ctx, std::int32_t shard) {
  ShardRead& r = shards_[shard];
  r.status = Status::Iterator;
  GetShardIteratorRequest q;
  q.stream = cfg_.stream;
  q.shard = shard;
  // A child shard is new since the parent it continues: read it all.
  q.type = r.parent >= 0 ? IteratorType::TrimHorizon : cfg_.shard_iterator_type;
  q.starting_sequence_number = cfg_.starting_sequence_number;
  q.timestamp = cfg_.timestamp;
  q.application = cfg_.application;
  call(ctx, shard);
  ctx.send(cfg_.broker, q);
}

void Consumer::poll(Context& ctx, std::int32_t shard) {
  ShardRead& r = shards_[shard];
  r.status = Status::Polling;
  GetRecordsRequest q;
  q.stream = cfg_.stream;
  q.shard = shard;
  q.position = r.position;
  q.limit = cfg_.max_records;
  q.application = cfg_.application;
  q.request_id = call(ctx, shard);
  ctx.send(cfg_.broker, q);
}

void Consumer::on_timer(Context& ctx, const Timer& t) {
  if ((t.arg >> 40) != (incarnation_ & 0xffffff)) return;
  const std::uint64_t v = t.arg & ((1ull << 40) - 1);
  switch (t.kind) {
    case kStart:
      if (cfg_.enhanced_fan_out) register_consumer(ctx);
      else list(ctx);
      break;
    case kResubscribe: {
      auto it = shards_.find(static_cast<std::int32_t>(v));
      if (it != shards_.end() && it->second.request == 0 && it->second.subscription == 0 && it->second.status != Status::Done)
        subscribe(ctx, it->first);
      break;
    }
    case kPoll: {
      auto it = shards_.find(static_cast<std::int32_t>(v));
      if (it != shards_.end() && it->second.status == Status::Polling && it->second.request == 0) poll(ctx, it->first);
      break;
    }
    case kProcessed: process_next(ctx, static_cast<std::int32_t>(v)); break;
    case kTimeout: {
      auto it = requests_.find(v);
      if (it == requests_.end()) break;  // answered
      const std::int32_t shard = it->second;
      requests_.erase(it);
      if (shard == kRegisterCall) {
        register_consumer(ctx);
        break;
      }
      if (shard < 0) {
        list(ctx);
        break;
      }
      ShardRead& r = shards_[shard];
      r.request = 0;
      if (cfg_.enhanced_fan_out) {
        if (r.subscription == 0 && r.status != Status::Done) subscribe(ctx, shard);
      } else if (r.status == Status::Iterator) ask_iterator(ctx, shard);
      else if (r.status == Status::Polling) poll(ctx, shard);
      break;
    }
    default: break;
  }
}

void Consumer::on_packet(Context& ctx, NodeId, const Packet& p) {
  if (const auto* e = p.as<SubscribeToShardEvent>()) return on_pushed(ctx, *e);
  if (const auto* r = p.as<SubscribeToShardResponse>()) return on_subscribed(ctx, *r);
  if (const auto* e = p.as<SubscriptionEnded>()) return on_subscription_ended(ctx, *e);
  if (const auto* r = p.as<RegisterStreamConsumerResponse>()) {
    auto it = std::find_if(requests_.begin(), requests_.end(), [](const auto& kv) { return kv.second == kRegisterCall; });
    if (it == requests_.end()) return;  // answered already
    requests_.erase(it);
    // LimitExceededException cannot happen here: the loader allows 20 per stream.
    if (r->registered) list(ctx);
    return;
  }
  if (const auto* l = p.as<ListShardsResponse>()) {
    if (listed_) return;
    listed_ = true;
    for (auto it = requests_.begin(); it != requests_.end();)
      it = it->second < 0 ? requests_.erase(it) : std::next(it);
    for (const ShardInfo& s : l->shards) add_shard(s);
    advance(ctx);
    return;
  }
  if (const auto* it = p.as<GetShardIteratorResponse>()) {
    ShardRead& r = shards_[it->shard];
    if (r.status != Status::Iterator || r.request == 0) return;
    requests_.erase(r.request);
    r.request = 0;
    r.position = it->position;
    poll(ctx, it->shard);
    return;
  }
  const auto* g = p.as<GetRecordsResponse>();
  if (!g) return;
  auto sit = shards_.find(g->shard);
  if (sit == shards_.end() || sit->second.request != g->request_id) return;  // a late answer to a call made again
  ShardRead& r = sit->second;
  requests_.erase(r.request);
  r.request = 0;
  if (g->throughput_exceeded) {
    ctx.set_timer(cfg_.idle_time_between_reads_s, Timer{kPoll, pack(incarnation_, static_cast<std::uint64_t>(g->shard))});
    return;
  }
  r.batch_end = g->next_position;
  r.shard_end = g->shard_end;
  for (const ShardInfo& c : g->child_shards) add_shard(c);
  for (std::size_t i = 0; i < g->records.size(); ++i)
    r.batch.emplace_back(g->position + static_cast<std::int64_t>(i), g->records[i]);
  if (r.batch.empty()) {
    batch_done(ctx, g->shard);
    return;
  }
  r.status = Status::Processing;
  ctx.set_timer(cfg_.processing.draw(ctx.rng()), Timer{kProcessed, pack(incarnation_, static_cast<std::uint64_t>(g->shard))});
}

void Consumer::process_next(Context& ctx, std::int32_t shard) {
  ShardRead& r = shards_[shard];
  if (r.status != Status::Processing || r.batch.empty()) return;
  auto [offset, msg] = r.batch.front();
  r.batch.pop_front();
  ctx.emit(Event{.kind = ev::Process, .msg = msg.id, .peer = msg.producer, .queue = partition_name(cfg_.stream, shard),
                 .tag = offset, .seq = offset, .text = cfg_.application});
  if (!r.batch.empty()) {
    ctx.set_timer(cfg_.processing.draw(ctx.rng()), Timer{kProcessed, pack(incarnation_, static_cast<std::uint64_t>(shard))});
    return;
  }
  batch_done(ctx, shard);
}

void Consumer::batch_done(Context& ctx, std::int32_t shard) {
  ShardRead& r = shards_[shard];
  const bool moved = r.batch_end != r.position;
  r.position = r.batch_end;
  if (moved || r.shard_end)
    ctx.send(cfg_.broker, CheckpointRequest{cfg_.stream, cfg_.application, shard, r.position});
  if (r.shard_end) {
    r.status = Status::Done;
    ctx.emit(Event{.kind = ev::ShardEnd, .queue = partition_name(cfg_.stream, shard), .tag = r.position, .text = cfg_.application});
    advance(ctx);
    return;
  }
  r.status = Status::Polling;
  if (cfg_.enhanced_fan_out) {
    next_event(ctx, shard);  // pushed, not polled: take the next event received, if any
    return;
  }
  ctx.set_timer(cfg_.idle_time_between_reads_s, Timer{kPoll, pack(incarnation_, static_cast<std::uint64_t>(shard))});
}

}  // namespace bs::kinesis
