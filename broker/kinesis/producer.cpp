#include "kinesis/producer.hpp"

#include <algorithm>
#include <cmath>

#include "kinesis/events.hpp"

namespace bs::kinesis {
namespace {
// Timer kinds; the high 32 bits of arg hold the incarnation (a crash makes older timers stale).
constexpr std::uint32_t kTick = 1, kRetry = 2, kTimeout = 3;
std::uint64_t pack(std::uint64_t inc, std::uint64_t v) { return (inc << 40) | v; }
}  // namespace

void Producer::on_start(Context& ctx) {
  ++incarnation_;
  if (produced_ < cfg_.count) ctx.set_timer(std::max(0.0, cfg_.start_s - ctx.now()), Timer{kTick, pack(incarnation_, 0)});
}

void Producer::on_crash(Context&) {
  records_.clear();  // what was in the application's memory is gone
  requests_.clear();
}

void Producer::on_timer(Context& ctx, const Timer& t) {
  if ((t.arg >> 40) != (incarnation_ & 0xffffff)) return;
  const std::uint64_t v = t.arg & ((1ull << 40) - 1);
  if (t.kind == kTick) {
    tick(ctx);
  } else if (t.kind == kRetry) {
    if (records_.count(v)) send(ctx, v);
  } else if (t.kind == kTimeout) {
    auto it = requests_.find(v);
    if (it == requests_.end()) return;
    const MsgId id = it->second;
    requests_.erase(it);
    records_[id].request = 0;
    failed(ctx, id);
  }
}

void Producer::tick(Context& ctx) {
  for (std::uint32_t i = 0; i < cfg_.batch && produced_ < cfg_.count; ++i) {
    Record r;
    r.msg.id = ctx.next_msg_id();
    r.msg.producer = ctx.self();
    if (!cfg_.partition_keys.empty()) r.msg.key = cfg_.partition_keys[produced_ % cfg_.partition_keys.size()];
    r.msg.size_bytes = cfg_.size_bytes;
    r.msg.published_at = ctx.now();
    r.seq = next_seq_++;
    ++produced_;
    const MsgId id = r.msg.id;
    records_[id] = std::move(r);
    send(ctx, id);
  }
  if (produced_ < cfg_.count) ctx.set_timer(cfg_.interval_s, Timer{kTick, pack(incarnation_, 0)});
}

void Producer::send(Context& ctx, MsgId id) {
  Record& r = records_[id];
  ++r.attempts;
  r.request = next_request_++;
  requests_[r.request] = id;
  ctx.emit(Event{.kind = ev::Publish, .msg = id, .peer = cfg_.broker, .queue = cfg_.stream,
                 .seq = static_cast<std::int64_t>(r.seq), .text = r.msg.key});
  ctx.send(cfg_.broker, PutRecordRequest{cfg_.stream, r.msg, cfg_.has_explicit_hash_key, cfg_.explicit_hash_key, r.request});
  ctx.set_timer(cfg_.request_timeout_s, Timer{kTimeout, pack(incarnation_, r.request)});
}

void Producer::failed(Context& ctx, MsgId id) {
  Record& r = records_[id];
  if (cfg_.max_attempts > 0 && r.attempts >= cfg_.max_attempts) {
    ctx.emit(Event{.kind = ev::Confirm, .msg = id, .peer = cfg_.broker, .seq = static_cast<std::int64_t>(r.seq), .flag = false});
    records_.erase(id);
    return;
  }
  const double backoff = std::min(cfg_.max_backoff_s, cfg_.retry_backoff_s * std::pow(2.0, static_cast<double>(r.attempts - 1)));
  ctx.set_timer(backoff, Timer{kRetry, pack(incarnation_, id)});
}

void Producer::on_packet(Context& ctx, NodeId from, const Packet& p) {
  const auto* resp = p.as<PutRecordResponse>();
  if (!resp) return;
  auto it = requests_.find(resp->request_id);
  if (it == requests_.end()) return;  // timed out already: its retry is on its way
  const MsgId id = it->second;
  requests_.erase(it);
  Record& r = records_[id];
  r.request = 0;
  if (resp->throughput_exceeded) {
    failed(ctx, id);
    return;
  }
  ctx.emit(Event{.kind = ev::Confirm, .msg = id, .peer = from, .seq = static_cast<std::int64_t>(r.seq), .flag = true});
  records_.erase(id);
}

}  // namespace bs::kinesis
