// A producing service's database: the dual write's state change, and the transactional
// outbox's relay (microservices.io, "Transactional outbox").
#include "amqp/producer.hpp"

namespace bs::amqp {

void Producer::on_store_packet(Context& ctx, const Packet& p) {
  if (const auto* ok = p.as<store::StoreWriteOk>()) {
    // The dual write: the state change committed, now the publish.
    auto it = state_pending_.find(ok->request);
    if (it == state_pending_.end()) return;
    AmqpMessage m = std::move(it->second);
    state_pending_.erase(it);
    if (cfg_.recovery && !connected_) orphans_.push_back(std::move(m));  // published on the next connection, if retrying
    else publish(ctx, std::move(m));
  } else if (const auto* rows = p.as<store::OutboxRows>()) {
    relay_rows(ctx, *rows);
  }
}

void Producer::relay_poll(Context& ctx) {
  if (fetch_sent_at_ >= 0 && ctx.now() - fetch_sent_at_ < cfg_.store_timeout_s) return;  // the last read is still out
  fetch_sent_at_ = ctx.now();
  ctx.send(cfg_.store, store::OutboxFetch{++fetch_request_});
}

void Producer::relay_rows(Context& ctx, const store::OutboxRows& rows) {
  if (rows.request != fetch_request_) return;
  fetch_sent_at_ = -1;
  // A row no longer listed was marked sent: forget it. One published too long ago without
  // a confirm (its broker died, the frame was lost) goes out again.
  const double give_up = cfg_.retry_s >= 0 ? cfg_.retry_s : 1.0;
  std::map<MsgId, double> still;
  for (const auto& r : rows.rows)
    if (auto it = relayed_.find(r.msg); it != relayed_.end() && ctx.now() - it->second < give_up) still.insert(*it);
  relayed_ = std::move(still);
  if ((cfg_.recovery && !connected_) || blocked_) return;  // the next read tries again
  for (const auto& r : rows.rows) {
    if (relayed_.count(r.msg)) continue;
    relayed_[r.msg] = ctx.now();
    AmqpMessage m = make_message(ctx, r.msg, 0);
    m.key = r.key;
    m.published_at = r.created_at;
    publish(ctx, std::move(m));
  }
}

}  // namespace bs::amqp
