#include "clients/amqp_consumer.hpp"

#include <algorithm>

namespace bs::amqp {
namespace {
enum TimerKind : std::uint32_t { kStart = 1, kWorkDone = 2, kHeartbeat = 3 };
}

void Consumer::on_start(Context& ctx) {
  connected_ = false;
  busy_ = false;
  buffer_.clear();
  pending_count_ = 0;
  ctx.set_timer(std::max(0.0, cfg_.start_s - ctx.now()), Timer{kStart, 0});
}

void Consumer::send(Context& ctx, Packet p) {
  last_sent_ = ctx.now();
  ctx.send(cfg_.broker, std::move(p));
}

void Consumer::connect(Context& ctx) {
  ++connection_;
  last_heard_ = ctx.now();
  send(ctx, Consume{cfg_.queue, cfg_.prefetch, cfg_.auto_ack, connection_});
}

void Consumer::drop_connection(Context& ctx) {
  // The deliveries we hold belong to a dead channel; the broker requeues them.
  connected_ = false;
  buffer_.clear();
  pending_count_ = 0;
  connect(ctx);
}

void Consumer::on_packet(Context& ctx, NodeId, const Packet& p) {
  last_heard_ = ctx.now();
  if (auto* ok = std::get_if<ConsumeOk>(&p)) {
    if (ok->connection == connection_) connected_ = true;
  } else if (auto* d = std::get_if<Deliver>(&p)) {
    if (d->connection != connection_) return;  // for a channel we already gave up on
    connected_ = true;
    buffer_.push_back(*d);
    maybe_start(ctx);
  } else if (auto* c = std::get_if<ConnectionClose>(&p)) {
    if (c->connection == connection_) drop_connection(ctx);
  }
}

void Consumer::maybe_start(Context& ctx) {
  while (!busy_ && !buffer_.empty()) {
    Deliver d = std::move(buffer_.front());
    buffer_.pop_front();
    if (cfg_.dedupe && cfg_.dedupe->seen(d.msg.id)) {
      ctx.emit(Event{.kind = EventKind::DuplicateSkipped, .msg = d.msg.id, .queue = d.queue,
                     .tag = static_cast<std::int64_t>(d.tag), .flag = d.redelivered});
      if (!cfg_.auto_ack) send(ctx, Ack{d.tag, false, d.connection, d.msg.id});
      continue;
    }
    if (std::find(cfg_.reject_keys.begin(), cfg_.reject_keys.end(), d.msg.routing_key) != cfg_.reject_keys.end()) {
      if (!cfg_.auto_ack) send(ctx, Nack{d.tag, false, cfg_.reject_requeue, d.connection, d.msg.id});
      continue;
    }
    busy_ = true;
    current_ = std::move(d);
    ctx.set_timer(cfg_.processing.draw(ctx.rng()), Timer{kWorkDone, ++work_gen_});
  }
}

void Consumer::finish_current(Context& ctx) {
  busy_ = false;
  const Deliver& d = current_;
  ctx.emit(Event{.kind = EventKind::Process, .msg = d.msg.id, .peer = d.msg.producer, .queue = d.queue,
                 .tag = static_cast<std::int64_t>(d.tag), .flag = d.redelivered});
  if (cfg_.dedupe) cfg_.dedupe->record(d.msg.id);
  if (!cfg_.auto_ack) {
    // Acks for an older connection still go out: the broker answers connection.close,
    // which is how a partitioned consumer learns its work was handed to someone else.
    if (d.connection != connection_) {
      send(ctx, Ack{d.tag, false, d.connection, d.msg.id});
    } else {
      pending_tag_ = d.tag;
      pending_msg_ = d.msg.id;
      if (++pending_count_ >= cfg_.ack_every) flush_acks(ctx);
    }
  }
  maybe_start(ctx);
}

void Consumer::flush_acks(Context& ctx) {
  if (pending_count_ == 0) return;
  send(ctx, Ack{pending_tag_, pending_count_ > 1, connection_, pending_msg_});
  pending_count_ = 0;
}

void Consumer::on_timer(Context& ctx, const Timer& t) {
  switch (t.kind) {
    case kStart:
      started_ = true;
      connect(ctx);
      ctx.set_timer(cfg_.heartbeat_s, Timer{kHeartbeat, 0});
      break;
    case kWorkDone:
      if (busy_ && t.arg == work_gen_) finish_current(ctx);
      break;
    case kHeartbeat:
      if (ctx.now() - last_heard_ > 2 * cfg_.heartbeat_s) {
        drop_connection(ctx);  // broker silent for two heartbeats: reconnect
      } else {
        // Batched acks should not wait forever when the queue runs dry.
        if (!busy_ && buffer_.empty()) flush_acks(ctx);
        if (ctx.now() - last_sent_ >= cfg_.heartbeat_s * 0.999) send(ctx, Heartbeat{});
      }
      ctx.set_timer(cfg_.heartbeat_s, Timer{kHeartbeat, 0});
      break;
    default: break;
  }
}

void Consumer::on_crash(Context&) {
  connected_ = false;
  busy_ = false;
  buffer_.clear();
  pending_count_ = 0;
}

}  // namespace bs::amqp
