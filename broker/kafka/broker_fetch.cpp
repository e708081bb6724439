// Consumer fetches: long-polling reads below the high watermark of the partitions this
// broker leads, and ListOffsets.
#include <algorithm>

#include "kafka/broker_timers.hpp"
#include "kafka/log_broker.hpp"

namespace bs::kafka {

std::int64_t LogBroker::resolve(const FetchRequest& r, const FetchPartition& fp, bool* reset, std::int64_t* from) const {
  const PartitionLog& log = find(fp.tp)->log;
  std::int64_t off = fp.offset;
  if (off == kCommittedOffset) off = committed(r.group, fp.tp);
  *from = off;
  // auto.offset.reset applies when the group has no committed offset, or the offset is
  // out of range (below the log start offset after retention, or past the high watermark).
  *reset = off < 0 || off < log.log_start_offset() || off > log.high_watermark();
  if (*reset) off = r.reset_earliest ? log.log_start_offset() : log.high_watermark();
  return off;
}

std::int64_t LogBroker::readable_end(const FetchRequest& r, const Replica& rep) const {
  // Kafka, KIP-98: read_committed reads up to the last stable offset.
  return r.read_committed ? rep.txns.last_stable_offset(rep.log.high_watermark()) : rep.log.high_watermark();
}

bool LogBroker::has_data(const FetchRequest& r) const {
  for (const auto& fp : r.partitions) {
    const Replica* rep = find(fp.tp);
    if (!rep) continue;
    if (!rep->leader(self_)) return kraft();  // answer NOT_LEADER_OR_FOLLOWER at once
    if (fp.offset == kCommittedOffset && unstable_offset(r.group, fp.tp)) return true;  // UNSTABLE_OFFSET_COMMIT
    bool reset = false;
    std::int64_t from = 0;
    const std::int64_t off = resolve(r, fp, &reset, &from);
    if (reset || off < readable_end(r, *rep)) return true;
  }
  return false;
}

void LogBroker::answer_fetch(Context& ctx, NodeId to, const FetchRequest& r) {
  FetchResponse resp{r.generation, r.fetch_id, {}};
  std::uint32_t records_left = r.max_records;
  std::uint64_t bytes_left = r.max_bytes;
  const std::size_t n = r.partitions.size();
  // Start at a different partition each fetch so one busy partition cannot starve the
  // others when the batch limit is reached (Kafka rotates partitions the same way).
  const std::size_t first = n ? static_cast<std::size_t>(r.fetch_id % n) : 0;
  for (std::size_t k = 0; k < n; ++k) {
    const FetchPartition& fp = r.partitions[(first + k) % n];
    const Replica* rep = find(fp.tp);
    if (!rep || !rep->leader(self_)) {
      // Kafka: only the leader serves consumers; the client refreshes its metadata.
      if (kraft()) resp.parts.push_back(FetchPartitionData{fp.tp, fp.offset, 0, 0, {}, {}, ErrorCode::NotLeaderOrFollower});
      continue;
    }
    if (fp.offset == kCommittedOffset && unstable_offset(r.group, fp.tp)) {
      // KIP-447: a transaction's offset commit for this partition is pending; the
      // consumer asks again rather than start from an offset about to change.
      resp.parts.push_back(FetchPartitionData{fp.tp, fp.offset, 0, 0, {}, {}, ErrorCode::UnstableOffsetCommit});
      continue;
    }
    const PartitionLog& log = rep->log;
    const std::int64_t end = readable_end(r, *rep);
    const bool txns = rep->txns.used();
    std::int64_t data = 0;  // records the application will see
    bool reset = false;
    std::int64_t from = 0;
    std::int64_t off = resolve(r, fp, &reset, &from);
    if (reset)
      ctx.emit(Event{.kind = ev::OffsetReset, .peer = to, .queue = rep->name, .tag = off, .seq = from, .text = r.group});
    FetchPartitionData d{fp.tp, off, log.high_watermark(), log.log_start_offset(), {}, {}};
    std::uint64_t bytes = 0;
    while (off < end && records_left > 0) {
      const StoredRecord* rec = log.at(off);
      const std::uint64_t size = rec->msg.size_bytes + rec->msg.key.size();
      // The first record always goes, even if larger than max_bytes (Kafka does the same,
      // so a big record cannot block a partition forever).
      if (!(resp.parts.empty() && d.records.empty()) && bytes + size > bytes_left) break;
      bytes += size;
      d.records.push_back(rec->msg);
      d.timestamps.push_back(rec->timestamp);
      if (txns) {
        d.producer_ids.push_back(rec->producer_id);
        d.control.push_back(rec->control);
      }
      if (rec->control == 0 && !(r.read_committed && rec->transactional && rep->txns.aborted(rec->producer_id, off))) ++data;
      ++off;
      --records_left;
    }
    bytes_left = bytes_left > bytes ? bytes_left - bytes : 0;
    if (txns && r.read_committed)
      for (const auto& a : rep->txns.aborted_between(d.fetch_offset, off)) d.aborted.emplace_back(a.producer_id, a.first_offset);
    if (data > 0)
      ctx.emit(Event{.kind = ev::Fetch, .peer = to, .queue = rep->name, .tag = d.fetch_offset, .seq = data, .text = r.group});
    resp.parts.push_back(std::move(d));
  }
  ctx.send(to, std::move(resp));
}

void LogBroker::wake_fetches(Context& ctx) {
  answer_ready(parked_, [&](const FetchRequest& r) { return has_data(r); },
               [&](NodeId to, const FetchRequest& r) { answer_fetch(ctx, to, r); });
  answer_ready(parked_replicas_, [&](const ReplicaFetch& r) { return replica_fetch_ready(r); },
               [&](NodeId to, const ReplicaFetch& r) { answer_replica_fetch(ctx, to, r); });
}

void LogBroker::handle_fetch(Context& ctx, NodeId from, const FetchRequest& r) {
  parked_.erase(from);  // a new fetch supersedes the one still waiting
  if (has_data(r) || r.max_wait_s <= 0) return answer_fetch(ctx, from, r);
  parked_[from] = Parked{r, ctx.now() + r.max_wait_s};
  ctx.set_timer(r.max_wait_s, Timer{kFetchWait, from});
}

void LogBroker::handle_list_offsets(Context& ctx, NodeId from, const ListOffsets& l) {
  ListOffsetsResponse resp{l.request_id, {}};
  for (const auto& tp : l.partitions)
    if (const PartitionLog* log = this->log(tp)) resp.offsets.push_back(FetchPartition{tp, log->offset_for_time(l.timestamp_s)});
  ctx.send(from, std::move(resp));
}

}  // namespace bs::kafka
