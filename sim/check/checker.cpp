#include "check/checker.hpp"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "check/histogram.hpp"

namespace bs {
namespace {

/// Inverted pairs in a processing order, counted as items arrive. Positions below the
/// scope's low watermark can no longer be inverted with anything still to come, so they
/// are pruned: memory follows the messages in flight, not the run's length.
class InversionCounter {
 public:
  std::uint64_t add(std::int64_t pos) {
    std::uint64_t inv = 0;
    for (auto it = seen_.upper_bound(pos); it != seen_.end(); ++it) ++inv;
    seen_.insert(pos);
    return inv;
  }
  void prune_below(std::int64_t watermark) { seen_.erase(seen_.begin(), seen_.lower_bound(watermark)); }

 private:
  std::multiset<std::int64_t> seen_;
};

enum class CopyState : std::uint8_t { Queued, Unacked, Held, Settled, Done, Lost, Discarded };

struct Copy {
  std::string scope;      // queue (queue model) or consumer group (log model)
  std::string order_scope;  // queue or partition, for ordering
  std::int64_t position = -1;
  CopyState state = CopyState::Queued;
  NodeId holder = kNoNode;
  std::uint32_t processed = 0;
  bool skipped = false;
  bool finished() const {
    return state == CopyState::Settled || state == CopyState::Done || state == CopyState::Lost ||
           state == CopyState::Discarded;
  }
};

struct MsgState {
  double published_at = -1;
  bool confirm_mode = false;
  bool confirmed = false;
  bool enqueued = false;
  std::vector<Copy> copies;
};

struct OrderScope {
  std::set<std::int64_t> live;  // positions enqueued and not yet finished
  InversionCounter global;
  std::map<NodeId, InversionCounter> per_consumer;
  std::int64_t last_watermark = -1;
};

}  // namespace

struct Checker::Impl {
  std::vector<std::string> names;
  std::unordered_map<MsgId, MsgState> msgs;
  std::map<std::string, OrderScope> orders;
  std::map<std::string, std::vector<bool>> finished_ids;  // per scope: copies already settled
  std::map<NodeId, std::set<MsgId>> held;                 // auto-ack deliveries not yet processed
  std::set<NodeId> down;                                  // nodes crashed and not restarted
  Totals t;
  LogHistogram latency;
  double first_publish = -1, last_process = -1;
  std::uint64_t lost_msgs = 0;

  ConsumerTotals& consumer(NodeId id) { return t.consumers[id < names.size() ? names[id] : "?"]; }

  Copy* find_copy(MsgState& m, const std::string& scope, std::int64_t position = -1) {
    Copy* fallback = nullptr;
    for (auto& c : m.copies) {
      if (c.scope != scope && c.order_scope != scope) continue;
      if (position >= 0 && c.position == position) return &c;
      if (!fallback || (fallback->finished() && !c.finished())) fallback = &c;
    }
    return fallback;
  }

  bool was_finished(const std::string& scope, MsgId id) const {
    auto it = finished_ids.find(scope);
    return it != finished_ids.end() && id < it->second.size() && it->second[id];
  }

  void mark_finished(const std::string& scope, MsgId id) {
    auto& v = finished_ids[scope];
    if (v.size() <= id) v.resize(std::max<std::size_t>(id + 1, v.size() * 2), false);
    v[id] = true;
  }

  void finish_copy(MsgId id, MsgState& m, Copy& c) {
    auto oit = orders.find(c.order_scope);
    if (oit != orders.end() && c.position >= 0) {
      auto& o = oit->second;
      o.live.erase(c.position);
      const std::int64_t wm = o.live.empty() ? INT64_MAX : *o.live.begin();
      if (wm != o.last_watermark) {
        o.last_watermark = wm;
        o.global.prune_below(wm);
        for (auto& [n, ic] : o.per_consumer) ic.prune_below(wm);
      }
    }
    if (c.state != CopyState::Lost && c.state != CopyState::Discarded) mark_finished(c.scope, id);
    (void)m;
  }

  bool accepted(const MsgState& m) const { return m.confirm_mode ? m.confirmed : m.enqueued; }

  // Drop the state of a message whose every copy is settled and whose confirm (if any)
  // arrived; fold what it contributes to the totals first.
  void maybe_retire(MsgId id) {
    auto it = msgs.find(id);
    if (it == msgs.end()) return;
    MsgState& m = it->second;
    if (m.copies.empty()) return;
    for (const auto& c : m.copies)
      if (!c.finished()) return;
    if (m.confirm_mode && !m.confirmed) return;
    if (is_lost(m)) ++lost_msgs, count_lost_queues(m);
    msgs.erase(it);
  }

  bool is_lost(const MsgState& m) const {
    if (!accepted(m)) return false;
    for (const auto& c : m.copies)
      if (c.state == CopyState::Lost && c.processed == 0 && !c.skipped) return true;
    return false;
  }
  void count_lost_queues(const MsgState& m) {
    for (const auto& c : m.copies)
      if (c.state == CopyState::Lost && c.processed == 0 && !c.skipped) ++t.queues[c.order_scope].lost;
  }

  void on_enqueue(const Event& e, const std::string& order_scope, const std::string& scope) {
    MsgState& m = msgs[e.msg];
    if (!m.enqueued) ++t.routed;
    m.enqueued = true;
    Copy c;
    c.scope = scope;
    c.order_scope = order_scope;
    c.position = e.seq;
    m.copies.push_back(c);
    ++t.queues[order_scope].routed;
    if (e.seq >= 0) orders[order_scope].live.insert(e.seq);
  }

  void on_process(const Event& e) {
    ++t.processed;
    ConsumerTotals& ct = consumer(e.node);
    ++ct.processed;
    if (ct.order.size() < 10000) ct.order.push_back(e.msg);
    const std::string scope = e.text.empty() ? e.queue : e.text;  // log model: the consumer group
    auto it = msgs.find(e.msg);
    if (it == msgs.end()) {
      // The message was settled and retired already: this is a repeat processing.
      if (was_finished(scope, e.msg)) ++t.duplicates, ++ct.duplicates;
      return;
    }
    MsgState& m = it->second;
    Copy* c = find_copy(m, scope, e.seq);
    if (!c) return;
    const bool first = c->processed == 0 && !c->skipped;
    ++c->processed;
    if (!first) {
      ++t.duplicates;
      ++ct.duplicates;
    } else {
      last_process = e.t;
      if (m.published_at >= 0) latency.add((e.t - m.published_at) * 1000.0);
      ++t.queues[c->order_scope].processed;
    }
    if (c->position >= 0) {
      auto& o = orders[c->order_scope];
      const std::uint64_t inv = o.per_consumer[e.node].add(c->position);
      ct.reordered += inv;
      t.reordered += inv;
      if (first) {
        const std::uint64_t ginv = o.global.add(c->position);
        t.queues[c->order_scope].reordered += ginv;
        t.reordered_across_consumers += ginv;
      }
    }
    if (c->state == CopyState::Held) {
      held[c->holder].erase(e.msg);
      c->state = CopyState::Done;
      finish_copy(e.msg, m, *c);
      maybe_retire(e.msg);
    } else if (c->state == CopyState::Lost || c->state == CopyState::Settled) {
      maybe_retire(e.msg);
    }
  }

  void on_crash(const Event& e) {
    auto it = held.find(e.node);
    if (it == held.end()) return;
    std::vector<MsgId> ids(it->second.begin(), it->second.end());
    held.erase(it);
    for (MsgId id : ids) {
      auto mit = msgs.find(id);
      if (mit == msgs.end()) continue;
      for (auto& c : mit->second.copies)
        if (c.state == CopyState::Held && c.holder == e.node) {
          c.state = CopyState::Lost;
          finish_copy(id, mit->second, c);
        }
      maybe_retire(id);
    }
  }

  void on_event(const Event& e) {
    t.end_t = std::max(t.end_t, e.t);
    switch (e.kind) {
      case EventKind::Publish: {
        ++t.published;
        MsgState& m = msgs[e.msg];
        if (m.published_at < 0) m.published_at = e.t;
        m.confirm_mode = e.seq >= 0;
        if (first_publish < 0) first_publish = e.t;
        break;
      }
      case EventKind::Enqueue: on_enqueue(e, e.queue, e.queue); break;
      case EventKind::Unroutable: ++t.unroutable; break;
      case EventKind::Returned: ++t.returned; break;
      case EventKind::Confirm: {
        if (!e.flag) break;
        auto it = msgs.find(e.msg);
        if (it == msgs.end() || it->second.confirmed) break;
        ++t.confirmed;
        it->second.confirmed = true;
        maybe_retire(e.msg);
        break;
      }
      case EventKind::Deliver: {
        ++t.delivered;
        ConsumerTotals& ct = consumer(e.peer);
        ++ct.delivered;
        if (e.flag) ++t.redelivered, ++ct.redelivered;
        auto it = msgs.find(e.msg);
        if (it == msgs.end()) break;
        Copy* c = find_copy(it->second, e.queue, e.seq);
        if (!c) break;
        c->holder = e.peer;
        if (e.text == "auto_ack" && down.count(e.peer)) {
          // Pushed to a consumer that already died (the broker has not noticed yet):
          // with auto-ack nobody keeps a copy.
          c->state = CopyState::Lost;
          finish_copy(e.msg, it->second, *c);
          maybe_retire(e.msg);
        } else if (e.text == "auto_ack") {
          c->state = CopyState::Held;  // the broker forgot it: only the consumer has it now
          held[e.peer].insert(e.msg);
        } else {
          c->state = CopyState::Unacked;
        }
        break;
      }
      case EventKind::Process: on_process(e); break;
      case EventKind::DuplicateSkipped: {
        ++t.duplicates_skipped;
        ++consumer(e.node).duplicates_skipped;
        auto it = msgs.find(e.msg);
        if (it == msgs.end()) break;
        if (Copy* c = find_copy(it->second, e.text.empty() ? e.queue : e.text)) c->skipped = true;
        break;
      }
      case EventKind::Ack: {
        ++t.acked;
        auto it = msgs.find(e.msg);
        if (it == msgs.end()) break;
        Copy* c = find_copy(it->second, e.queue);
        if (!c || c->finished()) break;
        c->state = CopyState::Settled;
        finish_copy(e.msg, it->second, *c);
        maybe_retire(e.msg);
        break;
      }
      case EventKind::Nack: ++t.nacked; break;
      case EventKind::Requeue: {
        ++t.requeued;
        auto it = msgs.find(e.msg);
        if (it == msgs.end()) break;
        if (Copy* c = find_copy(it->second, e.queue, e.seq)) c->state = CopyState::Queued;
        break;
      }
      case EventKind::DeadLetter:
      case EventKind::Drop: {
        if (e.kind == EventKind::DeadLetter) ++t.dead_lettered;
        if (e.text == "stale_ack") break;  // an ack nobody could use, not a message
        if (e.kind == EventKind::Drop) ++t.dropped;
        auto it = msgs.find(e.msg);
        if (it == msgs.end()) break;
        Copy* c = find_copy(it->second, e.queue);
        if (!c || c->finished()) break;
        const bool crash = e.text == "broker_crash";
        c->state = crash ? CopyState::Lost : CopyState::Discarded;
        finish_copy(e.msg, it->second, *c);
        maybe_retire(e.msg);
        break;
      }
      case EventKind::Crash:
        down.insert(e.node);
        on_crash(e);
        break;
      case EventKind::Restart: down.erase(e.node); break;
      default: break;
    }
  }
};

Checker::Checker(std::vector<std::string> node_names) : impl_(std::make_unique<Impl>()) {
  impl_->names = std::move(node_names);
}
Checker::~Checker() = default;

void Checker::on_event(const Event& e) { impl_->on_event(e); }

Totals Checker::totals() const {
  Totals t = impl_->t;
  t.lost = impl_->lost_msgs;
  for (const auto& [id, m] : impl_->msgs) {
    if (impl_->is_lost(m)) {
      ++t.lost;
      for (const auto& c : m.copies)
        if (c.state == CopyState::Lost && c.processed == 0 && !c.skipped) ++t.queues[c.order_scope].lost;
    }
    for (const auto& c : m.copies)
      if (!c.finished() && c.processed == 0 && !c.skipped) {
        ++t.pending;
        break;
      }
  }
  t.latency_p50_ms = impl_->latency.quantile(0.50);
  t.latency_p95_ms = impl_->latency.quantile(0.95);
  t.latency_p99_ms = impl_->latency.quantile(0.99);
  t.latency_max_ms = impl_->latency.max();
  const double span = impl_->last_process - impl_->first_publish;
  std::uint64_t first_processings = 0;
  for (const auto& [q, qt] : t.queues) first_processings += qt.processed;
  t.throughput_per_s = span > 0 ? static_cast<double>(first_processings) / span : 0;
  return t;
}

}  // namespace bs
