#include "kafka/consumer.hpp"

#include <algorithm>

namespace bs::kafka {
namespace {
enum TimerKind : std::uint32_t {
  kStart = 1, kWorkDone, kHeartbeat, kAutoCommit, kSeek, kFetchTimeout, kStop, kMetadataTimeout, kMetadataRetry,
  kFetchRetry, kHeartbeatTimeout, kOffsetFetchTimeout, kOffsetFetchRetry
};
constexpr std::size_t kNone = static_cast<std::size_t>(-1);
/// Internal position: waiting for the coordinator's OffsetFetch answer.
constexpr std::int64_t kAwaitingOffset = -3;
}  // namespace

Consumer::Consumer(ConsumerConfig cfg) : cfg_(std::move(cfg)), bootstrap_(cfg_.bootstrap, cfg_.bootstrap_names) {
  if (cfg_.bootstrap.empty()) coordinator_ = cfg_.broker;
  if (!cfg_.transform.topic.empty())
    txn_ = std::make_unique<TxnClient>(cfg_.transform, cfg_.broker, cfg_.bootstrap,
                                       [this](const TopicPartition& tp) { return leader_of(tp); });
}

void Consumer::ask_metadata(Context& ctx) {
  metadata_id_ = ++metadata_seq_;
  std::vector<std::string> topics = cfg_.topics;
  if (txn_) topics.push_back(cfg_.transform.topic);
  ctx.send(bootstrap_.current(), MetadataRequest{std::move(topics), cfg_.group, metadata_id_});
  ctx.set_timer(cfg_.request_timeout_s, Timer{kMetadataTimeout, metadata_id_});
}

NodeId Consumer::leader_of(const TopicPartition& tp) const {
  if (bootstrap_.size() == 0) return cfg_.broker;
  auto it = leaders_.find(tp);
  return it == leaders_.end() ? kNoNode : it->second;
}

std::string Consumer::broker_label(NodeId id) const {
  for (std::size_t i = 0; i < cfg_.bootstrap.size() && i < cfg_.bootstrap_names.size(); ++i)
    if (cfg_.bootstrap[i] == id) return cfg_.bootstrap_names[i];
  return "#" + std::to_string(id);
}

void Consumer::lose_coordinator(Context& ctx, const std::string& reason) {
  if (coordinator_ == kNoNode || bootstrap_.size() == 0) return;
  const NodeId left = coordinator_;
  coordinator_ = kNoNode;
  ++coordinator_gen_;
  offset_fetch_id_ = 0;
  rejoin_pending_ = true;
  // As BrokerList::advance: the broker left, the one asked next, the reason. When the
  // coordinator is the bootstrap broker asked for metadata, move along the list too.
  if (bootstrap_.current() == left) {
    bootstrap_.advance(ctx, reason);
  } else if (ctx.tracing()) {
    ctx.emit(Event{.kind = ev::Failover, .peer = bootstrap_.current(), .queue = broker_label(left),
                   .seq = static_cast<std::int64_t>(++coordinator_failovers_), .text = reason});
  }
  // Partitions waiting for their committed offset wait for the new coordinator's
  // assignment, which asks it again.
  if (metadata_id_ == 0) ask_metadata(ctx);
}

void Consumer::lose_leader(Context& ctx, const TopicPartition& tp) {
  if (bootstrap_.size() == 0) return;  // one broker: nothing else to ask
  leaders_[tp] = kNoNode;
  leaders_stale_ = true;
  if (metadata_id_ == 0) ask_metadata(ctx);
}

std::vector<TopicPartition> Consumer::owned() const {
  std::vector<TopicPartition> out;
  for (const auto& o : owned_) out.push_back(o.tp);
  return out;
}

std::size_t Consumer::find_owned(const TopicPartition& tp) const {
  for (std::size_t i = 0; i < owned_.size(); ++i)
    if (owned_[i].tp == tp) return i;
  return kNone;
}

std::int64_t Consumer::processed_position(const TopicPartition& tp) const {
  const std::size_t i = find_owned(tp);
  return i == kNone ? -1 : owned_[i].processed;
}

void Consumer::reset_volatile() {
  assignment_waiting_ = false;
  member_ = false;
  generation_ = 0;
  owned_.clear();
  buffer_.clear();
  busy_ = false;
  fetching_.clear();
  rejoin_pending_ = false;
  offset_fetch_id_ = 0;
  since_commit_ = 0;
  ++epoch_;
  ++fetch_id_;
}

void Consumer::on_start(Context& ctx) {
  reset_volatile();
  metadata_id_ = 0;
  // A restarted client bootstraps again, from the top of its list.
  coordinator_ = bootstrap_.size() == 0 ? cfg_.broker : kNoNode;
  leaders_.clear();
  leaders_stale_ = false;
  ++coordinator_gen_;
  bootstrap_.restart();
  if (stopped_) return;
  ctx.set_timer(std::max(0.0, cfg_.start_s - ctx.now()), Timer{kStart, 0});
  if (cfg_.stop_s >= 0) ctx.set_timer(std::max(0.0, cfg_.stop_s - ctx.now()), Timer{kStop, 0});
  for (std::size_t i = 0; i < cfg_.seeks.size(); ++i)
    if (cfg_.seeks[i].at_s >= ctx.now()) ctx.set_timer(cfg_.seeks[i].at_s - ctx.now(), Timer{kSeek, i});
}

void Consumer::join(Context& ctx) {
  if (coordinator_ == kNoNode) return;
  member_ = true;
  ctx.send(coordinator_, JoinGroup{cfg_.group, cfg_.topics, cfg_.session_timeout_s});
}

void Consumer::on_packet(Context& ctx, NodeId from, const Packet& p) {
  if (stopped_) return;
  if (txn_ && (p.is<TxnResponse>() || p.is<FindTxnCoordinatorResponse>() || p.is<ProduceResponse>()))
    return on_txn_outcome(ctx, txn_->on_packet(ctx, from, p));
  if (auto* m = p.as<MetadataResponse>()) {
    if (m->request_id != metadata_id_ || m->request_id == 0) return;
    metadata_id_ = 0;
    bool leaderless = false;
    for (const auto& pm : m->partitions) {
      if (std::find(cfg_.topics.begin(), cfg_.topics.end(), pm.tp.topic) == cfg_.topics.end() &&
          !(txn_ && pm.tp.topic == cfg_.transform.topic))
        continue;
      leaders_[pm.tp] = pm.leader;
    }
    for (const auto& o : owned_) leaderless |= leader_of(o.tp) == kNoNode;
    leaders_stale_ = leaderless;
    if (coordinator_ == kNoNode && m->coordinator != kNoNode) {
      coordinator_ = m->coordinator;
      join(ctx);
    }
    // Still missing something (no coordinator, an offline partition): ask again later.
    if (coordinator_ == kNoNode || leaders_stale_) ctx.set_timer(cfg_.reconnect_s, Timer{kMetadataRetry, 0});
    // Fetch from the new leaders after reconnect.backoff.ms.
    ctx.set_timer(cfg_.reconnect_s, Timer{kFetchRetry, 0});
    return;
  }
  if (auto* e = p.as<CoordinatorError>()) {
    if (e->group == cfg_.group && from == coordinator_) lose_coordinator(ctx, std::string(error_name(e->error)));
    return;
  }
  if (auto* h = p.as<HeartbeatResponse>()) {
    if (h->group != cfg_.group || from != coordinator_) return;
    if (h->error == ErrorCode::NotCoordinator || h->error == ErrorCode::CoordinatorNotAvailable)
      return lose_coordinator(ctx, std::string(error_name(h->error)));
    heartbeat_acked_ = heartbeat_sent_;
    return;
  }
  if (auto* o = p.as<OffsetFetchResponse>()) return on_offset_fetch(ctx, *o);
  if (auto* r = p.as<FetchResponse>()) return on_fetch_response(ctx, *r);
  if (auto* a = p.as<Assignment>()) return on_assignment(ctx, *a);
  if (p.as<UnknownMember>()) {
    // Evicted (or the coordinator restarted): our partitions may already be someone
    // else's. Forget them and rejoin (an application's open transaction is aborted).
    if (txn_ && txn_->open()) on_txn_outcome(ctx, txn_->abort(ctx));
    const std::uint64_t f = fetch_id_;
    heartbeat_acked_ = heartbeat_sent_;  // the coordinator is alive: it answered
    reset_volatile();
    fetch_id_ = f + 1;
    join(ctx);
    return;
  }
  if (auto* l = p.as<ListOffsetsResponse>()) {
    if (l->request_id != list_request_) return;
    for (const auto& o : l->offsets) {
      const std::size_t i = find_owned(o.tp);
      if (i != kNone && (pending_seek_part_ < 0 || static_cast<std::size_t>(pending_seek_part_) == i)) seek(ctx, i, o.offset);
    }
    process_ready(ctx);
  }
}

void Consumer::on_assignment(Context& ctx, const Assignment& a) {
  // After a coordinator move the new coordinator's generation is taken as it is.
  if (!member_ || (a.generation <= generation_ && !rejoin_pending_)) return;
  rejoin_pending_ = false;
  if (busy_ || (txn_ && txn_->busy())) {
    waiting_ = a;
    assignment_waiting_ = true;
    return;
  }
  assignment_waiting_ = false;
  // What we processed in the partitions we are about to lose (or keep: the eager
  // protocol revokes everything) is committed first, as onPartitionsRevoked does; an
  // application's open transaction is aborted instead (its partitions start over from the
  // committed offsets).
  if (txn_) {
    if (txn_->open()) txn_->abort(ctx);
  } else if (cfg_.commit != CommitMode::BeforeProcessing) {
    commit(ctx, false);
  }
  generation_ = a.generation;
  owned_.clear();
  for (const auto& tp : a.partitions) owned_.push_back(Owned{tp, tp_name(tp)});
  start_from_committed(ctx);
}

void Consumer::start_from_committed(Context& ctx) {
  for (auto& o : owned_) {
    o.position = kCommittedOffset;
    o.processed = o.committed_sent = -1;
    o.retry_at = -1;
  }
  // In a cluster a partition led by another broker than the coordinator starts at the
  // offset the coordinator returns (OffsetFetch); the coordinator's own partitions (and
  // all of them with one broker) are fetched from kCommittedOffset, resolved there.
  OffsetFetch of{cfg_.group, {}, 0};
  if (bootstrap_.size() != 0)
    for (auto& o : owned_)
      if (leader_of(o.tp) != coordinator_) {
        o.position = kAwaitingOffset;
        of.partitions.push_back(o.tp);
      }
  if (!of.partitions.empty() && coordinator_ != kNoNode) {
    of.request_id = offset_fetch_id_ = ++list_request_;
    ctx.set_timer(cfg_.request_timeout_s, Timer{kOffsetFetchTimeout, offset_fetch_id_});
    ctx.send(coordinator_, std::move(of));
  }
  refetch(ctx);
}

void Consumer::on_offset_fetch(Context& ctx, const OffsetFetchResponse& r) {
  if (r.group != cfg_.group || r.request_id != offset_fetch_id_ || offset_fetch_id_ == 0) return;
  offset_fetch_id_ = 0;
  for (const auto& f : r.offsets) {
    const std::size_t i = find_owned(f.tp);
    // -1: no committed offset; the leader applies auto.offset.reset.
    if (i != kNone && owned_[i].position == kAwaitingOffset) owned_[i].position = f.offset < 0 ? -1 : f.offset;
  }
  if (!r.unstable.empty() && coordinator_ != kNoNode) {
    // KIP-447: a transaction is about to change these offsets: ask again shortly.
    OffsetFetch again{cfg_.group, r.unstable, ++list_request_};
    offset_fetch_id_ = again.request_id;
    ctx.set_timer(cfg_.reconnect_s, Timer{kOffsetFetchRetry, offset_fetch_id_});
    pending_offset_fetch_ = std::move(again);
  }
  maybe_fetch(ctx);
}

void Consumer::maybe_fetch(Context& ctx) {
  if (!member_ || stopped_ || owned_.empty() || buffer_.size() >= cfg_.max_records) return;
  // One fetch in flight per leader, with the partitions it leads (Kafka's Fetcher).
  std::map<NodeId, std::vector<FetchPartition>> by_leader;
  for (const auto& o : owned_) {
    const NodeId leader = leader_of(o.tp);
    if (leader == kNoNode || o.position == kAwaitingOffset || fetching_.count(leader) || o.retry_at > ctx.now()) continue;
    by_leader[leader].push_back(FetchPartition{o.tp, o.position});
  }
  for (auto& [leader, parts] : by_leader) {
    FetchRequest r;
    r.group = cfg_.group;
    r.generation = generation_;
    r.fetch_id = ++fetch_id_;
    r.partitions = std::move(parts);
    r.max_records = cfg_.max_records - static_cast<std::uint32_t>(buffer_.size());
    r.max_bytes = cfg_.max_bytes;
    r.max_wait_s = cfg_.max_wait_s;
    r.reset_earliest = cfg_.reset_earliest;
    r.read_committed = cfg_.read_committed;
    fetching_[leader] = r.fetch_id;
    ctx.send(leader, std::move(r));
    // A response lost with a dead link must not stall us forever; in a cluster an
    // unanswered fetch means the leader may be gone (request.timeout.ms).
    const double wait = bootstrap_.size() == 0 ? cfg_.session_timeout_s : cfg_.request_timeout_s;
    ctx.set_timer(cfg_.max_wait_s + wait, Timer{kFetchTimeout, fetch_id_});
  }
}

void Consumer::on_fetch_response(Context& ctx, const FetchResponse& r) {
  auto f = std::find_if(fetching_.begin(), fetching_.end(), [&](const auto& x) { return x.second == r.fetch_id; });
  if (f == fetching_.end()) return;  // superseded by a seek or a rebalance, or timed out
  fetching_.erase(f);
  bool got = false;
  for (const auto& d : r.parts) {
    const std::size_t i = find_owned(d.tp);
    if (i == kNone) continue;
    Owned& o = owned_[i];
    if (d.error == ErrorCode::UnstableOffsetCommit) {
      o.retry_at = ctx.now() + cfg_.reconnect_s;
      ctx.set_timer(cfg_.reconnect_s, Timer{kFetchRetry, 0});
      continue;
    }
    if (d.error != ErrorCode::None) {
      // NOT_LEADER_OR_FOLLOWER (or another partition error): ask who leads it now.
      lose_leader(ctx, d.tp);
      continue;
    }
    // Nothing of this partition waits to be processed: the processed position follows
    // the fetch offset (it moves on an auto.offset.reset, or is learned from the
    // committed offset on the first fetch).
    const bool idle = o.processed < 0 || o.processed == o.position;
    if (idle) o.processed = d.fetch_offset;
    o.position = d.fetch_offset + static_cast<std::int64_t>(d.records.size());
    const std::size_t before = buffer_.size();
    buffer_records(i, d);
    // Only markers or aborted records: nothing to process, the position moves on.
    if (idle && buffer_.size() == before) o.processed = o.position;
    got |= buffer_.size() != before;
  }
  // At-most-once: the position is saved before the records are processed.
  if (got && cfg_.commit == CommitMode::BeforeProcessing) commit(ctx, true);
  process_ready(ctx);
  maybe_fetch(ctx);
}

double Consumer::processing_time(Context& ctx, const Message& m) {
  for (const auto& s : cfg_.slow)
    if ((!s.key.empty() && s.key == m.key) || (s.msg != 0 && s.msg == m.id)) return s.processing_s;
  return cfg_.processing.draw(ctx.rng());
}

void Consumer::process_ready(Context& ctx) {
  while (!busy_ && !transform_waits() && !buffer_.empty()) {
    Buffered b = std::move(buffer_.front());
    buffer_.pop_front();
    const double t = processing_time(ctx, b.msg);
    if (t <= 0) {
      finish(ctx, b);  // instantaneous work needs no timer (the benchmark's hot path)
      continue;
    }
    busy_ = true;
    current_ = std::move(b);
    ctx.set_timer(t, Timer{kWorkDone, ++work_gen_});
  }
  maybe_fetch(ctx);
}

void Consumer::finish(Context& ctx, const Buffered& b) {
  // An application's output for a record whose partition was rewound (an abort, a
  // rebalance) is dropped with its transaction: nothing happened.
  if (txn_) return transform(ctx, b);
  // The side effect happens whether or not the partition is still ours: a record
  // processed after its partition moved is processed twice.
  ctx.emit(Event{.kind = ev::Process, .msg = b.msg.id, .peer = b.msg.producer,
                 .queue = b.partition, .tag = b.offset, .seq = b.offset,
                 .text = cfg_.group});
  if (b.epoch != epoch_) return;
  owned_[b.part].processed = b.offset + 1;
  if (cfg_.commit == CommitMode::AfterProcessing && ++since_commit_ >= cfg_.commit_every) commit(ctx, false);
}

void Consumer::commit(Context& ctx, bool positions) {
  if (txn_) return commit_transform(ctx);
  if (coordinator_ == kNoNode) return;  // no coordinator to commit to: the positions wait
  OffsetCommit c{cfg_.group, generation_, {}};
  for (auto& o : owned_) {
    const std::int64_t off = positions ? o.position : o.processed;
    if (off < 0 || off == o.committed_sent) continue;
    c.offsets.push_back(FetchPartition{o.tp, off});
    o.committed_sent = off;
  }
  since_commit_ = 0;
  if (!c.offsets.empty()) ctx.send(coordinator_, std::move(c));
}

void Consumer::refetch(Context& ctx) {
  // Buffered records and a fetch in flight belong to the old positions: forget them.
  buffer_.clear();
  ++epoch_;
  ++fetch_id_;
  fetching_.clear();
  since_commit_ = 0;
  maybe_fetch(ctx);
}

void Consumer::seek(Context& ctx, std::size_t i, std::int64_t offset) {
  Owned& o = owned_[i];
  // from = where processing stood; unknown (nothing fetched yet) means nothing skipped.
  ctx.emit(Event{.kind = ev::OffsetReset, .peer = ctx.self(), .queue = o.name, .tag = offset,
                 .seq = o.processed < 0 ? offset : o.processed, .text = cfg_.group});
  o.position = offset;
  o.processed = offset;
  // Records already fetched for this partition are stale now; drop all buffered records
  // and refetch (the others resume where they were: their positions are rewound).
  for (auto& other : owned_)
    for (const auto& b : buffer_)
      if (&other != &o && &owned_[b.part] == &other && b.offset < other.position) other.position = b.offset;
  refetch(ctx);
}

void Consumer::begin(Context& ctx) {
  if (coordinator_ == kNoNode) ask_metadata(ctx);  // join once the metadata names the coordinator
  else join(ctx);
  ctx.set_timer(cfg_.heartbeat_s, Timer{kHeartbeat, 0});
  if (cfg_.commit == CommitMode::Auto) ctx.set_timer(cfg_.auto_commit_interval_s, Timer{kAutoCommit, 0});
}

void Consumer::on_timer(Context& ctx, const Timer& t) {
  if (stopped_) return;
  if (txn_ && t.kind >= TxnClient::kTimerBase) return on_txn_outcome(ctx, txn_->on_timer(ctx, t));
  switch (t.kind) {
    case kStart:
      // A transactional application calls initTransactions() before it polls.
      if (txn_) on_txn_outcome(ctx, txn_->start(ctx));
      else begin(ctx);
      break;
    case kOffsetFetchRetry:
      if (t.arg == offset_fetch_id_ && offset_fetch_id_ != 0 && coordinator_ != kNoNode) {
        ctx.set_timer(cfg_.request_timeout_s, Timer{kOffsetFetchTimeout, offset_fetch_id_});
        ctx.send(coordinator_, pending_offset_fetch_);
      }
      break;
    case kWorkDone:
      if (busy_ && t.arg == work_gen_) {
        busy_ = false;
        const Buffered b = std::move(current_);
        // A record finished after a rebalance belongs to an older epoch: still processed.
        finish(ctx, b);
        if (assignment_waiting_) {
          const Assignment a = waiting_;
          on_assignment(ctx, a);
        }
        process_ready(ctx);
      }
      break;
    case kHeartbeat:
      if (member_ && coordinator_ != kNoNode) {
        ctx.send(coordinator_, Heartbeat{cfg_.group, generation_});
        ++heartbeat_sent_;
        // A coordinator that answers heartbeats and then falls silent is gone.
        if (bootstrap_.size() != 0)
          ctx.set_timer(cfg_.request_timeout_s, Timer{kHeartbeatTimeout, (coordinator_gen_ << 32) | (heartbeat_sent_ & 0xffffffffu)});
      }
      // Commits of the last few records should not wait for more traffic.
      if (cfg_.commit == CommitMode::AfterProcessing && !busy_ && buffer_.empty() && since_commit_ > 0 &&
          !transform_waits())
        commit(ctx, false);
      ctx.set_timer(cfg_.heartbeat_s, Timer{kHeartbeat, 0});
      break;
    case kAutoCommit:
      commit(ctx, false);
      ctx.set_timer(cfg_.auto_commit_interval_s, Timer{kAutoCommit, 0});
      break;
    case kFetchTimeout: {
      auto f = std::find_if(fetching_.begin(), fetching_.end(), [&](const auto& x) { return x.second == t.arg; });
      if (f == fetching_.end()) break;
      const NodeId leader = f->first;
      fetching_.erase(f);
      if (bootstrap_.size() != 0)
        for (const auto& o : owned_)
          if (leader_of(o.tp) == leader) lose_leader(ctx, o.tp);
      maybe_fetch(ctx);
      break;
    }
    case kFetchRetry: maybe_fetch(ctx); break;
    case kHeartbeatTimeout:
      if ((t.arg >> 32) != (coordinator_gen_ & 0xffffffffu)) break;
      if ((heartbeat_acked_ & 0xffffffffu) < (t.arg & 0xffffffffu)) lose_coordinator(ctx, "request_timeout");
      break;
    case kOffsetFetchTimeout:
      if (t.arg == offset_fetch_id_ && offset_fetch_id_ != 0) lose_coordinator(ctx, "request_timeout");
      break;
    case kSeek: {
      if (t.arg >= cfg_.seeks.size() || owned_.empty()) break;
      const SeekSpec& s = cfg_.seeks[t.arg];
      std::vector<std::size_t> parts;
      for (std::size_t i = 0; i < owned_.size(); ++i)
        if (s.topic.empty() || (owned_[i].tp.topic == s.topic && owned_[i].tp.partition == s.partition)) parts.push_back(i);
      if (parts.empty()) break;
      if (s.to_offset >= 0) {
        for (std::size_t i : parts) seek(ctx, i, s.to_offset);
        process_ready(ctx);
      } else {
        ListOffsets l;
        for (std::size_t i : parts) l.partitions.push_back(owned_[i].tp);
        l.timestamp_s = s.to_timestamp_s >= 0 ? s.to_timestamp_s : std::max(0.0, ctx.now() - s.back_s);
        l.request_id = ++list_request_;
        pending_seek_part_ = parts.size() == 1 && !s.topic.empty() ? static_cast<std::int64_t>(parts[0]) : -1;
        // ListOffsets goes to each partition's leader.
        std::map<NodeId, ListOffsets> per;
        for (const auto& tp : l.partitions)
          if (const NodeId ld = leader_of(tp); ld != kNoNode) {
            auto& x = per.try_emplace(ld, ListOffsets{{}, l.timestamp_s, l.request_id}).first->second;
            x.partitions.push_back(tp);
          }
        for (auto& [ld, x] : per) ctx.send(ld, std::move(x));
      }
      break;
    }
    case kStop:
      if (txn_) {
        if (txn_->open()) txn_->abort(ctx);  // close(): what is not committed is aborted
      } else if (cfg_.commit != CommitMode::BeforeProcessing) {
        commit(ctx, false);
      }
      if (member_ && coordinator_ != kNoNode) ctx.send(coordinator_, LeaveGroup{cfg_.group});
      reset_volatile();
      stopped_ = true;
      break;
    case kMetadataTimeout:
      if (t.arg != metadata_id_) break;  // answered, or superseded
      metadata_id_ = 0;
      bootstrap_.advance(ctx, "request_timeout");
      ctx.set_timer(cfg_.reconnect_s, Timer{kMetadataRetry, 0});
      break;
    case kMetadataRetry:
      if (metadata_id_ == 0 && (coordinator_ == kNoNode || leaders_stale_)) ask_metadata(ctx);
      break;
    default: break;
  }
}

void Consumer::on_crash(Context&) {
  reset_volatile();
  if (txn_) txn_->crash();
}

}  // namespace bs::kafka
