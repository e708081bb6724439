#include "kafka/consumer.hpp"

#include <algorithm>

namespace bs::kafka {
namespace {
enum TimerKind : std::uint32_t {
  kStart = 1, kWorkDone, kHeartbeat, kAutoCommit, kSeek, kFetchTimeout, kStop, kMetadataTimeout, kMetadataRetry
};
constexpr std::size_t kNone = static_cast<std::size_t>(-1);
}  // namespace

Consumer::Consumer(ConsumerConfig cfg) : cfg_(std::move(cfg)), bootstrap_(cfg_.bootstrap, cfg_.bootstrap_names) {
  if (cfg_.bootstrap.empty()) coordinator_ = cfg_.broker;
}

void Consumer::ask_metadata(Context& ctx) {
  metadata_id_ = ++metadata_seq_;
  ctx.send(bootstrap_.current(), MetadataRequest{cfg_.topics, cfg_.group, metadata_id_});
  ctx.set_timer(cfg_.request_timeout_s, Timer{kMetadataTimeout, metadata_id_});
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
  fetch_inflight_ = false;
  since_commit_ = 0;
  ++epoch_;
  ++fetch_id_;
}

void Consumer::on_start(Context& ctx) {
  reset_volatile();
  metadata_id_ = 0;
  // A restarted client bootstraps again, from the top of its list.
  coordinator_ = bootstrap_.size() == 0 ? cfg_.broker : kNoNode;
  bootstrap_.restart();
  if (stopped_) return;
  ctx.set_timer(std::max(0.0, cfg_.start_s - ctx.now()), Timer{kStart, 0});
  if (cfg_.stop_s >= 0) ctx.set_timer(std::max(0.0, cfg_.stop_s - ctx.now()), Timer{kStop, 0});
  for (std::size_t i = 0; i < cfg_.seeks.size(); ++i)
    if (cfg_.seeks[i].at_s >= ctx.now()) ctx.set_timer(cfg_.seeks[i].at_s - ctx.now(), Timer{kSeek, i});
}

void Consumer::join(Context& ctx) {
  member_ = true;
  ctx.send(coordinator_, JoinGroup{cfg_.group, cfg_.topics, cfg_.session_timeout_s});
}

void Consumer::on_packet(Context& ctx, NodeId, const Packet& p) {
  if (stopped_) return;
  if (auto* m = p.as<MetadataResponse>()) {
    if (m->request_id != metadata_id_ || m->request_id == 0 || m->coordinator == kNoNode) return;
    metadata_id_ = 0;
    coordinator_ = m->coordinator;
    join(ctx);
    return;
  }
  if (auto* r = p.as<FetchResponse>()) return on_fetch_response(ctx, *r);
  if (auto* a = p.as<Assignment>()) return on_assignment(ctx, *a);
  if (p.as<UnknownMember>()) {
    // Evicted (or the coordinator restarted): our partitions may already be someone
    // else's. Forget them and rejoin.
    const std::uint64_t f = fetch_id_;
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
  if (!member_ || a.generation <= generation_) return;
  if (busy_) {
    waiting_ = a;
    assignment_waiting_ = true;
    return;
  }
  assignment_waiting_ = false;
  // What we processed in the partitions we are about to lose (or keep: the eager
  // protocol revokes everything) is committed first, as onPartitionsRevoked does.
  if (cfg_.commit != CommitMode::BeforeProcessing) commit(ctx, false);
  generation_ = a.generation;
  owned_.clear();
  for (const auto& tp : a.partitions) owned_.push_back(Owned{tp, tp_name(tp)});
  refetch(ctx);
}

void Consumer::maybe_fetch(Context& ctx) {
  if (!member_ || stopped_ || fetch_inflight_ || owned_.empty() || buffer_.size() >= cfg_.max_records) return;
  FetchRequest r;
  r.group = cfg_.group;
  r.generation = generation_;
  r.fetch_id = ++fetch_id_;
  for (const auto& o : owned_) r.partitions.push_back(FetchPartition{o.tp, o.position});
  r.max_records = cfg_.max_records - static_cast<std::uint32_t>(buffer_.size());
  r.max_bytes = cfg_.max_bytes;
  r.max_wait_s = cfg_.max_wait_s;
  r.reset_earliest = cfg_.reset_earliest;
  fetch_inflight_ = true;
  ctx.send(coordinator_, std::move(r));
  // A response lost with a dead link must not stall us forever.
  ctx.set_timer(cfg_.max_wait_s + cfg_.session_timeout_s, Timer{kFetchTimeout, fetch_id_});
}

void Consumer::on_fetch_response(Context& ctx, const FetchResponse& r) {
  if (r.fetch_id != fetch_id_) return;  // superseded by a seek or a rebalance
  fetch_inflight_ = false;
  bool got = false;
  for (const auto& d : r.parts) {
    const std::size_t i = find_owned(d.tp);
    if (i == kNone) continue;
    Owned& o = owned_[i];
    // Nothing of this partition waits to be processed: the processed position follows
    // the fetch offset (it moves on an auto.offset.reset, or is learned from the
    // committed offset on the first fetch).
    if (o.processed < 0 || o.processed == o.position) o.processed = d.fetch_offset;
    o.position = d.fetch_offset + static_cast<std::int64_t>(d.records.size());
    for (std::size_t k = 0; k < d.records.size(); ++k)
      buffer_.push_back(Buffered{i, d.fetch_offset + static_cast<std::int64_t>(k), epoch_, o.name, d.records[k]});
    got |= !d.records.empty();
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
  while (!busy_ && !buffer_.empty()) {
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
  fetch_inflight_ = false;
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

void Consumer::on_timer(Context& ctx, const Timer& t) {
  if (stopped_) return;
  switch (t.kind) {
    case kStart:
      if (coordinator_ == kNoNode) ask_metadata(ctx);  // join once the metadata names the coordinator
      else join(ctx);
      ctx.set_timer(cfg_.heartbeat_s, Timer{kHeartbeat, 0});
      if (cfg_.commit == CommitMode::Auto) ctx.set_timer(cfg_.auto_commit_interval_s, Timer{kAutoCommit, 0});
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
      if (member_) ctx.send(coordinator_, Heartbeat{cfg_.group, generation_});
      // Commits of the last few records should not wait for more traffic.
      if (cfg_.commit == CommitMode::AfterProcessing && !busy_ && buffer_.empty() && since_commit_ > 0) commit(ctx, false);
      ctx.set_timer(cfg_.heartbeat_s, Timer{kHeartbeat, 0});
      break;
    case kAutoCommit:
      commit(ctx, false);
      ctx.set_timer(cfg_.auto_commit_interval_s, Timer{kAutoCommit, 0});
      break;
    case kFetchTimeout:
      if (fetch_inflight_ && t.arg == fetch_id_) {
        fetch_inflight_ = false;
        maybe_fetch(ctx);
      }
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
        ctx.send(coordinator_, std::move(l));
      }
      break;
    }
    case kStop:
      if (cfg_.commit != CommitMode::BeforeProcessing) commit(ctx, false);
      if (member_) ctx.send(coordinator_, LeaveGroup{cfg_.group});
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
      if (coordinator_ == kNoNode && metadata_id_ == 0) ask_metadata(ctx);
      break;
    default: break;
  }
}

void Consumer::on_crash(Context&) { reset_volatile(); }

}  // namespace bs::kafka
