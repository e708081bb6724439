#include "kafka/partition_log.hpp"

#include <algorithm>

namespace bs::kafka {

std::int64_t PartitionLog::append(Message m, double now, bool* rolled) {
  const std::uint64_t size = m.size_bytes + m.key.size();
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
  s.records.push_back(StoredRecord{std::move(m), now});
  bytes_ += size;
  return end_offset_++;
}

std::vector<DeletedSegment> PartitionLog::apply_retention(double now) {
  std::vector<DeletedSegment> out;
  while (segments_.size() > 1) {
    const Segment& s = segments_.front();
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
    return s.base_offset + (it - s.records.begin());
  }
  return end_offset_;
}

}  // namespace bs::kafka
