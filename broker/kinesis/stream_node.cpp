#include "kinesis/stream_node.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace bs::kinesis {
namespace {
constexpr std::uint32_t kReshard = 1;    // arg: stream index
constexpr std::uint32_t kRetention = 2;
constexpr std::uint64_t kMaxRecordsBytes = 10ull << 20;  // GetRecords returns at most 10 MiB per call
}  // namespace

std::string_view iterator_type_name(IteratorType t) {
  switch (t) {
    case IteratorType::TrimHorizon: return "TRIM_HORIZON";
    case IteratorType::Latest: return "LATEST";
    case IteratorType::AtSequenceNumber: return "AT_SEQUENCE_NUMBER";
    case IteratorType::AfterSequenceNumber: return "AFTER_SEQUENCE_NUMBER";
    case IteratorType::AtTimestamp: return "AT_TIMESTAMP";
  }
  return "";
}

std::string partition_name(const std::string& stream, std::int32_t shard) {
  std::string s = stream;
  s.push_back('/');
  s.append(std::to_string(shard));
  return s;
}

StreamNode::StreamNode(StreamNodeConfig cfg) : cfg_(std::move(cfg)) {
  for (const auto& sc : cfg_.streams) {
    streams_.push_back(Stream{sc, ShardMap(sc.shards), {}, 0});
    for (std::int32_t i = 0; i < sc.shards; ++i) add_shard_state(streams_.back());
  }
}

void StreamNode::add_shard_state(Stream& s) {
  kafka::LogConfig lc;
  lc.segment_s = 60;  // trimming works on whole minutes of records
  lc.retention_s = s.cfg.retention_s;
  s.shards.push_back(ShardState{kafka::PartitionLog(lc)});
}

StreamNode::Stream& StreamNode::stream(const std::string& name) {
  for (auto& s : streams_)
    if (s.cfg.name == name) return s;
  throw std::logic_error("unknown stream " + name);  // the loader checked every name
}

const ShardMap* StreamNode::shard_map(const std::string& name) const {
  for (const auto& s : streams_)
    if (s.cfg.name == name) return &s.map;
  return nullptr;
}

const kafka::PartitionLog& StreamNode::log(const std::string& name, std::int32_t shard) const {
  for (const auto& s : streams_)
    if (s.cfg.name == name) return s.shards.at(static_cast<std::size_t>(shard)).log;
  throw std::logic_error("unknown stream " + name);
}

void StreamNode::on_start(Context& ctx) {
  if (!started_) {
    started_ = true;
    // CreateStream: the shards and their hash key ranges, for the trace's readers.
    for (const auto& s : streams_)
      for (const Shard& sh : s.map.shards())
        ctx.emit(Event{.kind = ev::ShardCreated, .queue = partition_name(s.cfg.name, sh.index),
                       .text = to_string(sh.starting_hash_key) + ".." + to_string(sh.ending_hash_key)});
  }
  arm_resharding(ctx);
  ctx.set_timer(cfg_.retention_check_s, Timer{kRetention, 0});
  // After a restart: the subscriptions' timers were lost with the crash.
  for (auto& [id, sub] : subscriptions_) {
    sub.push_armed = false;
    ctx.set_timer(std::max(0.0, sub.started + streams_[sub.stream].cfg.subscription_s - ctx.now()), Timer{kExpireTimer, id});
  }
  for (auto it = subscriptions_.begin(); it != subscriptions_.end();) push(ctx, (it++)->first);
}

void StreamNode::arm_resharding(Context& ctx) {
  for (std::size_t i = 0; i < streams_.size(); ++i) {
    const Stream& s = streams_[i];
    if (s.next_action < s.cfg.resharding.size())
      ctx.set_timer(std::max(0.0, s.cfg.resharding[s.next_action].at_s - ctx.now()), Timer{kReshard, i});
  }
}

void StreamNode::on_timer(Context& ctx, const Timer& t) {
  if (t.kind == kReshard) {
    Stream& s = streams_.at(t.arg);
    // Every action due now (a restart may find several overdue).
    while (s.next_action < s.cfg.resharding.size() && s.cfg.resharding[s.next_action].at_s <= ctx.now() + 1e-12)
      reshard(ctx, s, s.cfg.resharding[s.next_action++]);
    if (s.next_action < s.cfg.resharding.size())
      ctx.set_timer(s.cfg.resharding[s.next_action].at_s - ctx.now(), Timer{kReshard, t.arg});
  } else if (t.kind == kRetention) {
    for (auto& s : streams_)
      for (std::size_t i = 0; i < s.shards.size(); ++i)
        for (const auto& d : s.shards[i].log.apply_retention(ctx.now()))
          ctx.emit(Event{.kind = ev::SegmentDelete, .queue = partition_name(s.cfg.name, static_cast<std::int32_t>(i)),
                         .tag = d.base_offset, .seq = d.next_offset, .text = "retention_period_hours"});
    ctx.set_timer(cfg_.retention_check_s, Timer{kRetention, 0});
  } else if (t.kind == kPushTimer) {
    auto it = subscriptions_.find(t.arg);
    if (it == subscriptions_.end()) return;
    it->second.push_armed = false;
    push(ctx, t.arg);
  } else if (t.kind == kExpireTimer) {
    auto it = subscriptions_.find(t.arg);
    if (it == subscriptions_.end()) return;
    const Subscription& sub = it->second;
    if (sub.started + streams_[sub.stream].cfg.subscription_s > ctx.now() + 1e-9) return;  // re-armed after a restart
    end_subscription(ctx, t.arg, "expired", "");
  }
}

void StreamNode::reshard(Context& ctx, Stream& s, const ReshardAction& a) {
  const char* op = a.split ? "SplitShard" : "MergeShards";
  std::vector<std::int32_t> parents = {a.shard}, children;
  if (a.split) {
    auto [lo, hi] = s.map.split(a.shard, a.new_starting_hash_key);
    children = {lo, hi};
  } else {
    parents.push_back(a.adjacent);
    children = {s.map.merge(a.shard, a.adjacent)};
  }
  for (std::int32_t p : parents)
    ctx.emit(Event{.kind = ev::ShardClosed, .queue = partition_name(s.cfg.name, p),
                   .tag = s.shards[static_cast<std::size_t>(p)].log.log_end_offset(), .text = op});
  for (std::int32_t c : children) {
    add_shard_state(s);
    const Shard& sh = s.map.at(c);
    ctx.emit(Event{.kind = ev::ShardCreated, .queue = partition_name(s.cfg.name, c), .tag = sh.parent,
                   .seq = sh.adjacent_parent,
                   .text = to_string(sh.starting_hash_key) + ".." + to_string(sh.ending_hash_key)});
  }
  for (std::int32_t p : parents) push_shard(ctx, s, p);  // a subscriber at the parent's end learns its children
}

void StreamNode::on_packet(Context& ctx, NodeId from, const Packet& p) {
  if (const auto* r = p.as<PutRecordRequest>()) {
    put(ctx, from, *r);
  } else if (const auto* r = p.as<GetRecordsRequest>()) {
    get_records(ctx, from, *r);
  } else if (const auto* r = p.as<GetShardIteratorRequest>()) {
    get_iterator(ctx, from, *r);
  } else if (const auto* r = p.as<ListShardsRequest>()) {
    ListShardsResponse resp;
    for (const Shard& sh : stream(r->stream).map.shards()) resp.shards.push_back(ShardInfo{sh.index, sh.parent, sh.adjacent_parent});
    ctx.send(from, std::move(resp));
  } else if (const auto* r = p.as<RegisterStreamConsumerRequest>()) {
    register_consumer(ctx, from, *r);
  } else if (const auto* r = p.as<SubscribeToShardRequest>()) {
    subscribe(ctx, from, *r);
  } else if (const auto* r = p.as<CheckpointRequest>()) {
    // The KCL's checkpoint, kept in the lease table (DynamoDB, not modelled as a node);
    // traced as the log model's commit, so the checker settles what it covers.
    const std::string part = partition_name(r->stream, r->shard);
    checkpoints_[{r->application, part}] = r->offset;
    ctx.emit(Event{.kind = ev::Commit, .peer = from, .queue = part, .tag = r->offset, .seq = 0, .text = r->application});
  }
}

void StreamNode::put(Context& ctx, NodeId from, const PutRecordRequest& r) {
  Stream& s = stream(r.stream);
  const HashKey k = r.has_explicit_hash_key ? r.explicit_hash_key : hash_key_of(r.record.key);
  const std::int32_t shard = s.map.route(k);
  ShardState& st = s.shards[static_cast<std::size_t>(shard)];
  const double second = std::floor(ctx.now() + 1e-9);
  if (second != st.write_second) st.write_second = second, st.write_records = 0, st.write_bytes = 0;
  const std::uint64_t bytes = r.record.size_bytes + r.record.key.size();
  PutRecordResponse resp{r.request_id, r.record.id, shard, -1, false};
  if (st.write_records + 1 > s.cfg.write_records_per_s || st.write_bytes + bytes > s.cfg.write_bytes_per_s) {
    resp.throughput_exceeded = true;
    ctx.emit(Event{.kind = ev::ThroughputExceeded, .msg = r.record.id, .peer = from,
                   .queue = partition_name(s.cfg.name, shard), .tag = st.write_records,
                   .seq = static_cast<std::int64_t>(st.write_bytes), .text = "PutRecord"});
    ctx.send(from, resp);
    return;
  }
  ++st.write_records;
  st.write_bytes += bytes;
  const std::int64_t offset = st.log.append(r.record, ctx.now());
  st.log.set_high_watermark(st.log.log_end_offset());
  resp.sequence_number = offset;
  ctx.emit(Event{.kind = ev::Append, .msg = r.record.id, .peer = from, .queue = partition_name(s.cfg.name, shard),
                 .tag = offset, .seq = 0, .text = r.record.key});
  ctx.send(from, resp);
  push_shard(ctx, s, shard);  // enhanced fan-out: pushed as it arrives
}

std::int64_t StreamNode::start_offset(const Stream& s, std::int32_t shard, IteratorType type, std::int64_t sequence_number,
                                      double timestamp, const std::string& application, bool use_checkpoint,
                                      std::string& how) const {
  const auto& log = s.shards.at(static_cast<std::size_t>(shard)).log;
  std::int64_t pos = 0;
  how = iterator_type_name(type);
  auto cp = checkpoints_.find({application, partition_name(s.cfg.name, shard)});
  if (use_checkpoint && cp != checkpoints_.end()) {
    pos = cp->second;
    how = "checkpoint";
  } else {
    switch (type) {
      case IteratorType::TrimHorizon: pos = log.log_start_offset(); break;
      case IteratorType::Latest: pos = log.log_end_offset(); break;
      case IteratorType::AtSequenceNumber: pos = sequence_number; break;
      case IteratorType::AfterSequenceNumber: pos = sequence_number + 1; break;
      case IteratorType::AtTimestamp: pos = log.offset_for_time(timestamp); break;
    }
  }
  return std::clamp(pos, log.log_start_offset(), log.log_end_offset());
}

void StreamNode::get_iterator(Context& ctx, NodeId from, const GetShardIteratorRequest& r) {
  Stream& s = stream(r.stream);
  std::string how;
  const std::int64_t pos =
      start_offset(s, r.shard, r.type, r.starting_sequence_number, r.timestamp, r.application, r.use_checkpoint, how);
  ctx.emit(Event{.kind = ev::ShardIterator, .peer = from, .queue = partition_name(s.cfg.name, r.shard), .tag = pos,
                 .text = how});
  ctx.send(from, GetShardIteratorResponse{r.shard, pos});
}

void StreamNode::get_records(Context& ctx, NodeId from, const GetRecordsRequest& r) {
  Stream& s = stream(r.stream);
  ShardState& st = s.shards.at(static_cast<std::size_t>(r.shard));
  const std::string part = partition_name(s.cfg.name, r.shard);
  const double second = std::floor(ctx.now() + 1e-9);
  if (second != st.read_second) st.read_second = second, st.read_calls = 0;
  GetRecordsResponse resp;
  resp.request_id = r.request_id;
  resp.shard = r.shard;
  if (st.read_calls + 1 > s.cfg.read_calls_per_s || st.read_paid_until > ctx.now() + 1.0 + 1e-9) {
    resp.throughput_exceeded = true;
    ctx.emit(Event{.kind = ev::ThroughputExceeded, .peer = from, .queue = part, .tag = st.read_calls,
                   .text = "GetRecords"});
    ctx.send(from, std::move(resp));
    return;
  }
  ++st.read_calls;
  const auto& log = st.log;
  std::int64_t pos = std::max(r.position, log.log_start_offset());  // trimmed records are gone
  resp.position = pos;
  std::uint64_t bytes = 0;
  while (pos < log.log_end_offset() && resp.records.size() < r.limit) {
    const kafka::StoredRecord* rec = log.at(pos);
    const std::uint64_t b = rec->msg.size_bytes + rec->msg.key.size();
    if (!resp.records.empty() && bytes + b > kMaxRecordsBytes) break;
    bytes += b;
    resp.records.push_back(rec->msg);
    ++pos;
  }
  resp.next_position = pos;
  st.read_paid_until = std::max(st.read_paid_until, ctx.now()) + static_cast<double>(bytes) / static_cast<double>(s.cfg.read_bytes_per_s);
  const Shard& sh = s.map.at(r.shard);
  if (!sh.open && pos >= log.log_end_offset()) {
    resp.shard_end = true;
    for (const Shard& c : s.map.shards())
      if (c.parent == r.shard || c.adjacent_parent == r.shard) resp.child_shards.push_back(ShardInfo{c.index, c.parent, c.adjacent_parent});
  }
  if (!resp.records.empty())
    ctx.emit(Event{.kind = ev::Fetch, .peer = from, .queue = part, .tag = resp.position,
                   .seq = static_cast<std::int64_t>(resp.records.size()), .text = r.application});
  ctx.send(from, std::move(resp));
}

}  // namespace bs::kinesis
