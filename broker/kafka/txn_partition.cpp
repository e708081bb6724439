// A partition leader's and a group coordinator's side of transactions (KIP-98): commit
// and abort markers, and offsets committed inside a transaction.
#include <algorithm>

#include "kafka/log_broker.hpp"
#include "kafka/offsets_topic.hpp"

namespace bs::kafka {

void LogBroker::append_marker(Context& ctx, Replica& r, NodeId coordinator, const TxnIdentity& who, bool commit) {
  // A resent WriteTxnMarkers finds its marker already written: write nothing twice.
  const TxnIndex::Marker last = r.txns.last_marker(who.producer_id);
  if (!r.txns.open(who.producer_id) && last.epoch == who.producer_epoch && last.committed == commit) return;
  StoredRecord rec{Message{}, ctx.now(), r.state.leader_epoch, who.producer_id, who.producer_epoch, -1, false,
                   static_cast<std::int8_t>(commit ? 1 : 2)};
  const std::int64_t offset = append_local(ctx, r, std::move(rec), kNoNode);
  if (!r.internal)
    ctx.emit(Event{.kind = ev::TxnMarker, .peer = coordinator, .queue = r.name, .tag = offset, .seq = who.producer_id,
                   .flag = commit, .text = who.transactional_id});
  r.isr->leader_appended(r.log.log_end_offset());
  advance_high_watermark(ctx, r);
}

void LogBroker::handle_write_markers(Context& ctx, NodeId from, const WriteTxnMarkers& m) {
  WriteTxnMarkersResponse resp{m.who, m.commit, {}, {}};
  bool appended = false;
  for (const auto& tp : m.partitions) {
    Replica* r = find(tp);
    if (!r || !r->leader(self_)) continue;
    append_marker(ctx, *r, from, m.who, m.commit);
    appended = true;
    // Kafka appends markers with acks=all: the coordinator hears of a marker once it is
    // replicated; until then its periodic resend finds it written and asks again.
    const bool replicated = r->txns.last_marker(m.who.producer_id).offset < r->log.high_watermark();
    if (replicated) resp.written.push_back(tp);
    if (r->internal && !r->txn_state)
      for (const auto& g : m.groups)
        if (offsets_partition_for(g, cfg_.offsets_partitions) == tp.partition) {
          settle_txn_offsets(ctx, group(g), m.who, m.commit);
          if (replicated) resp.groups.push_back(g);
        }
  }
  if (cfg_.offsets_partitions <= 0)
    for (const auto& g : m.groups)
      if (coordinates(g)) {
        settle_txn_offsets(ctx, group(g), m.who, m.commit);
        resp.groups.push_back(g);
      }
  if (appended) wake_fetches(ctx);
  if (from == self_) handle_markers_response(ctx, self_, resp);
  else ctx.send(from, std::move(resp));
}

bool LogBroker::unstable_offset(const std::string& name, const TopicPartition& tp) const {
  for (const auto& g : groups_)
    if (g.name == name)
      for (const auto& [pid, p] : g.pending_txn)
        if (p.offsets.count(tp)) return true;
  return false;
}

void LogBroker::handle_txn_offset_commit(Context& ctx, NodeId from, const TxnOffsetCommit& c) {
  if (!coordinates(c.group)) {
    ctx.send(from, TxnResponse{c.request_id, ErrorCode::NotCoordinator});
    return;
  }
  Group& g = group(c.group);
  auto& newest = g.txn_epochs[c.who.producer_id];
  if (c.who.producer_epoch < newest) {
    ctx.emit(Event{.kind = ev::TxnFenced, .peer = from, .queue = g.name, .tag = c.who.producer_id,
                   .seq = c.who.producer_epoch, .text = "txn_offset_commit"});
    ctx.send(from, TxnResponse{c.request_id, ErrorCode::ProducerFenced});
    return;
  }
  newest = c.who.producer_epoch;
  // KIP-447: offsets from a member of an older generation are refused (its partitions
  // may be someone else's already); its transaction must abort.
  if (c.generation != g.generation || !g.members.count(from)) {
    ctx.send(from, TxnResponse{c.request_id, ErrorCode::IllegalGeneration});
    return;
  }
  Replica* log = offsets_partition(g.name);
  if (cfg_.offsets_partitions > 0 && (!log || !log->leader(self_))) {
    ctx.send(from, TxnResponse{c.request_id, ErrorCode::NotCoordinator});
    return;
  }
  auto& p = g.pending_txn[c.who.producer_id];
  p.member = from;
  p.generation = c.generation;
  p.epoch = c.who.producer_epoch;
  for (const auto& o : c.offsets) {
    p.offsets[o.tp] = o.offset;
    store_group_record(ctx, g.name,
                       "txncommit " + g.name + " " + std::to_string(c.who.producer_id) + " " + std::to_string(from) + " " +
                           std::to_string(c.generation) + " " + tp_name(o.tp) + " " + std::to_string(o.offset),
                       &c.who);
  }
  if (!log) {  // no __consumer_offsets (no controllers): the coordinator's memory is the record
    ctx.send(from, TxnResponse{c.request_id, ErrorCode::None});
    return;
  }
  offset_replies_[log->tp].push_back(TxnReply{log->log.log_end_offset() - 1, from, TxnResponse{c.request_id, ErrorCode::None}});
  flush_offset_replies(ctx, *log);
}

void LogBroker::flush_offset_replies(Context& ctx, Replica& r) {
  auto it = offset_replies_.find(r.tp);
  if (it == offset_replies_.end()) return;
  std::vector<TxnReply> keep;
  for (auto& rep : it->second) {
    if (rep.offset < r.log.high_watermark()) ctx.send(rep.to, rep.resp);
    else keep.push_back(std::move(rep));
  }
  it->second = std::move(keep);
}

void LogBroker::settle_txn_offsets(Context& ctx, Group& g, const TxnIdentity& who, bool commit) {
  auto& newest = g.txn_epochs[who.producer_id];
  newest = std::max(newest, who.producer_epoch);
  auto it = g.pending_txn.find(who.producer_id);
  if (it == g.pending_txn.end()) return;
  if (commit)
    for (const auto& [tp, off] : it->second.offsets) {
      g.committed[tp] = off;
      ctx.emit(Event{.kind = ev::Commit, .peer = it->second.member, .queue = tp_name(tp), .tag = off,
                     .seq = it->second.generation, .text = g.name});
    }
  g.pending_txn.erase(it);
}

}  // namespace bs::kafka
