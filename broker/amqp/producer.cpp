#include "amqp/producer.hpp"

#include <algorithm>

namespace bs::amqp {
namespace {
enum TimerKind : std::uint32_t { kTick = 1, kRetry = 2, kHeartbeat = 3, kReconnect = 4, kRelay = 5 };

BrokerList broker_list(const ProducerConfig& c) {
  if (c.bootstrap.empty()) return BrokerList({c.broker});
  return BrokerList(c.bootstrap, c.bootstrap_names);
}
}  // namespace

Producer::Producer(ProducerConfig cfg) : cfg_(std::move(cfg)), brokers_(broker_list(cfg_)) {}

void Producer::on_start(Context& ctx) {
  // A new channel numbers its publishes from 1 again (confirm.select on a new channel).
  next_seq_ = 1;
  const double first = std::max(0.0, cfg_.start_s - ctx.now());
  if (published_ < cfg_.count) ctx.set_timer(first, Timer{kTick, 0});
  if (cfg_.retry_s >= 0) ctx.set_timer(cfg_.retry_s, Timer{kRetry, 0});
  if (cfg_.outbox) ctx.set_timer(std::max(first, cfg_.relay_interval_s), Timer{kRelay, 0});
  if (cfg_.recovery) {
    brokers_.restart();
    tick_due_ = false;
    connect(ctx);
    ctx.set_timer(cfg_.heartbeat_s, Timer{kHeartbeat, 0});
  }
}

void Producer::send(Context& ctx, Packet p) {
  last_sent_ = ctx.now();
  ctx.send(brokers_.current(), std::move(p));
}

void Producer::connect(Context& ctx) {
  state_ = Conn::Connecting;
  connected_ = false;
  last_heard_ = ctx.now();  // the attempt gets two heartbeat intervals to be answered
  send(ctx, Open{++connection_});
}

void Producer::connection_lost(Context& ctx, const char* reason) {
  // The lost channel's confirm sequence numbers mean nothing on the next one: keep the
  // messages (to republish them when retrying) and forget the numbers.
  for (auto& [seq, p] : unconfirmed_) orphans_.push_back(std::move(p.msg));
  unconfirmed_.clear();
  // Retries renumber messages, so sequence order is not publish order; ids are.
  std::sort(orphans_.begin(), orphans_.end(), [](const AmqpMessage& a, const AmqpMessage& b) { return a.id < b.id; });
  connected_ = false;
  // A transaction open on the lost connection is gone with it (the broker discards it).
  in_transaction_.clear();
  committing_.clear();
  brokers_.advance(ctx, reason);
  if (cfg_.reconnect_s > 0) {
    state_ = Conn::Waiting;
    ctx.set_timer(cfg_.reconnect_s, Timer{kReconnect, ++reconnect_gen_});
  } else {
    connect(ctx);
  }
}

void Producer::publish(Context& ctx, AmqpMessage m) {
  const std::uint64_t seq = next_seq_++;
  ctx.emit(Event{.kind = ev::Publish, .msg = m.id, .peer = brokers_.current(),
                 .queue = m.exchange, .seq = cfg_.confirm ? static_cast<std::int64_t>(seq) : -1, .flag = cfg_.mandatory,
                 .text = m.key});
  if (cfg_.confirm) unconfirmed_[seq] = Pending{m, ctx.now()};
  if (cfg_.transacted) {
    if (in_transaction_.empty()) ++transaction_;
    in_transaction_.push_back(seq);
  }
  send(ctx, Publish{std::move(m), seq, cfg_.mandatory, cfg_.confirm, cfg_.transacted ? transaction_ : 0});
  if (cfg_.transacted && in_transaction_.size() >= cfg_.commit_every) end_transaction(ctx);
}

AmqpMessage Producer::make_message(Context& ctx, MsgId id, std::uint64_t index) const {
  AmqpMessage m;
  m.id = id;
  m.producer = ctx.self();
  m.exchange = cfg_.exchange;
  if (!cfg_.routing_keys.empty()) m.key = cfg_.routing_keys[index % cfg_.routing_keys.size()];
  if (!cfg_.headers.empty()) m.headers = cfg_.headers[index % cfg_.headers.size()];
  m.size_bytes = cfg_.size_bytes;
  m.persistent = cfg_.persistent;
  m.ttl_s = cfg_.ttl_s;
  m.published_at = ctx.now();
  return m;
}

void Producer::tick(Context& ctx) {
  if (cfg_.outbox) {
    // The service records its orders whatever the broker is doing: that is the outbox's point.
    for (std::uint32_t i = 0; i < cfg_.batch && published_ < cfg_.count; ++i) {
      AmqpMessage m = make_message(ctx, ctx.next_msg_id(), published_++);
      ctx.send(cfg_.store, store::StateWrite{++store_request_, m.id, m.key, ctx.now(), true});
    }
    if (published_ < cfg_.count) ctx.set_timer(cfg_.interval_s, Timer{kTick, 0});
    return;
  }
  if ((cfg_.recovery && !connected_) || blocked_) {
    // Publishing waits for the connection (resumed by open-ok), or, while the node has a
    // resource alarm, for connection.unblocked (RabbitMQ's clients block in publish).
    tick_due_ = true;
    return;
  }
  for (std::uint32_t i = 0; i < cfg_.batch && published_ < cfg_.count; ++i) {
    AmqpMessage m = make_message(ctx, ctx.next_msg_id(), published_);
    ++published_;
    if (cfg_.store != kNoNode) {
      // The dual write: the state change first; the publish when it has committed.
      ctx.send(cfg_.store, store::StateWrite{++store_request_, m.id, m.key, ctx.now(), false});
      state_pending_[store_request_] = std::move(m);
    } else {
      publish(ctx, std::move(m));
    }
  }
  // The last transaction may be shorter than commit_every.
  if (cfg_.transacted && published_ >= cfg_.count && !in_transaction_.empty()) end_transaction(ctx);
  if (published_ < cfg_.count) ctx.set_timer(cfg_.interval_s, Timer{kTick, 0});
}

void Producer::on_timer(Context& ctx, const Timer& t) {
  switch (t.kind) {
    case kTick: tick(ctx); break;
    case kRetry: {
      if (cfg_.recovery && !connected_) {  // nothing can be sent now; open-ok republishes
        ctx.set_timer(cfg_.retry_s, Timer{kRetry, 0});
        break;
      }
      std::vector<AmqpMessage> again;
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
      break;
    }
    case kHeartbeat:
      // RabbitMQ's rule: a peer silent for two heartbeat intervals is dead.
      if (state_ != Conn::Waiting && ctx.now() - last_heard_ > 2 * cfg_.heartbeat_s) {
        connection_lost(ctx, "missed_heartbeats");
      } else if (state_ == Conn::Open && ctx.now() - last_sent_ >= cfg_.heartbeat_s * 0.999) {
        send(ctx, Heartbeat{});
      }
      ctx.set_timer(cfg_.heartbeat_s, Timer{kHeartbeat, 0});
      break;
    case kReconnect:
      if (state_ == Conn::Waiting && t.arg == reconnect_gen_) connect(ctx);
      break;
    case kRelay:
      relay_poll(ctx);
      ctx.set_timer(cfg_.relay_interval_s, Timer{kRelay, 0});
      break;
    default: break;
  }
}

void Producer::on_packet(Context& ctx, NodeId from, const Packet& p) {
  if (from == cfg_.store && cfg_.store != kNoNode) {
    on_store_packet(ctx, p);
    return;
  }
  // A broker this producer has left may still answer; its confirms belong to a channel
  // that is gone.
  if (cfg_.recovery && from != brokers_.current()) return;
  last_heard_ = ctx.now();
  if (auto* ok = p.as<OpenOk>()) {
    if (ok->connection != connection_ || state_ != Conn::Connecting) return;
    state_ = Conn::Open;
    connected_ = true;
    next_seq_ = 1;  // a new channel
    if (cfg_.retry_s >= 0) {
      std::vector<AmqpMessage> again = std::move(orphans_);
      for (auto& m : again) publish(ctx, std::move(m));
    }
    orphans_.clear();
    if (tick_due_) {
      tick_due_ = false;
      tick(ctx);
    }
  } else if (auto* b = p.as<ConnectionBlocked>()) {
    if (blocked_) return;
    blocked_ = true;
    ctx.emit(Event{.kind = ev::Blocked, .peer = from, .flag = true, .text = b->reason});
  } else if (p.is<ConnectionUnblocked>()) {
    if (!blocked_) return;
    blocked_ = false;
    ctx.emit(Event{.kind = ev::Blocked, .peer = from, .flag = false});
    if (tick_due_) {
      tick_due_ = false;
      tick(ctx);
    }
  } else if (auto* close = p.as<ConnectionClose>()) {
    if (cfg_.recovery && close->connection == connection_ && state_ != Conn::Waiting) connection_lost(ctx, "connection_close");
  } else if (auto* c = p.as<Confirm>()) {
    auto end = c->multiple ? unconfirmed_.upper_bound(c->seq) : unconfirmed_.find(c->seq);
    auto begin = c->multiple ? unconfirmed_.begin() : end;
    if (!c->multiple) {
      if (end == unconfirmed_.end()) return;  // confirm of a seq we retried or forgot
      ++end;
    }
    for (auto it = begin; it != end; ++it) {
      ctx.emit(Event{.kind = ev::Confirm, .msg = it->second.msg.id, .peer = from,
                     .seq = static_cast<std::int64_t>(it->first), .flag = c->ack});
      // The relay marks a row sent once the broker has it; a nack leaves it for the next read.
      if (cfg_.outbox && relayed_.count(it->second.msg.id)) {
        if (c->ack) ctx.send(cfg_.store, store::OutboxMark{it->second.msg.id});
        else relayed_.erase(it->second.msg.id);
      }
    }
    unconfirmed_.erase(begin, end);
  } else if (auto* t = p.as<TransactionEndOk>()) {
    on_transaction_end_ok(ctx, from, *t);
  } else if (auto* r = p.as<Return>()) {
    ctx.emit(Event{.kind = ev::Returned, .msg = r->msg.id, .peer = from, .text = r->msg.key});
  }
}

void Producer::on_crash(Context&) {
  in_transaction_.clear();  // the open transaction dies with the session; the broker discards it
  committing_.clear();
  // What was sent but unconfirmed is forgotten: the producer cannot know its fate.
  unconfirmed_.clear();
  orphans_.clear();
  blocked_ = false;  // a new connection starts unblocked
  state_pending_.clear();
  relayed_.clear();  // what the relay had published: it will read the unsent rows again
  fetch_sent_at_ = -1;
  connected_ = false;
  state_ = Conn::Connecting;
}

}  // namespace bs::amqp
