#include "check/ledger.hpp"

#include <cstdlib>

namespace bs::check {

void Ledger::vanish_in_flight(NodeId node) {
  for (auto it = in_flight.begin(); it != in_flight.end();) {
    auto m = msgs.find(*it);
    if (m != msgs.end() && (m->second.producer == node || m->second.broker == node)) {
      m->second.vanished = true;
      touched.push_back(*it);
      it = in_flight.erase(it);
    } else {
      ++it;
    }
  }
}

void Ledger::maybe_retire(MsgId id) {
  auto it = msgs.find(id);
  if (it == msgs.end()) return;
  MsgState& m = it->second;
  if (m.copies.empty() || m.rpart) return;
  for (const auto& c : m.copies)
    if (!c.finished()) return;
  if (m.confirm_mode && !m.confirmed) return;
  note_lost(id, m);
  if (m.lost_flag) ++lost_msgs, count_lost_queues(m, t);
  if (auto c = queue_loss_cause.find(id); c != queue_loss_cause.end()) {
    if (m.lost_flag) ++retired_lost_by_cause[c->second];
    queue_loss_cause.erase(c);
  }
  msgs.erase(it);
}

namespace {
// Old element address -> new element address, for two maps with the same keys.
template <class M>
std::unordered_map<const typename M::mapped_type*, typename M::mapped_type*> remap(const M& from, M& to) {
  std::unordered_map<const typename M::mapped_type*, typename M::mapped_type*> out;
  out.reserve(from.size());
  auto it = to.begin();
  for (const auto& [k, v] : from) out.emplace(&v, &(it++)->second);
  return out;
}
template <class P, class R>
void repoint(P*& p, const R& r) {
  if (p) p = r.at(p);
}
}  // namespace

void Ledger::rebase(const Ledger& from) {
  const auto scopes = remap(from.orders, orders);
  const auto parts = remap(from.partitions, partitions);
  const auto queue_totals = remap(from.t.queues, t.queues);
  for (auto& [id, m] : msgs) {
    repoint(m.rpart, parts);
    for (auto& c : m.copies) repoint(c.order, scopes);
  }
  for (auto& [name, p] : partitions) {
    for (auto*& o : p.orders) repoint(o, scopes);
    repoint(p.totals, queue_totals);
  }
}

PartitionState& Ledger::partition_state(const std::string& name) {
  auto it = partitions.find(name);
  if (it != partitions.end()) return it->second;
  PartitionState& p = partitions[name];
  const auto slash = name.rfind('/');
  auto git = topic_groups.find(name.substr(0, slash == std::string::npos ? name.size() : slash));
  if (git != topic_groups.end()) p.groups = git->second;
  for (const auto& g : p.groups) p.orders.push_back(&orders[g + "|" + name]);
  p.next.assign(p.groups.size(), 0);
  p.totals = &t.queues[name];
  p.name = name;
  auto rit = topic_replicas.find(name.substr(0, slash == std::string::npos ? name.size() : slash));
  if (rit != topic_replicas.end()) {
    p.replicated = rit->second.replication_factor > 1;
    p.min_insync = rit->second.min_insync_replicas;
    // The partition as created: its first replica leads, every replica is in sync.
    const std::size_t idx = slash == std::string::npos ? 0 : std::strtoul(name.c_str() + slash + 1, nullptr, 10);
    if (idx < rit->second.replicas_csv.size() && !rit->second.replicas_csv[idx].empty()) {
      p.isr_text = rit->second.replicas_csv[idx];
      p.isr = parse_isr(p.isr_text, names);
      p.isr_known = !p.isr.empty();
      if (p.isr_known) {
        p.leader = p.isr.front();
        p.leader_known = true;
        p.leader_epoch = 0;
        set_owner(p, p.leader);
      }
    }
  }
  return p;
}

void Ledger::on_process(const Event& e) {
  ++t.processed;
  ConsumerTotals& ct = consumer(e.node);
  ++ct.processed;
  if (ct.order.size() < 10000) ct.order.push_back(e.msg);
  note_txn_read(e, ct);
  const bool log = !group(e).empty();
  const std::string& scope = log ? group(e) : queue_name(e);  // a copy per queue, or per consumer group
  auto it = msgs.find(e.msg);
  if (it == msgs.end()) {
    // The message was settled and retired already: this is a repeat processing.
    if (was_finished(scope, e.msg)) ++t.duplicates, ++ct.duplicates, verdict.duplicate = true;
    return;
  }
  MsgState& m = it->second;
  Copy* c = log ? find_copy(m, scope, offset(e)) : held_copy(m, scope, e.node, delivery_tag(e));
  if (!c) return;
  // A second copy of a republished message processed in the same queue is a duplicate.
  // So is a message stored again after an earlier copy here was settled and forgotten (a
  // send retried after SQS FIFO's deduplication interval).
  const bool first = c->processed == 0 && !c->skipped && !sibling_handled(m, *c, false) && !(!c->log && was_finished(scope, e.msg));
  ++c->processed;
  if (!first) {
    ++t.duplicates;
    ++ct.duplicates;
    verdict.duplicate = true;
  } else {
    last_process = e.t;
    if (m.published_at >= 0) {
      verdict.latency_ms = (e.t - m.published_at) * 1000.0;
      latency.add(verdict.latency_ms);
    }
    ++t.queues[c->order_scope].processed;
  }
  if (c->position >= 0 && c->order && (!c->log || first)) {
    // Log model: a re-read (rebalance, seek) is not a reordering; only first readings count.
    auto& o = *c->order;
    const std::uint64_t inv = o.per_consumer[e.node].add(c->position);
    verdict.reordered = inv > 0;
    ct.reordered += inv;
    t.reordered += inv;
    if (first) {
      const std::uint64_t ginv = o.global.add(c->position);
      t.queues[c->order_scope].reordered += ginv;
      t.reordered_across_consumers += ginv;
    }
  }
  if (c->log && first) {
    PartitionState& p = partition_state(c->order_scope);
    const std::size_t g = p.index_of(scope);
    if (g < p.next.size()) p.next[g] = std::max(p.next[g], c->position + 1);
    t.reordered_across_partitions += group_order[scope].add(e.msg);
    if (!m.key.empty()) {
      MsgId& high = key_high[scope + "|" + m.key];
      if (e.msg < high) ++t.reordered_per_key;  // a later record of this key went first
      high = std::max(high, e.msg);
    }
  }
  if (!c->log && first && !m.key.empty()) {
    // A queue whose messages have groups (lease model): order is promised per group.
    MsgId& high = key_high[scope + "|" + m.key];
    if (e.msg < high) ++t.reordered_per_key;
    high = std::max(high, e.msg);
  }
  if (c->state == CopyState::Passed) {
    c->state = CopyState::Settled;  // committed past it, but processed after all
    finish_copy(e.msg, m, *c);
    maybe_retire(e.msg);
  } else if (c->state == CopyState::Held) {
    held[c->holder].erase(e.msg);
    c->state = CopyState::Done;
    finish_copy(e.msg, m, *c);
    maybe_retire(e.msg);
  } else if (c->state == CopyState::Lost || c->state == CopyState::Settled) {
    maybe_retire(e.msg);
  }
}

void Ledger::on_crash(const Event& e) {
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
    touched.push_back(id);
    maybe_retire(id);
  }
}

void Ledger::on_publish(const Event& e) {
  if (auto u = unpublished.find(e.msg); u != unpublished.end()) {
    --t.unpublished;
    --store(u->second).unpublished;
    unpublished.erase(u);
  }
  MsgState& m = msgs[e.msg];
  m.confirm_mode = publish_seq(e) >= 0;
  if (const std::int64_t src = field::integer<"source">(e); src > 0) {
    source_of[e.msg] = static_cast<MsgId>(src);
    t.transforms = true;
  }
  if (m.published_at >= 0) {
    ++t.retries;  // a producer retry re-sends the same id: one message, one more send
    return;
  }
  // An id sent again after its first copy was settled and forgotten (an outbox relay
  // restarting): one message, one more send, followed as a new copy from here.
  if (id_flag(e.msg) & kEverPublished) ++t.retries;
  else ++t.published;
  set_id_flag(e.msg, kEverPublished);
  m.published_at = e.t;
  m.producer = e.node;
  m.broker = e.peer;
  if (first_publish < 0) first_publish = e.t;
  if (m.confirm_mode) return;  // the producer will know from the missing confirm
  if (down.count(e.peer)) m.vanished = true;  // sent to a dead broker: nobody answers
  else in_flight.insert(e.msg);
}

// The core's rules: what every model's producers, consumers and nodes do.
void Ledger::on_confirm(const Event& e) {
  if (!field::flag<"ack">(e)) return;  // a nack: the broker refused it
  auto it = msgs.find(e.msg);
  if (it == msgs.end() || it->second.confirmed) return;
  if (!(id_flag(e.msg) & kEverConfirmed)) ++t.confirmed;
  set_id_flag(e.msg, kEverConfirmed);
  it->second.confirmed = true;
  maybe_retire(e.msg);
}

void Ledger::on_crash_event(const Event& e) {
  down.insert(e.node);
  effects_on_crash(e.node);
  xa_on_crash(e.node);
  on_crash(e);
  vanish_in_flight(e.node);
  update_availability_all(e.t);
}

void Ledger::on_restart(const Event& e) {
  down.erase(e.node);
  // A mirrored queue waiting for its leader's node has it back.
  std::vector<std::string> back;
  for (const auto& [q, l] : leaderless)
    if (l.leader == e.node) back.push_back(q);
  for (const auto& q : back) end_leaderless(q, e.t);
  update_availability_all(e.t);
}

}  // namespace bs::check
