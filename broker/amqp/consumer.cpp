#include "amqp/consumer.hpp"

#include <algorithm>

#include "activemq/events.hpp"
#include "store/events.hpp"

namespace bs::amqp {
namespace {
enum TimerKind : std::uint32_t { kStart = 1, kWorkDone = 2, kHeartbeat = 3, kReconnect = 4, kStoreTimeout = 5, kRedeliver = 8,
                                kTxRedeliver = 9, kTxIdle = 10 };
// Two-phase commit's timers (kXaTimeout = 6, kXaRecover = 7) are in consumer_two_phase.cpp.

BrokerList broker_list(const ConsumerConfig& c) {
  if (c.bootstrap.empty()) return BrokerList({c.broker});
  return BrokerList(c.bootstrap, c.bootstrap_names);
}
}  // namespace

Consumer::Consumer(ConsumerConfig cfg) : cfg_(std::move(cfg)), brokers_(broker_list(cfg_)) {}

void Consumer::on_start(Context& ctx) {
  connected_ = false;
  busy_ = false;
  waiting_ = false;
  buffer_.clear();
  pending_count_ = 0;
  brokers_.restart();  // a restarted client process starts from the top of its list
  forget_transaction();
  ctx.set_timer(std::max(0.0, cfg_.start_s - ctx.now()), Timer{kStart, 0});
  if (two_phase() && ever_started_) start_recovery(ctx);  // the coordinator reads its log
  ever_started_ = true;
}

void Consumer::send(Context& ctx, Packet p) {
  last_sent_ = ctx.now();
  ctx.send(brokers_.current(), std::move(p));
}

void Consumer::connect(Context& ctx) {
  waiting_ = false;
  ++connection_;
  last_heard_ = ctx.now();
  send(ctx, Consume{cfg_.queue, cfg_.prefetch, cfg_.auto_ack, connection_});
}

void Consumer::drop_connection(Context& ctx, const char* reason) {
  // The deliveries we hold belong to a dead channel; the broker requeues them.
  connected_ = false;
  buffer_.clear();
  pending_count_ = 0;
  forget_transaction();  // the broker redelivers what the transaction held
  brokers_.advance(ctx, reason);
  if (cfg_.reconnect_s > 0) {
    waiting_ = true;
    ctx.set_timer(cfg_.reconnect_s, Timer{kReconnect, ++reconnect_gen_});
  } else {
    connect(ctx);
  }
}

void Consumer::on_packet(Context& ctx, NodeId from, const Packet& p) {
  if (two_phase() && (p.is<xa::Vote>() || p.is<xa::Done>() || p.is<xa::InDoubt>())) return on_xa(ctx, from, p);
  if (from == cfg_.store && cfg_.store != kNoNode) {
    if (const auto* ok = p.as<store::StoreWriteOk>()) on_store_answer(ctx, *ok);
    return;
  }
  // Only the broker of the current connection counts: one we left may still send
  // heartbeats or deliveries for a channel we gave up on.
  if (from != brokers_.current()) return;
  last_heard_ = ctx.now();
  if (auto* ok = p.as<ConsumeOk>()) {
    if (ok->connection == connection_ && !waiting_) connected_ = true;
  } else if (auto* d = p.as<Deliver>()) {
    if (d->connection != connection_ || waiting_) return;  // for a channel we already gave up on
    connected_ = true;
    buffer_.push_back(Held{*d, from});
    maybe_start(ctx);
  } else if (auto* c = p.as<ConnectionClose>()) {
    if (c->connection == connection_ && !waiting_) drop_connection(ctx, c->reply_code == kNotFound ? "not_found" : "connection_close");
  }
}

void Consumer::maybe_start(Context& ctx) {
  while (!busy_ && !buffer_.empty() && !redelivery_wait_) {
    Held h = std::move(buffer_.front());
    buffer_.pop_front();
    const Deliver& d = h.d;
    if (cfg_.dedupe && cfg_.dedupe->seen(d.msg.id)) {
      ctx.emit(Event{.kind = ev::DuplicateSkipped, .msg = d.msg.id, .queue = d.queue,
                     .tag = static_cast<std::int64_t>(d.tag), .flag = d.redelivered});
      if (!cfg_.auto_ack) send(ctx, Ack{d.tag, false, d.connection, d.msg.id});
      continue;
    }
    if (std::find(cfg_.reject_keys.begin(), cfg_.reject_keys.end(), d.msg.key) != cfg_.reject_keys.end()) {
      if (!cfg_.auto_ack) send(ctx, Nack{d.tag, false, cfg_.reject_requeue, d.connection, d.msg.id});
      continue;
    }
    busy_ = true;
    current_ = std::move(h);
    redeliveries_ = 0;
    ctx.set_timer(cfg_.processing.draw(ctx.rng()), Timer{kWorkDone, ++work_gen_});
  }
  if (cfg_.transacted) arm_idle_commit(ctx);
}

bool Consumer::failing() const {
  if (!cfg_.redelivery.enabled) return false;
  const auto& k = cfg_.fail_keys;
  for (const auto& [name, v] : current_.d.msg.headers)
    if (name == "JMSType") return std::find(k.begin(), k.end(), v.text) != k.end();
  return false;
}

double ConsumerConfig::RedeliveryPolicy::delay(std::int64_t n) const {
  // ActiveMQ: the first redelivery waits initialRedeliveryDelay (redeliveryDelay when
  // that is 0); later ones redeliveryDelay, multiplied per attempt with back-off.
  double d = n <= 1 && initial_redelivery_delay_s > 0 ? initial_redelivery_delay_s : redelivery_delay_s;
  if (use_exponential_back_off && n > 1) {
    d = initial_redelivery_delay_s > 0 ? initial_redelivery_delay_s : redelivery_delay_s;
    for (std::int64_t i = 1; i < n; ++i) d *= back_off_multiplier;
  }
  if (maximum_redelivery_delay_s >= 0) d = std::min(d, maximum_redelivery_delay_s);
  return d;
}

void Consumer::finish_current(Context& ctx) {
  if (cfg_.transacted) return finish_transacted(ctx);
  const Deliver& d = current_.d;
  if (failing()) {
    const auto max = cfg_.redelivery.maximum_redeliveries;
    if (max >= 0 && redeliveries_ >= max) {
      // Poison ack: the broker takes the message off to its dead letter queue.
      busy_ = false;
      if (!cfg_.auto_ack) send(ctx, Nack{d.tag, false, false, d.connection, d.msg.id, true});
      maybe_start(ctx);
      return;
    }
    ctx.set_timer(cfg_.redelivery.delay(redeliveries_ + 1), Timer{kRedeliver, ++work_gen_});
    return;
  }
  if (cfg_.store != kNoNode) {
    if (two_phase()) return begin_two_phase(ctx);
    // The effect is the store's to apply: a transaction, then the ack (or the other way).
    acked_current_ = false;
    ++store_request_;
    if (cfg_.effect_order == ConsumerConfig::EffectOrder::AckThenEffect) {
      emit_process(ctx);
      ack_current(ctx);
      acked_current_ = true;
    }
    write_effect(ctx, false);
    return;
  }
  busy_ = false;
  emit_process(ctx);
  if (cfg_.dedupe) cfg_.dedupe->record(d.msg.id);
  ack_current(ctx);
  maybe_start(ctx);
}

void Consumer::emit_process(Context& ctx) {
  const Deliver& d = current_.d;
  ctx.emit(Event{.kind = ev::Process, .msg = d.msg.id, .peer = d.msg.producer, .queue = d.queue,
                 .tag = static_cast<std::int64_t>(d.tag), .flag = d.redelivered});
}

void Consumer::ack_current(Context& ctx) {
  if (cfg_.auto_ack) return;
  const Deliver& d = current_.d;
  // Acks for an older connection still go out, to the broker that delivered: it
  // answers connection.close, which is how a partitioned consumer learns its work
  // was handed to someone else.
  if (d.connection != connection_ || waiting_) {
    last_sent_ = ctx.now();
    ctx.send(current_.from, Ack{d.tag, false, d.connection, d.msg.id});
  } else {
    pending_tag_ = d.tag;
    pending_msg_ = d.msg.id;
    if (++pending_count_ >= cfg_.ack_every) flush_acks(ctx);
  }
}

void Consumer::write_effect(Context& ctx, bool retry) {
  const MsgId id = current_.d.msg.id;
  const bool with_id = cfg_.record_id == ConsumerConfig::RecordId::WithEffect;
  const bool check = cfg_.record_id != ConsumerConfig::RecordId::None;
  store_wait_ = true;
  ctx.emit(Event{.kind = ev::StoreWrite, .msg = id, .peer = cfg_.store, .tag = static_cast<std::int64_t>(store_request_),
                 .flag = retry, .text = with_id ? "effect+id" : "effect"});
  ctx.send(cfg_.store, store::StoreWrite{store_request_, id, true, with_id, check});
  ctx.set_timer(cfg_.store_timeout_s, Timer{kStoreTimeout, store_request_});
}

void Consumer::on_store_answer(Context& ctx, const store::StoreWriteOk& ok) {
  if (!busy_ || !store_wait_ || ok.request != store_request_) return;  // an answer to a retry we no longer wait for
  store_wait_ = false;
  busy_ = false;
  const Deliver& d = current_.d;
  if (ok.duplicate) {
    // The store's processed-ids table already had it: its effect is there, only the ack is missing.
    ctx.emit(Event{.kind = ev::DuplicateSkipped, .msg = d.msg.id, .queue = d.queue,
                   .tag = static_cast<std::int64_t>(d.tag), .flag = d.redelivered});
    if (!acked_current_) ack_current(ctx);
  } else if (!acked_current_) {
    emit_process(ctx);
    ack_current(ctx);
    if (cfg_.record_id == ConsumerConfig::RecordId::AfterAck) {
      // The processed id in a transaction of its own, not waited for: until it commits,
      // a redelivery of this message finds no id and applies the effect again.
      ++store_request_;
      ctx.emit(Event{.kind = ev::StoreWrite, .msg = d.msg.id, .peer = cfg_.store,
                     .tag = static_cast<std::int64_t>(store_request_), .text = "id"});
      ctx.send(cfg_.store, store::StoreWrite{store_request_, d.msg.id, false, true, false});
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
    case kRedeliver:
      if (busy_ && t.arg == work_gen_) {
        ++redeliveries_;
        ctx.emit(Event{.kind = ev::ClientRedelivery, .msg = current_.d.msg.id, .queue = current_.d.queue,
                       .tag = static_cast<std::int64_t>(current_.d.tag), .seq = redeliveries_, .text = "onMessage_failed"});
        ctx.set_timer(cfg_.processing.draw(ctx.rng()), Timer{kWorkDone, ++work_gen_});
      }
      break;
    case kHeartbeat:
      if (waiting_) {
        // Between connections: nothing to watch and nobody to heartbeat.
      } else if (ctx.now() - last_heard_ > 2 * cfg_.heartbeat_s) {
        drop_connection(ctx, "missed_heartbeats");  // broker silent for two heartbeats
      } else {
        // Batched acks should not wait forever when the queue runs dry.
        if (!busy_ && buffer_.empty()) flush_acks(ctx);
        if (ctx.now() - last_sent_ >= cfg_.heartbeat_s * 0.999) send(ctx, Heartbeat{});
      }
      ctx.set_timer(cfg_.heartbeat_s, Timer{kHeartbeat, 0});
      break;
    case kReconnect:
      if (waiting_ && t.arg == reconnect_gen_) connect(ctx);
      break;
    case kStoreTimeout:
      if (busy_ && store_wait_ && t.arg == store_request_) write_effect(ctx, true);
      break;
    case kTxRedeliver:
      if (redelivery_wait_ && t.arg == tx_gen_) redeliver_rolled_back(ctx);
      break;
    case kTxIdle:
      if (t.arg == tx_gen_ && !busy_ && buffer_.empty() && !redelivery_wait_) commit(ctx);
      break;
    default: on_xa_timer(ctx, t); break;
  }
}

void Consumer::on_crash(Context&) {
  connected_ = false;
  busy_ = false;
  store_wait_ = false;
  waiting_ = false;
  buffer_.clear();
  pending_count_ = 0;
  forget_transaction();  // uncommitted: the broker redelivers it once it notices the crash
  txns_.clear();  // the coordinator's log (xa_log_) is on disk: it stays
  recover_wait_.clear();
}

}  // namespace bs::amqp
