#include "lease/receiver.hpp"

#include <algorithm>

#include "lease/events.hpp"

namespace bs::lease {
namespace {
enum TimerKind : std::uint32_t { kStart = 1, kPollTimeout = 2, kWorkDone = 3, kExtend = 4, kPollAgain = 5, kDeferredDue = 6 };
constexpr std::uint32_t kDeferredAttempts = 5;  // ReceiveDeferredMessages calls per sequence number
std::uint64_t arg(std::uint64_t epoch, std::uint64_t v) { return (epoch << 48) | v; }
}  // namespace

Receiver::Receiver(ReceiverConfig cfg) : cfg_(std::move(cfg)) {}

void Receiver::on_start(Context& ctx) {
  ++epoch_;
  buffer_.clear();
  done_.clear();
  deferred_.clear();
  asked_.clear();
  busy_ = polling_ = false;
  expected_ = 0;
  ctx.set_timer(std::max(0.0, cfg_.start_s - ctx.now()), Timer{kStart, arg(epoch_, 0)});
  if (cfg_.extend_every_s > 0)
    ctx.set_timer(std::max(0.0, cfg_.start_s - ctx.now()) + cfg_.extend_every_s, Timer{kExtend, arg(epoch_, 0)});
}

void Receiver::on_crash(Context&) {
  buffer_.clear();
  busy_ = polling_ = false;
}

void Receiver::poll(Context& ctx) {
  polling_ = true;
  ++request_;
  expected_ = 0;
  ctx.send(cfg_.service, Receive{cfg_.system, cfg_.queue, cfg_.max_messages, cfg_.wait_s, request_, cfg_.receive_and_delete});
  ctx.set_timer(cfg_.wait_s + cfg_.request_timeout_s, Timer{kPollTimeout, arg(epoch_, request_)});
}

void Receiver::on_packet(Context& ctx, NodeId, const Packet& p) {
  const auto* r = p.as<Received>();
  if (r && r->deferred && r->count > 0) {
    if (!asked_.erase(r->leased.sequence_number)) return;  // asked again, answered twice
    buffer_.push_back(r->leased);
    return next(ctx);
  }
  if (!r || r->deferred || !polling_ || r->request != request_) return;  // the answer to a call we gave up on
  if (r->count == 0) {
    polling_ = false;
    // Long polling answers empty only after waiting; a short poll answers at once.
    if (cfg_.wait_s > 0) poll(ctx);
    else ctx.set_timer(cfg_.poll_pause_s, Timer{kPollAgain, arg(epoch_, request_)});
    return;
  }
  buffer_.push_back(r->leased);
  if (r->index + 1 == r->count) polling_ = false;
  next(ctx);
}

void Receiver::next(Context& ctx) {
  while (!busy_ && !buffer_.empty()) {
    current_ = std::move(buffer_.front());
    buffer_.pop_front();
    busy_ = true;
    ctx.set_timer(cfg_.processing.draw(ctx.rng()), Timer{kWorkDone, arg(epoch_, current_.receipt)});
  }
  if (!busy_ && buffer_.empty() && !polling_) poll(ctx);
}

namespace {
const Attribute* attribute(const Attributes& as, const std::string& name) {
  for (const auto& a : as)
    if (a.name == name) return &a;
  return nullptr;
}
}  // namespace

bool Receiver::must_wait(const Leased& m) const {
  if (!cfg_.waits_for || cfg_.waits_for->prerequisite.matches(m.msg.attributes)) return false;
  const Attribute* key = attribute(m.msg.attributes, cfg_.waits_for->correlation);
  return key && !done_.count(key->value);
}

void Receiver::ask_deferred(Context& ctx, std::vector<std::int64_t> sequence_numbers) {
  for (std::int64_t n : sequence_numbers) ++asked_[n];
  ctx.send(cfg_.service, ReceiveDeferred{cfg_.system, cfg_.queue, std::move(sequence_numbers)});
  ctx.set_timer(cfg_.request_timeout_s, Timer{kDeferredDue, arg(epoch_, 0)});
}

void Receiver::finish(Context& ctx) {
  busy_ = false;
  const Leased& m = current_;
  if (must_wait(m)) {
    if (cfg_.waits_for->defer) {
      deferred_.emplace(attribute(m.msg.attributes, cfg_.waits_for->correlation)->value, m.sequence_number);
      ctx.send(cfg_.service, Settle{cfg_.system, m.queue, m.receipt, m.msg.base.id, Settle::How::Defer});
    } else {
      ctx.send(cfg_.service, Extend{cfg_.system, m.queue, m.receipt, m.msg.base.id, 0});  // Abandon
    }
    return next(ctx);
  }
  const bool poison = cfg_.fails_on && cfg_.fails_on->matches(m.msg.attributes);
  if (poison) {
    if (cfg_.dead_letter_on_failure && !cfg_.receive_and_delete)
      ctx.send(cfg_.service, Settle{cfg_.system, m.queue, m.receipt, m.msg.base.id, Settle::How::DeadLetter});
    else if (cfg_.release_on_failure && !cfg_.receive_and_delete)
      ctx.send(cfg_.service, Extend{cfg_.system, m.queue, m.receipt, m.msg.base.id, 0});
  } else {
    ctx.emit(Event{.kind = ev::Process, .msg = m.msg.base.id, .peer = m.msg.base.producer, .queue = m.queue,
                   .tag = static_cast<std::int64_t>(m.receipt), .flag = m.receive_count > 1});
    if (!cfg_.receive_and_delete) ctx.send(cfg_.service, Settle{cfg_.system, m.queue, m.receipt, m.msg.base.id});
    const Attribute* key = cfg_.waits_for ? attribute(m.msg.attributes, cfg_.waits_for->correlation) : nullptr;
    if (key && cfg_.waits_for->prerequisite.matches(m.msg.attributes)) {
      done_.insert(key->value);
      std::vector<std::int64_t> ready;
      auto [lo, hi] = deferred_.equal_range(key->value);
      for (auto it = lo; it != hi; ++it) ready.push_back(it->second);
      deferred_.erase(lo, hi);
      if (!ready.empty()) ask_deferred(ctx, std::move(ready));
    }
  }
  next(ctx);
}

void Receiver::extend_all(Context& ctx) {
  auto extend = [&](const Leased& m) {
    ctx.send(cfg_.service, Extend{cfg_.system, m.queue, m.receipt, m.msg.base.id, cfg_.extend_to_s});
  };
  if (busy_) extend(current_);
  for (const auto& m : buffer_) extend(m);
}

void Receiver::on_timer(Context& ctx, const Timer& t) {
  if ((t.arg >> 48) != epoch_) return;
  const std::uint64_t v = t.arg & ((std::uint64_t{1} << 48) - 1);
  switch (t.kind) {
    case kStart: poll(ctx); break;
    case kPollTimeout:
      if (polling_ && v == request_) poll(ctx);  // no answer: the call failed; make it again
      break;
    case kPollAgain:
      if (!polling_ && v == request_ && !busy_ && buffer_.empty()) poll(ctx);
      break;
    case kWorkDone:
      if (busy_ && v == current_.receipt) finish(ctx);
      break;
    case kDeferredDue: {
      // Unanswered: the call or its answer was lost. Ask again, a few times.
      std::vector<std::int64_t> again;
      for (auto it = asked_.begin(); it != asked_.end();) {
        if (it->second >= kDeferredAttempts) it = asked_.erase(it);
        else again.push_back(it++->first);
      }
      if (!again.empty()) ask_deferred(ctx, std::move(again));
      break;
    }
    case kExtend:
      if (!cfg_.receive_and_delete) extend_all(ctx);
      ctx.set_timer(cfg_.extend_every_s, Timer{kExtend, arg(epoch_, 0)});
      break;
    default: break;
  }
}

}  // namespace bs::lease
