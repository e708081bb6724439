// One partition of a topic: an append-only log of records split into segments.
#pragma once
#include <cstdint>
#include <deque>
#include <vector>

#include "core/message.hpp"

namespace bs::kafka {

/// How a partition's segments roll and are retained (Kafka topic configs). Sizes bytes,
/// times simulated seconds; < 0 means "no limit".
struct LogConfig {
  std::uint64_t segment_bytes = 1 << 30;  ///< segment.bytes: roll when the next record would exceed it
  double segment_s = -1;                  ///< segment.ms: roll an active segment this old
  double retention_s = -1;                ///< retention.ms: delete segments whose newest record is older
  std::int64_t retention_bytes = -1;      ///< retention.bytes: keep the partition at most this big
};

/// A stored record. Offsets are implicit: a segment's records are consecutive.
struct StoredRecord {
  Message msg;
  double timestamp = 0;  ///< LogAppendTime: when the broker appended it (simulated s)
};

/// A segment: consecutive records from base_offset. Kafka stores each in its own file;
/// deletion and retention work on whole segments.
struct Segment {
  std::int64_t base_offset = 0;
  double created_at = 0;        ///< when the segment was rolled (simulated s)
  double max_timestamp = 0;     ///< newest record's append time
  std::uint64_t bytes = 0;      ///< key + value bytes of its records
  std::deque<StoredRecord> records;
  std::int64_t next_offset() const { return base_offset + static_cast<std::int64_t>(records.size()); }
};

/// What a deletion removed, for the trace.
struct DeletedSegment {
  std::int64_t base_offset = 0;
  std::int64_t next_offset = 0;  ///< the new log start offset
  const char* reason = "";       ///< "retention.ms" or "retention.bytes"
};

/// An append-only log with Kafka's offset rules: the first record ever is offset 0, each
/// append gets the log end offset and advances it by one; the log start offset only
/// moves forward, when retention deletes the oldest segments. With a single replica the
/// high watermark equals the log end offset.
class PartitionLog {
 public:
  explicit PartitionLog(LogConfig cfg = {}) : cfg_(cfg) {}

  /// Append one record at time now; returns its offset. *rolled is set when a new
  /// segment was started first (by size or age).
  std::int64_t append(Message m, double now, bool* rolled = nullptr);
  /// Delete whole closed segments past retention.ms / retention.bytes (never the
  /// active one, as Kafka does), oldest first.
  std::vector<DeletedSegment> apply_retention(double now);

  std::int64_t log_start_offset() const { return segments_.empty() ? end_offset_ : segments_.front().base_offset; }
  std::int64_t high_watermark() const { return end_offset_; }
  std::uint64_t size_bytes() const { return bytes_; }
  std::size_t segment_count() const { return segments_.size(); }
  /// The record at `offset`, or nullptr outside [log start offset, high watermark).
  const StoredRecord* at(std::int64_t offset) const;
  /// The earliest offset whose timestamp is >= ts (ListOffsets by time); the high
  /// watermark when every record is older.
  std::int64_t offset_for_time(double ts) const;
  /// Segments created so far; the active segment is number segments_rolled() (from 1).
  std::uint64_t segments_rolled() const { return rolled_; }

 private:
  LogConfig cfg_;
  std::deque<Segment> segments_;
  std::int64_t end_offset_ = 0;
  std::uint64_t bytes_ = 0;
  std::uint64_t rolled_ = 0;
};

}  // namespace bs::kafka
