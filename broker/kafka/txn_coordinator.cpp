// The transaction coordinator (Kafka, KIP-98; TransactionCoordinator and
// TransactionStateManager): one state per transactional.id, kept as records of its
// __transaction_state partition, so the partition's next leader takes over the
// transactions where the last one left them.
#include <algorithm>
#include <sstream>

#include "kafka/broker_timers.hpp"
#include "kafka/log_broker.hpp"
#include "kafka/offsets_topic.hpp"

namespace bs::kafka {
namespace {
const char* status_name(int s) {
  static const char* const names[] = {"Empty", "Ongoing", "PrepareCommit", "PrepareAbort", "CompleteCommit", "CompleteAbort"};
  return names[s];
}

std::string join_names(const std::vector<std::string>& v) {
  if (v.empty()) return "-";
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ",") + x;
  return s;
}

std::vector<std::string> split_names(const std::string& s) {
  std::vector<std::string> out;
  if (s == "-") return out;
  std::stringstream in(s);
  std::string x;
  while (std::getline(in, x, ',')) out.push_back(x);
  return out;
}

TopicPartition parse_tp(const std::string& name) {
  const auto slash = name.rfind('/');
  return TopicPartition{name.substr(0, slash), std::stoi(name.substr(slash + 1))};
}

template <class T>
void add_unique(std::vector<T>& v, const T& x) {
  if (std::find(v.begin(), v.end(), x) == v.end()) v.push_back(x);
}
}  // namespace

LogBroker::Replica* LogBroker::txn_partition(const std::string& tid) {
  if (cfg_.txn_partitions <= 0) return nullptr;
  return find(TopicPartition{std::string(kTxnStateTopic), offsets_partition_for(tid, cfg_.txn_partitions)});
}

void LogBroker::answer_find_txn_coordinator(Context& ctx, NodeId from, const FindTxnCoordinator& f) {
  FindTxnCoordinatorResponse resp{f.request_id, kNoNode};
  if (cfg_.txn_partitions > 0) {
    auto it = metadata_.find(TopicPartition{std::string(kTxnStateTopic), offsets_partition_for(f.transactional_id, cfg_.txn_partitions)});
    if (it != metadata_.end()) resp.coordinator = it->second.leader;
  }
  ctx.send(from, resp);
}

LogBroker::TxnMeta* LogBroker::txn_for(Context& ctx, NodeId from, const TxnIdentity& who, std::uint64_t request_id,
                                       const char* request, bool retry_ok) {
  Replica* r = txn_partition(who.transactional_id);
  if (!r || !r->leader(self_)) {
    ctx.send(from, TxnResponse{request_id, ErrorCode::NotCoordinator});
    return nullptr;
  }
  auto it = txns_.find(who.transactional_id);
  if (it == txns_.end() || it->second.producer_id != who.producer_id) {
    ctx.send(from, TxnResponse{request_id, ErrorCode::InvalidProducerIdMapping});
    return nullptr;
  }
  TxnMeta& t = it->second;
  // Kafka: a request from an older epoch comes from a fenced instance (a zombie).
  if (who.producer_epoch < t.epoch && !(retry_ok && who.producer_epoch == t.last_epoch)) {
    ctx.emit(Event{.kind = ev::TxnFenced, .peer = from, .queue = t.id, .tag = t.producer_id, .seq = who.producer_epoch,
                   .text = request});
    // KIP-360: the epoch a timeout abort replaced may still ask for a new one.
    ctx.send(from, TxnResponse{request_id, who.producer_epoch == t.expired_epoch ? ErrorCode::InvalidProducerEpoch
                                                                               : ErrorCode::ProducerFenced});
    return nullptr;
  }
  t.client = from;
  return &t;
}

void LogBroker::write_txn_state(Context& ctx, TxnMeta& t, TxnStatus status, NodeId reply_to, TxnResponse reply) {
  Replica* r = txn_partition(t.id);
  if (!r || !r->leader(self_)) return;
  if (status == TxnStatus::Ongoing && t.status != TxnStatus::Ongoing) t.started_at = ctx.now();
  // Adding partitions to an open transaction rewrites its record, not its state.
  const bool changed = status != t.status || status == TxnStatus::Empty;
  t.status = status;
  std::vector<std::string> tps;
  for (const auto& tp : t.partitions) tps.push_back(tp_name(tp));
  std::ostringstream text;
  text << "txn " << t.id << ' ' << t.producer_id << ' ' << t.epoch << ' ' << static_cast<int>(status) << ' ' << t.timeout_s
       << ' ' << t.started_at << ' ' << join_names(tps) << ' ' << join_names(t.groups);
  Message m;
  m.key = text.str();
  m.size_bytes = 16;
  t.state_offset = append_local(ctx, *r, StoredRecord{std::move(m), ctx.now(), r->state.leader_epoch, -1, 0, -1}, kNoNode);
  if (changed)
    ctx.emit(Event{.kind = ev::TxnState, .peer = t.client, .queue = t.id, .tag = t.producer_id, .seq = t.epoch,
                   .text = status_name(static_cast<int>(status))});
  if (reply_to != kNoNode) t.replies.push_back(TxnReply{t.state_offset, reply_to, reply});
  if ((status == TxnStatus::Ongoing || status == TxnStatus::PrepareCommit || status == TxnStatus::PrepareAbort) &&
      !txn_check_set_) {
    txn_check_set_ = true;
    ctx.set_timer(cfg_.txn_check_s, Timer{kTxnCheck, 0});
  }
  r->isr->leader_appended(r->log.log_end_offset());
  advance_high_watermark(ctx, *r);  // alone in the ISR: committed at once
  wake_fetches(ctx);
}

void LogBroker::end_txn(Context& ctx, TxnMeta& t, bool commit, NodeId reply_to, TxnResponse reply) {
  t.markers_pending = t.partitions;
  t.groups_pending = t.groups;
  t.markers_sent = false;
  write_txn_state(ctx, t, commit ? TxnStatus::PrepareCommit : TxnStatus::PrepareAbort, reply_to, reply);
}

void LogBroker::on_txn_state_committed(Context& ctx, Replica& r) {
  // Collect first: acting can append to this partition and land here again.
  std::vector<std::string> due;
  const std::int64_t hw = r.log.high_watermark();
  for (auto& [id, t] : txns_) {
    if (offsets_partition_for(id, cfg_.txn_partitions) != r.tp.partition) continue;
    if (t.state_offset >= 0 && t.state_offset < hw) due.push_back(id);
  }
  for (const auto& id : due) {
    auto it = txns_.find(id);
    if (it == txns_.end()) continue;
    TxnMeta& t = it->second;
    std::vector<TxnReply> keep;
    for (auto& rep : t.replies) {
      if (rep.offset < hw) ctx.send(rep.to, rep.resp);
      else keep.push_back(rep);
    }
    t.replies = std::move(keep);
    const bool prepared = t.status == TxnStatus::PrepareCommit || t.status == TxnStatus::PrepareAbort;
    if (prepared && !t.markers_sent && t.state_offset < hw) send_markers(ctx, t);
  }
}

void LogBroker::send_markers(Context& ctx, TxnMeta& t) {
  t.markers_sent = true;
  const bool commit = t.status == TxnStatus::PrepareCommit;
  if (t.markers_pending.empty() && t.groups_pending.empty()) {
    t.partitions.clear();
    t.groups.clear();
    write_txn_state(ctx, t, commit ? TxnStatus::CompleteCommit : TxnStatus::CompleteAbort);
    return;
  }
  auto leader_of = [&](const TopicPartition& tp) {
    auto it = metadata_.find(tp);
    return it == metadata_.end() ? kNoNode : it->second.leader;
  };
  std::map<NodeId, WriteTxnMarkers> per;
  auto request = [&](NodeId b) -> WriteTxnMarkers& {
    auto [it, fresh] = per.try_emplace(b);
    if (fresh) it->second = WriteTxnMarkers{TxnIdentity{t.id, t.producer_id, t.epoch}, commit, {}, {}, next_marker_request_++};
    return it->second;
  };
  for (const auto& tp : t.markers_pending)
    if (const NodeId l = leader_of(tp); l != kNoNode) request(l).partitions.push_back(tp);
  for (const auto& g : t.groups_pending) {
    if (cfg_.offsets_partitions > 0) {
      const TopicPartition otp{std::string(kOffsetsTopic), offsets_partition_for(g, cfg_.offsets_partitions)};
      if (const NodeId l = leader_of(otp); l != kNoNode) {
        add_unique(request(l).partitions, otp);
        request(l).groups.push_back(g);
      }
    } else {
      auto it = cfg_.group_coordinators.find(g);
      request(it == cfg_.group_coordinators.end() ? self_ : it->second).groups.push_back(g);
    }
  }
  // Unreachable leaders are asked again at the next check (kTxnCheck).
  for (auto& [b, m] : per) {
    if (b == self_) handle_write_markers(ctx, self_, m);
    else ctx.send(b, std::move(m));
  }
}

void LogBroker::handle_markers_response(Context& ctx, NodeId, const WriteTxnMarkersResponse& r) {
  auto it = txns_.find(r.who.transactional_id);
  if (it == txns_.end()) return;
  TxnMeta& t = it->second;
  const bool prepared = t.status == TxnStatus::PrepareCommit || t.status == TxnStatus::PrepareAbort;
  if (!prepared || t.epoch != r.who.producer_epoch || (t.status == TxnStatus::PrepareCommit) != r.commit) return;
  for (const auto& tp : r.written) std::erase(t.markers_pending, tp);
  for (const auto& g : r.groups) std::erase(t.groups_pending, g);
  if (t.markers_pending.empty() && t.groups_pending.empty()) {
    t.partitions.clear();
    t.groups.clear();
    write_txn_state(ctx, t, r.commit ? TxnStatus::CompleteCommit : TxnStatus::CompleteAbort);
  }
}

void LogBroker::handle_init_txn_producer_id(Context& ctx, NodeId from, const InitTxnProducerId& r) {
  Replica* rp = txn_partition(r.transactional_id);
  if (!rp || !rp->leader(self_)) {
    ctx.send(from, TxnResponse{r.request_id, ErrorCode::NotCoordinator});
    return;
  }
  auto [it, fresh] = txns_.try_emplace(r.transactional_id);
  TxnMeta& t = it->second;
  if (fresh) {
    t.id = r.transactional_id;
    t.producer_id = (static_cast<std::int64_t>(self_) << 32) | next_producer_id_++;
    t.epoch = -1;
  }
  // KIP-360: an instance recovering its own epoch after a timeout abort gets a new one;
  // any other older epoch belongs to an instance a newer one replaced.
  if (r.producer_id >= 0 && !fresh &&
      (r.producer_id != t.producer_id || (r.producer_epoch < t.epoch && r.producer_epoch != t.expired_epoch))) {
    ctx.emit(Event{.kind = ev::TxnFenced, .peer = from, .queue = t.id, .tag = r.producer_id, .seq = r.producer_epoch,
                   .text = "init_producer_id"});
    ctx.send(from, TxnResponse{r.request_id, ErrorCode::ProducerFenced});
    return;
  }
  t.timeout_s = r.transaction_timeout_s;
  t.client = from;
  switch (t.status) {
    case TxnStatus::Ongoing:
      // Kafka: the previous instance left a transaction open; bump the epoch (fencing
      // it) and abort that transaction. The new instance retries until it is complete.
      ++t.epoch;
      t.last_epoch = t.expired_epoch = -1;  // the old instance's requests count no more
      end_txn(ctx, t, false, kNoNode, {});
      ctx.send(from, TxnResponse{r.request_id, ErrorCode::ConcurrentTransactions});
      return;
    case TxnStatus::PrepareCommit:
    case TxnStatus::PrepareAbort:
      ctx.send(from, TxnResponse{r.request_id, ErrorCode::ConcurrentTransactions});
      return;
    default: break;
  }
  ++t.epoch;
  t.last_epoch = t.expired_epoch = -1;
  write_txn_state(ctx, t, TxnStatus::Empty, from, TxnResponse{r.request_id, ErrorCode::None, t.producer_id, t.epoch});
}

void LogBroker::handle_add_partitions(Context& ctx, NodeId from, const AddPartitionsToTxn& r) {
  TxnMeta* t = txn_for(ctx, from, r.who, r.request_id, "add_partitions_to_txn");
  if (!t) return;
  if (t->status == TxnStatus::PrepareCommit || t->status == TxnStatus::PrepareAbort) {
    ctx.send(from, TxnResponse{r.request_id, ErrorCode::ConcurrentTransactions});
    return;
  }
  const std::size_t before = t->partitions.size();
  if (t->status != TxnStatus::Ongoing) t->partitions.clear(), t->groups.clear();
  for (const auto& tp : r.partitions) add_unique(t->partitions, tp);
  if (t->status == TxnStatus::Ongoing && t->partitions.size() == before) {
    ctx.send(from, TxnResponse{r.request_id, ErrorCode::None});
    return;
  }
  write_txn_state(ctx, *t, TxnStatus::Ongoing, from, TxnResponse{r.request_id, ErrorCode::None});
}

void LogBroker::handle_add_offsets(Context& ctx, NodeId from, const AddOffsetsToTxn& r) {
  TxnMeta* t = txn_for(ctx, from, r.who, r.request_id, "add_offsets_to_txn");
  if (!t) return;
  if (t->status == TxnStatus::PrepareCommit || t->status == TxnStatus::PrepareAbort) {
    ctx.send(from, TxnResponse{r.request_id, ErrorCode::ConcurrentTransactions});
    return;
  }
  if (t->status != TxnStatus::Ongoing) t->partitions.clear(), t->groups.clear();
  if (t->status == TxnStatus::Ongoing && std::find(t->groups.begin(), t->groups.end(), r.group) != t->groups.end()) {
    ctx.send(from, TxnResponse{r.request_id, ErrorCode::None});
    return;
  }
  add_unique(t->groups, r.group);
  write_txn_state(ctx, *t, TxnStatus::Ongoing, from, TxnResponse{r.request_id, ErrorCode::None});
}

void LogBroker::handle_end_txn(Context& ctx, NodeId from, const EndTxn& r) {
  TxnMeta* t = txn_for(ctx, from, r.who, r.request_id, r.commit ? "commit_txn" : "abort_txn", true);
  if (!t) return;
  // A retry of the EndTxn that already bumped the epoch learns the outcome below.
  const bool retry = r.who.producer_epoch == t->last_epoch && t->status != TxnStatus::Ongoing;
  ErrorCode e = ErrorCode::None;
  switch (t->status) {
    case TxnStatus::Ongoing:
      if (r.who.producer_epoch != t->epoch) break;
      // Kafka 4.0 (KIP-890, transactions server-side defense): every transaction ends with
      // the epoch bumped, and its markers carry the new one, so a request of the ended
      // transaction still on its way (a produce, a TxnOffsetCommit) is fenced on arrival
      // instead of opening a transaction nobody will end.
      t->last_epoch = t->epoch++;
      end_txn(ctx, *t, r.commit, from, TxnResponse{r.request_id, ErrorCode::None, t->producer_id, t->epoch});
      return;
    case TxnStatus::PrepareCommit:
    case TxnStatus::PrepareAbort:
      e = (t->status == TxnStatus::PrepareCommit) == r.commit ? ErrorCode::ConcurrentTransactions : ErrorCode::InvalidTxnState;
      break;
    case TxnStatus::CompleteCommit: e = r.commit ? ErrorCode::None : ErrorCode::InvalidTxnState; break;
    case TxnStatus::CompleteAbort: e = r.commit ? ErrorCode::InvalidTxnState : ErrorCode::None; break;
    case TxnStatus::Empty: e = r.commit ? ErrorCode::InvalidTxnState : ErrorCode::None; break;
  }
  if (!retry && r.who.producer_epoch != t->epoch) e = ErrorCode::ProducerFenced;
  ctx.send(from, TxnResponse{r.request_id, e, t->producer_id, t->epoch});
}

void LogBroker::check_txn_timeouts(Context& ctx) {
  // What a new leader loaded may be committed already, with no high watermark move to
  // announce it: answer and send markers for it now.
  for (auto& [tp, r] : replicas_)
    if (r.txn_state && r.leader(self_)) on_txn_state_committed(ctx, r);
  std::vector<std::string> expired, resend;
  bool open = false;
  for (auto& [id, t] : txns_) {
    const Replica* r = txn_partition(id);
    if (!r || !r->leader(self_)) continue;
    if (t.status == TxnStatus::Ongoing) {
      open = true;
      if (ctx.now() - t.started_at >= t.timeout_s) expired.push_back(id);
    } else if (t.status == TxnStatus::PrepareCommit || t.status == TxnStatus::PrepareAbort) {
      open = true;
      if (t.markers_sent) resend.push_back(id);
    }
  }
  // Kafka: a transaction open past transaction.timeout.ms is aborted, with the epoch
  // bumped so that its producer, if it is still alive, is fenced.
  for (const auto& id : expired) {
    TxnMeta& t = txns_.at(id);
    t.expired_epoch = t.epoch++;
    t.last_epoch = -1;
    end_txn(ctx, t, false, kNoNode, {});
  }
  for (const auto& id : resend) send_markers(ctx, txns_.at(id));
  if (open && !txn_check_set_) {
    txn_check_set_ = true;
    ctx.set_timer(cfg_.txn_check_s, Timer{kTxnCheck, 0});
  }
}

void LogBroker::load_txns(Context& ctx, Replica& r) {
  unload_txns(r);
  // Records: "txn <id> <producer id> <epoch> <status> <timeout s> <started at> <partitions> <groups>".
  for (std::int64_t o = r.log.log_start_offset(); o < r.log.log_end_offset(); ++o) {
    std::istringstream in(r.log.at(o)->msg.key);
    std::string kind, id, tps, groups;
    TxnMeta t;
    int status = 0;
    in >> kind >> id >> t.producer_id >> t.epoch >> status >> t.timeout_s >> t.started_at >> tps >> groups;
    if (kind != "txn" || !in) continue;
    t.id = id;
    t.status = static_cast<TxnStatus>(status);
    for (const auto& n : split_names(tps)) t.partitions.push_back(parse_tp(n));
    t.groups = split_names(groups);
    t.state_offset = o;
    // A prepared transaction resumes sending its markers to every partition.
    t.markers_pending = t.partitions;
    t.groups_pending = t.groups;
    t.client = kNoNode;
    txns_[id] = std::move(t);
  }
  // Producer ids this coordinator hands out must not collide with loaded ones.
  for (const auto& [id, t] : txns_)
    if ((t.producer_id >> 32) == static_cast<std::int64_t>(self_))
      next_producer_id_ = std::max(next_producer_id_, (t.producer_id & 0xffffffff) + 1);
  if (!txns_.empty() && !txn_check_set_) {
    txn_check_set_ = true;
    ctx.set_timer(cfg_.txn_check_s, Timer{kTxnCheck, 0});
  }
}

void LogBroker::unload_txns(Replica& r) {
  std::erase_if(txns_, [&](const auto& kv) { return offsets_partition_for(kv.first, cfg_.txn_partitions) == r.tp.partition; });
}

}  // namespace bs::kafka
