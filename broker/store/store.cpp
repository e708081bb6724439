#include "store/store.hpp"

namespace bs::store {
namespace {
constexpr std::uint32_t kCommitted = 1;
}  // namespace

void Store::on_start(Context&) {
  queue_.clear();
  committing_ = false;
}

void Store::on_crash(Context&) {
  queue_.clear();
  committing_ = false;
  ++generation_;
}

void Store::on_packet(Context& ctx, NodeId from, const Packet& p) {
  if (const auto* w = p.as<StoreWrite>()) {
    queue_.push_back(Pending{from, *w});
    commit_next(ctx);
  }
}

void Store::commit_next(Context& ctx) {
  if (committing_ || queue_.empty()) return;
  committing_ = true;
  ctx.compute(0, cfg_.commit_s, Timer{kCommitted, generation_});
}

void Store::on_timer(Context& ctx, const Timer& t) {
  if (t.kind != kCommitted || t.arg != generation_ || !committing_ || queue_.empty()) return;
  committing_ = false;
  const Pending p = queue_.front();
  queue_.pop_front();
  const StoreWrite& w = p.w;
  const auto request = static_cast<std::int64_t>(w.request);
  if (w.check_id && processed_ids_.count(w.msg)) {
    ctx.send(p.from, StoreWriteOk{w.request, w.msg, true});
  } else {
    if (w.record_id) processed_ids_.insert(w.msg);
    if (w.effect) {
      ++effects_applied_;
      ctx.emit(Event{.kind = ev::Effect, .msg = w.msg, .peer = p.from, .tag = request, .flag = w.record_id});
    } else if (w.record_id) {
      ctx.emit(Event{.kind = ev::IdRecorded, .msg = w.msg, .peer = p.from, .tag = request});
    }
    ctx.send(p.from, StoreWriteOk{w.request, w.msg, false});
  }
  commit_next(ctx);
}

}  // namespace bs::store
