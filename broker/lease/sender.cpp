#include "lease/sender.hpp"

#include <algorithm>
#include <cmath>

namespace bs::lease {
namespace {
enum TimerKind : std::uint32_t { kNext = 1, kTimeout = 2, kRetry = 3 };
// Timer args carry the life they belong to in the high bits.
std::uint64_t arg(std::uint64_t epoch, std::uint64_t v) { return (epoch << 48) | v; }
}  // namespace

Sender::Sender(SenderConfig cfg) : cfg_(std::move(cfg)) {}

void Sender::on_start(Context& ctx) {
  ++epoch_;
  pending_.clear();
  if (sent_ < cfg_.count) ctx.set_timer(std::max(0.0, cfg_.start_s - ctx.now()), Timer{kNext, arg(epoch_, 0)});
}

void Sender::on_crash(Context&) { pending_.clear(); }

void Sender::attempt(Context& ctx, MsgId id) {
  Pending& p = pending_[id];
  ++p.attempts;
  p.seq = ++next_seq_;
  ctx.emit(Event{.kind = ev::Publish, .msg = id, .peer = cfg_.service, .queue = cfg_.destination,
                 .seq = static_cast<std::int64_t>(p.seq), .text = p.msg.group});
  ctx.send(cfg_.service, Send{cfg_.system, p.msg, cfg_.destination, p.seq});
  ctx.set_timer(cfg_.request_timeout_s, Timer{kTimeout, arg(epoch_, p.seq)});
}

void Sender::on_packet(Context& ctx, NodeId, const Packet& p) {
  const auto* r = p.as<SendResult>();
  if (!r) return;
  auto it = pending_.find(r->msg);
  if (it == pending_.end()) return;  // answered already (an earlier call's late answer)
  ctx.emit(Event{.kind = ev::Confirm, .msg = r->msg, .peer = cfg_.service, .seq = static_cast<std::int64_t>(r->seq),
                 .flag = r->ok});
  pending_.erase(it);
}

void Sender::on_timer(Context& ctx, const Timer& t) {
  if ((t.arg >> 48) != epoch_) return;
  const std::uint64_t v = t.arg & ((std::uint64_t{1} << 48) - 1);
  switch (t.kind) {
    case kNext: {
      if (sent_ >= cfg_.count) return;
      const std::uint64_t i = sent_++;
      LeaseMessage m;
      m.base.id = ctx.next_msg_id();
      m.base.producer = ctx.self();
      m.base.size_bytes = cfg_.size_bytes;
      m.base.published_at = ctx.now();
      if (!cfg_.groups.empty()) m.group = cfg_.groups[i % cfg_.groups.size()];
      m.base.key = m.group;
      if (!cfg_.attributes.empty()) m.attributes = cfg_.attributes[i % cfg_.attributes.size()];
      m.delay_s = cfg_.delay_s;
      if (cfg_.deduplication_id) m.deduplication_id = "m" + std::to_string(m.base.id);
      pending_[m.base.id].msg = m;
      attempt(ctx, m.base.id);
      if (sent_ < cfg_.count) ctx.set_timer(cfg_.interval_s, Timer{kNext, arg(epoch_, 0)});
      break;
    }
    case kTimeout:
      for (auto& [id, p] : pending_) {
        if (p.seq != v) continue;
        if (p.attempts >= cfg_.max_attempts) {
          // The SDK gives up; the application is told the send failed.
          ctx.emit(Event{.kind = ev::Confirm, .msg = id, .peer = cfg_.service, .seq = static_cast<std::int64_t>(p.seq),
                         .flag = false});
          pending_.erase(id);
          return;
        }
        const double backoff = std::min(cfg_.max_backoff_s, cfg_.retry_backoff_s * std::pow(2.0, p.attempts - 1));
        ctx.set_timer(backoff, Timer{kRetry, arg(epoch_, id)});
        return;
      }
      break;
    case kRetry:
      if (pending_.count(v)) attempt(ctx, v);
      break;
    default: break;
  }
}

}  // namespace bs::lease
