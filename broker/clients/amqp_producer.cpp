#include "clients/amqp_producer.hpp"

#include <algorithm>

namespace bs::amqp {
namespace {
enum TimerKind : std::uint32_t { kTick = 1, kRetry = 2 };
}

void Producer::on_start(Context& ctx) {
  // A new channel numbers its publishes from 1 again (confirm.select on a new channel).
  next_seq_ = 1;
  const double first = std::max(0.0, cfg_.start_s - ctx.now());
  if (published_ < cfg_.count) ctx.set_timer(first, Timer{kTick, 0});
  if (cfg_.retry_s >= 0) ctx.set_timer(cfg_.retry_s, Timer{kRetry, 0});
}

void Producer::publish(Context& ctx, Message m) {
  const std::uint64_t seq = next_seq_++;
  ctx.emit(Event{.kind = EventKind::Publish, .msg = m.id, .peer = cfg_.broker,
                 .queue = m.exchange, .seq = cfg_.confirm ? static_cast<std::int64_t>(seq) : -1, .flag = cfg_.mandatory,
                 .text = m.routing_key});
  if (cfg_.confirm) unconfirmed_[seq] = Pending{m, ctx.now()};
  ctx.send(cfg_.broker, Publish{std::move(m), seq, cfg_.mandatory, cfg_.confirm});
}

void Producer::on_timer(Context& ctx, const Timer& t) {
  if (t.kind == kTick) {
    for (std::uint32_t i = 0; i < cfg_.batch && published_ < cfg_.count; ++i) {
      Message m;
      m.id = ctx.next_msg_id();
      m.producer = ctx.self();
      m.exchange = cfg_.exchange;
      if (!cfg_.routing_keys.empty()) m.routing_key = cfg_.routing_keys[published_ % cfg_.routing_keys.size()];
      if (!cfg_.headers.empty()) m.headers = cfg_.headers[published_ % cfg_.headers.size()];
      m.size_bytes = cfg_.size_bytes;
      m.persistent = cfg_.persistent;
      m.ttl_s = cfg_.ttl_s;
      m.published_at = ctx.now();
      ++published_;
      publish(ctx, std::move(m));
    }
    if (published_ < cfg_.count) ctx.set_timer(cfg_.interval_s, Timer{kTick, 0});
  } else if (t.kind == kRetry) {
    std::vector<Message> again;
    for (auto it = unconfirmed_.begin(); it != unconfirmed_.end();) {
      if (ctx.now() - it->second.sent_at >= cfg_.retry_s) {
        again.push_back(std::move(it->second.msg));
        it = unconfirmed_.erase(it);
      } else {
        ++it;
      }
    }
    for (auto& m : again) publish(ctx, std::move(m));
    ctx.set_timer(cfg_.retry_s, Timer{kRetry, 0});
  }
}

void Producer::on_packet(Context& ctx, NodeId, const Packet& p) {
  if (auto* c = std::get_if<Confirm>(&p)) {
    auto end = c->multiple ? unconfirmed_.upper_bound(c->seq) : unconfirmed_.find(c->seq);
    auto begin = c->multiple ? unconfirmed_.begin() : end;
    if (!c->multiple) {
      if (end == unconfirmed_.end()) return;  // confirm of a seq we retried or forgot
      ++end;
    }
    for (auto it = begin; it != end; ++it)
      ctx.emit(Event{.kind = EventKind::Confirm, .msg = it->second.msg.id, .peer = cfg_.broker,
                     .seq = static_cast<std::int64_t>(it->first), .flag = c->ack});
    unconfirmed_.erase(begin, end);
  } else if (auto* r = std::get_if<Return>(&p)) {
    ctx.emit(Event{.kind = EventKind::Returned, .msg = r->msg.id, .peer = cfg_.broker, .text = r->msg.routing_key});
  }
}

void Producer::on_crash(Context&) {
  // What was sent but unconfirmed is forgotten: the producer cannot know its fate.
  unconfirmed_.clear();
}

}  // namespace bs::amqp
