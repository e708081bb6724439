#include "kafka/partition_log.hpp"

#include <algorithm>

namespace bs::kafka {

std::int64_t PartitionLog::append(Message m, double now, bool* rolled) {
  StoredRecord r;
  r.msg = std::move(m);
  r.timestamp = now;
  return append(std::move(r), rolled);
}

std::int64_t PartitionLog::append(StoredRecord r, bool* rolled) {
  const double now = r.timestamp;
  const std::uint64_t size = r.msg.size_bytes + r.msg.key.size();
  bool roll = segments_.empty();
  if (!roll && !segments_.back().records.empty()) {
    const Segment& s = segments_.back();
    // Kafka rolls when the segment would grow past segment.bytes, or when the active
    // segment is older than segment.ms at the time of an append.
    roll = s.bytes + size > cfg_.segment_bytes || (cfg_.segment_s >= 0 && now - s.created_at >= cfg_.segment_s);
  }
  if (roll) {
    if (!segments_.empty() && segments_.back().records.empty()) segments_.pop_back();
    segments_.push_back(Segment{end_offset_, now, now, 0, {}});
    ++rolled_;
  }
  if (rolled) *rolled = roll;
  Segment& s = segments_.back();
  s.bytes += size;
  s.max_timestamp = now;
  if (epochs_.empty() || r.leader_epoch > epochs_.back().first) epochs_.emplace_back(r.leader_epoch, end_offset_);
  s.records.push_back(std::move(r));
  bytes_ += size;
  return end_offset_++;
}

std::vector<TruncatedRecord> PartitionLog::truncate_to(std::int64_t offset) {
  std::vector<TruncatedRecord> out;
  if (offset >= end_offset_) return out;
  offset = std::max(offset, log_start_offset());
  while (!segments_.empty() && end_offset_ > offset) {
    Segment& s = segments_.back();
    if (s.records.empty()) {
      segments_.pop_back();
      continue;
    }
    --end_offset_;
    const std::uint64_t size = s.records.back().msg.size_bytes + s.records.back().msg.key.size();
    s.bytes -= size;
    bytes_ -= size;
    out.push_back(TruncatedRecord{end_offset_, std::move(s.records.back())});
    s.records.pop_back();
    if (s.records.empty() && segments_.size() > 1) segments_.pop_back();
  }
  std::reverse(out.begin(), out.end());
  while (!epochs_.empty() && epochs_.back().second >= end_offset_) epochs_.pop_back();
  hw_ = std::min(hw_, end_offset_);
  return out;
}

std::vector<TruncatedRecord> PartitionLog::reset_to(std::int64_t offset) {
  auto out = truncate_to(log_start_offset());
  segments_.clear();
  epochs_.clear();
  end_offset_ = offset;
  hw_ = offset;
  bytes_ = 0;
  return out;
}

std::pair<std::int32_t, std::int64_t> PartitionLog::end_offset_for_epoch(std::int32_t epoch) const {
  for (std::size_t i = epochs_.size(); i-- > 0;) {
    if (epochs_[i].first > epoch) continue;
    const std::int64_t end = i + 1 < epochs_.size() ? epochs_[i + 1].second : end_offset_;
    return {epochs_[i].first, end};
  }
  return {-1, -1};
}

void PartitionLog::set_high_watermark(std::int64_t hw) {
  hw_ = std::clamp(hw, log_start_offset(), end_offset_);
}

std::vector<DeletedSegment> PartitionLog::apply_retention(double now) {
  std::vector<DeletedSegment> out;
  while (segments_.size() > 1) {
    const Segment& s = segments_.front();
    // Kafka deletes only segments wholly below the high watermark: a record no consumer
    // could read yet is never removed by retention.
    if (s.next_offset() > hw_) break;
    const char* reason = nullptr;
    if (cfg_.retention_s >= 0 && now - s.max_timestamp > cfg_.retention_s) reason = "retention.ms";
    // Kafka deletes while the log would still be at least retention.bytes without it.
    else if (cfg_.retention_bytes >= 0 && bytes_ - s.bytes >= static_cast<std::uint64_t>(cfg_.retention_bytes))
      reason = "retention.bytes";
    if (!reason) break;
    out.push_back(DeletedSegment{s.base_offset, s.next_offset(), reason});
    bytes_ -= s.bytes;
    segments_.pop_front();
  }
  return out;
}

const StoredRecord* PartitionLog::at(std::int64_t offset) const {
  if (offset < log_start_offset() || offset >= end_offset_) return nullptr;
  // Last segment whose base offset is <= offset.
  auto it = std::upper_bound(segments_.begin(), segments_.end(), offset,
                             [](std::int64_t o, const Segment& s) { return o < s.base_offset; });
  --it;
  return &it->records[static_cast<std::size_t>(offset - it->base_offset)];
}

std::int64_t PartitionLog::offset_for_time(double ts) const {
  // Append times never decrease, so the first record at or after ts is found by bisection.
  for (const auto& s : segments_) {
    if (s.max_timestamp < ts) continue;
    auto it = std::lower_bound(s.records.begin(), s.records.end(), ts,
                               [](const StoredRecord& r, double t) { return r.timestamp < t; });
    return std::min(hw_, s.base_offset + (it - s.records.begin()));
  }
  return hw_;
}

}  // namespace bs::kafka
