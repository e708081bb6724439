// One partition of a topic: an append-only log of records split into segments.
#pragma once
#include <cstdint>
#include <deque>
#include <utility>
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

/// A stored record. Offsets are implicit: a segment's records are consecutive. Followers
/// store the leader's copy unchanged (same timestamp, epoch and producer fields).
struct StoredRecord {
  Message msg;
  double timestamp = 0;           ///< LogAppendTime: when the leader appended it (simulated s)
  std::int32_t leader_epoch = 0;  ///< the epoch of the leader that appended it (KIP-101)
  std::int64_t producer_id = -1;  ///< idempotent producer's id (KIP-98), -1 = none
  std::int16_t producer_epoch = 0;
  std::int32_t sequence = -1;     ///< the producer's sequence number for this record in this partition
  bool transactional = false;     ///< written inside a transaction (KIP-98): hidden from read_committed until its commit marker
  /// A control record (KIP-98): a transaction marker, never given to an application.
  /// 0 = an ordinary record, 1 = commit marker, 2 = abort marker.
  std::int8_t control = 0;
};

/// A record removed by truncation, with the offset it had.
struct TruncatedRecord {
  std::int64_t offset = 0;
  StoredRecord record;
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
/// append gets the log end offset (LEO) and advances it by one; the log start offset only
/// moves forward, when retention deletes the oldest segments. A replica's log may also be
/// truncated at its end, when it diverges from a new leader (KIP-101). The high watermark
/// is set by the replica's owner (the leader from its ISR, a follower from the leader's
/// fetch responses) and never exceeds the LEO.
///
/// The leader epoch cache (Kafka's leader-epoch-checkpoint, KIP-101) records the first
/// offset written in each leader epoch, so a replica can answer "where does epoch E end".
class PartitionLog {
 public:
  explicit PartitionLog(LogConfig cfg = {}) : cfg_(cfg) {}

  /// Append one record at time now in leader epoch 0; returns its offset. *rolled is set
  /// when a new segment was started first (by size or age).
  std::int64_t append(Message m, double now, bool* rolled = nullptr);
  /// Append a record as stored (its timestamp is when its leader appended it, which is
  /// also the time that decides segment rolls here); returns its offset.
  std::int64_t append(StoredRecord r, bool* rolled = nullptr);
  /// Remove every record at or after `offset` (no-op when offset >= LEO); returns them in
  /// offset order. The epoch cache forgets epochs that start at or after `offset`.
  std::vector<TruncatedRecord> truncate_to(std::int64_t offset);
  /// Empty the log and restart it at `offset` (a follower behind the leader's log start
  /// offset, after retention on the leader: Kafka's truncateFullyAndStartAt).
  std::vector<TruncatedRecord> reset_to(std::int64_t offset);

  /// Kafka, KIP-101 (OffsetsForLeaderEpoch): for `epoch`, the largest epoch <= it that
  /// this log knows, and the offset where that epoch ends (the start offset of the next
  /// known epoch, or the LEO for the latest one). {-1, -1} when the log knows no epoch
  /// <= `epoch`.
  std::pair<std::int32_t, std::int64_t> end_offset_for_epoch(std::int32_t epoch) const;
  /// The epoch of the last record (-1 for a log that never held one).
  std::int32_t latest_epoch() const { return epochs_.empty() ? -1 : epochs_.back().first; }
  /// Delete whole closed segments past retention.ms / retention.bytes (never the
  /// active one, as Kafka does), oldest first.
  std::vector<DeletedSegment> apply_retention(double now);

  std::int64_t log_start_offset() const { return segments_.empty() ? end_offset_ : segments_.front().base_offset; }
  std::int64_t log_end_offset() const { return end_offset_; }
  std::int64_t high_watermark() const { return hw_; }
  /// Set the high watermark (clamped to [log start offset, LEO]).
  void set_high_watermark(std::int64_t hw);
  std::uint64_t size_bytes() const { return bytes_; }
  std::size_t segment_count() const { return segments_.size(); }
  /// The record at `offset`, or nullptr outside [log start offset, LEO).
  const StoredRecord* at(std::int64_t offset) const;
  /// The earliest offset whose timestamp is >= ts (ListOffsets by time), at most the high
  /// watermark (the high watermark when every committed record is older).
  std::int64_t offset_for_time(double ts) const;
  /// Segments created so far; the active segment is number segments_rolled() (from 1).
  std::uint64_t segments_rolled() const { return rolled_; }

 private:
  LogConfig cfg_;
  std::deque<Segment> segments_;
  std::int64_t end_offset_ = 0;
  std::int64_t hw_ = 0;
  std::vector<std::pair<std::int32_t, std::int64_t>> epochs_;  // (leader epoch, its first offset), ascending
  std::uint64_t bytes_ = 0;
  std::uint64_t rolled_ = 0;
};

}  // namespace bs::kafka
